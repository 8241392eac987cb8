# What one cluster runs besides Edgecart, as Helm releases, plus the values the
# k8s/ overlays take from this account:
#   cert-manager            TLS for the Ingress (ClusterIssuer edgecart-letsencrypt, DNS-01 on Route 53)
#   spin-operator + CRDs    SpinApp / SpinAppExecutor (the shim itself is on the eks module's spin nodes)
#   traefik                 the ingress controller (IngressClass traefik, namespace traefik)
#   kube-prometheus-stack   Prometheus, Alertmanager, Grafana (namespace monitoring)
#   external-dns            names the regional sqld primary in the private zone
#   ConfigMaps              edgecart/edgecart-media and logging/fluent-bit-output
#   Pod Identity            host -> media bucket, Fluent Bit -> OpenSearch,
#                           cert-manager and external-dns -> Route 53

locals {
  spin_operator_crds = provider::kubernetes::manifest_decode_multi(data.http.spin_operator_crds.response_body)
}

resource "kubernetes_namespace_v1" "edgecart" {
  metadata {
    name = "edgecart"
    labels = {
      "pod-security.kubernetes.io/enforce" = "baseline"
      "pod-security.kubernetes.io/warn"    = "restricted"
      "pod-security.kubernetes.io/audit"   = "restricted"
    }
  }
}

resource "kubernetes_namespace_v1" "logging" {
  metadata {
    name = "logging"
    labels = {
      "pod-security.kubernetes.io/enforce" = "privileged"
      "pod-security.kubernetes.io/warn"    = "baseline"
    }
  }
}

resource "kubernetes_config_map_v1" "media" {
  metadata {
    name      = "edgecart-media"
    namespace = kubernetes_namespace_v1.edgecart.metadata[0].name
    labels = {
      "app.kubernetes.io/name"    = "edgecart-host"
      "app.kubernetes.io/part-of" = "edgecart"
    }
  }
  data = {
    bucket = var.media_bucket
    region = var.media_bucket_region
  }
}

resource "kubernetes_config_map_v1" "fluent_bit_output" {
  metadata {
    name      = "fluent-bit-output"
    namespace = kubernetes_namespace_v1.logging.metadata[0].name
    labels = {
      "app.kubernetes.io/name"    = "fluent-bit"
      "app.kubernetes.io/part-of" = "edgecart"
    }
  }
  data = {
    OPENSEARCH_HOST     = var.opensearch_endpoint
    OPENSEARCH_PORT     = "443"
    OPENSEARCH_TLS      = "On"
    OPENSEARCH_AWS_AUTH = "On"
    AWS_REGION          = var.region
    CLUSTER_REGION      = var.region
  }
}

# --- cert-manager -------------------------------------------------------------

resource "helm_release" "cert_manager" {
  name             = "cert-manager"
  namespace        = "cert-manager"
  create_namespace = true
  repository       = "https://charts.jetstack.io"
  chart            = "cert-manager"
  version          = var.chart_versions.cert_manager
  wait             = true

  values = [yamlencode({
    crds       = { enabled = true }
    prometheus = { servicemonitor = { enabled = true } }
  })]

  depends_on = [helm_release.kube_prometheus_stack]
}

resource "aws_iam_role" "cert_manager" {
  name               = "${var.cluster_name}-cert-manager"
  assume_role_policy = var.pod_identity_trust_policy
  tags               = var.tags
}

resource "aws_iam_role_policy" "cert_manager" {
  name   = "route53-dns01"
  role   = aws_iam_role.cert_manager.id
  policy = data.aws_iam_policy_document.dns01.json
}

data "aws_iam_policy_document" "dns01" {
  statement {
    actions   = ["route53:GetChange"]
    resources = ["arn:aws:route53:::change/*"]
  }
  statement {
    actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
    resources = ["arn:aws:route53:::hostedzone/${var.public_zone_id}"]
  }
  statement {
    actions   = ["route53:ListHostedZonesByName"]
    resources = ["*"]
  }
}

resource "aws_eks_pod_identity_association" "cert_manager" {
  cluster_name    = var.cluster_name
  namespace       = "cert-manager"
  service_account = "cert-manager"
  role_arn        = aws_iam_role.cert_manager.arn
}

# --- SpinKube -----------------------------------------------------------------

data "http" "spin_operator_crds" {
  url = "https://github.com/spinframework/spin-operator/releases/download/v${var.chart_versions.spin_operator}/spin-operator.crds.yaml"

  lifecycle {
    postcondition {
      condition     = self.status_code == 200
      error_message = "cannot download the spin-operator ${var.chart_versions.spin_operator} CRDs"
    }
  }
}

resource "kubernetes_manifest" "spin_operator_crds" {
  for_each = { for crd in local.spin_operator_crds : crd.metadata.name => crd }
  manifest = each.value
}

resource "helm_release" "spin_operator" {
  name             = "spin-operator"
  namespace        = "spin-operator"
  create_namespace = true
  repository       = "oci://ghcr.io/spinframework/charts"
  chart            = "spin-operator"
  version          = var.chart_versions.spin_operator
  wait             = true

  depends_on = [helm_release.cert_manager, kubernetes_manifest.spin_operator_crds]
}

