#!/usr/bin/env bash
# Deploys one overlay to one cluster, as the deploy workflow does:
#   CLUSTER=<eks cluster> OVERLAY=k8s/overlays/... HOST_DIGEST=sha256:... SHOP_DIGEST=sha256:... \
#     scripts/deploy/rollout.sh
# Pins both images by digest in a copy of the repository's k8s/ tree, applies
# it with server-side apply, and waits for every rollout to finish.
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${CLUSTER:?}" "${OVERLAY:?}" "${HOST_DIGEST:?}" "${SHOP_DIGEST:?}"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:?set AWS_REGION}}"

aws eks update-kubeconfig --name "$CLUSTER" --region "$region"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r k8s "$work/"
(
  cd "$work/${OVERLAY}"
  cat >>kustomization.yaml <<YAML
images:
  - name: ghcr.io/edgecart/edgecart
    digest: ${HOST_DIGEST}
  - name: ghcr.io/edgecart/shop
    digest: ${SHOP_DIGEST}
YAML
)
kubectl apply --server-side --force-conflicts -k "$work/${OVERLAY}"

kubectl -n edgecart rollout status statefulset --timeout=10m --watch=true -l app.kubernetes.io/component=database
kubectl -n edgecart rollout status deployment/edgecart-host --timeout=10m
kubectl -n edgecart wait deployment/edgecart-shop --for=create --timeout=5m
kubectl -n edgecart rollout status deployment/edgecart-shop --timeout=10m