# --- ingress ------------------------------------------------------------------

resource "helm_release" "traefik" {
  name             = "traefik"
  namespace        = "traefik"
  create_namespace = true
  repository       = "https://traefik.github.io/charts"
  chart            = "traefik"
  version          = var.chart_versions.traefik

  values = [yamlencode({
    deployment          = { replicas = 3 }
    podDisruptionBudget = { enabled = true, minAvailable = 1 }
    ingressClass        = { enabled = true, isDefaultClass = true, name = "traefik" }
    ports = {
      web       = { redirections = { entryPoint = { to = "websecure", scheme = "https", permanent = true } } }
      websecure = { tls = { enabled = true } }
    }
    service = {
      annotations = {
        "service.beta.kubernetes.io/aws-load-balancer-type"                              = "nlb"
        "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled" = "true"
      }
      spec = { externalTrafficPolicy = "Local" }
    }
    metrics = { prometheus = { serviceMonitor = { enabled = true } } }
    logs    = { access = { enabled = true, format = "json" } }
  })]

  depends_on = [helm_release.kube_prometheus_stack]
}

# --- monitoring ---------------------------------------------------------------

resource "helm_release" "kube_prometheus_stack" {
  name             = "kube-prometheus-stack"
  namespace        = "monitoring"
  create_namespace = true
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = var.chart_versions.kube_prometheus_stack
  wait             = true

  values = [yamlencode({
    prometheus = {
      prometheusSpec = {
        retention                               = var.metrics_retention
        serviceMonitorSelectorNilUsesHelmValues = false
        podMonitorSelectorNilUsesHelmValues     = false
        ruleSelectorNilUsesHelmValues           = false
        scrapeConfigSelectorNilUsesHelmValues   = false
        externalLabels                          = { region = var.region, cluster = var.cluster_name }
        storageSpec = {
          volumeClaimTemplate = {
            spec = {
              storageClassName = "gp3"
              accessModes      = ["ReadWriteOnce"]
              resources        = { requests = { storage = "100Gi" } }
            }
          }
        }
      }
    }
    grafana = {
      sidecar = { dashboards = { enabled = true, label = "grafana_dashboard", searchNamespace = "ALL" } }
    }
  })]

  depends_on = [kubernetes_storage_class_v1.gp3]
}

resource "kubernetes_storage_class_v1" "gp3" {
  metadata {
    name = "gp3"
  }
  storage_provisioner    = "ebs.csi.aws.com"
  reclaim_policy         = "Retain"
  volume_binding_mode    = "WaitForFirstConsumer"
  allow_volume_expansion = true
  parameters = {
    type      = "gp3"
    encrypted = "true"
    kmsKeyId  = var.kms_key_arn
  }
}

# --- external-dns: sqld-primary.edgecart.internal -----------------------------

resource "helm_release" "external_dns" {
  name             = "external-dns"
  namespace        = "external-dns"
  create_namespace = true
  repository       = "https://kubernetes-sigs.github.io/external-dns/"
  chart            = "external-dns"
  version          = var.chart_versions.external_dns

  values = [yamlencode({
    provider      = { name = "aws" }
    env           = [{ name = "AWS_DEFAULT_REGION", value = var.region }]
    domainFilters = [var.private_zone_name]
    extraArgs     = ["--aws-zone-type=private"]
    policy        = "upsert-only"
    registry      = "txt"
    txtOwnerId    = var.cluster_name
    sources       = ["service"]
  })]
}

resource "aws_iam_role" "external_dns" {
  name               = "${var.cluster_name}-external-dns"
  assume_role_policy = var.pod_identity_trust_policy
  tags               = var.tags
}

resource "aws_iam_role_policy" "external_dns" {
  name   = "route53-private-zone"
  role   = aws_iam_role.external_dns.id
  policy = data.aws_iam_policy_document.external_dns.json
}

data "aws_iam_policy_document" "external_dns" {
  statement {
    actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
    resources = ["arn:aws:route53:::hostedzone/${var.private_zone_id}"]
  }
  statement {
    actions   = ["route53:ListHostedZones", "route53:ListTagsForResource"]
    resources = ["*"]
  }
}

resource "aws_eks_pod_identity_association" "external_dns" {
  cluster_name    = var.cluster_name
  namespace       = "external-dns"
  service_account = "external-dns"
  role_arn        = aws_iam_role.external_dns.arn
}

# --- workload roles -------------------------------------------------------------

resource "aws_iam_role" "host" {
  name               = "${var.cluster_name}-edgecart-host"
  assume_role_policy = var.pod_identity_trust_policy
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "host_media" {
  role       = aws_iam_role.host.name
  policy_arn = var.media_writer_policy_arn
}

resource "aws_eks_pod_identity_association" "host" {
  cluster_name    = var.cluster_name
  namespace       = kubernetes_namespace_v1.edgecart.metadata[0].name
  service_account = "edgecart-host"
  role_arn        = aws_iam_role.host.arn
}

resource "aws_eks_pod_identity_association" "fluent_bit" {
  cluster_name    = var.cluster_name
  namespace       = kubernetes_namespace_v1.logging.metadata[0].name
  service_account = "fluent-bit"
  role_arn        = var.fluent_bit_role_arn
}
