variable "cluster_name" {
  description = "Name of the EKS cluster the releases go to (also the prefix of the IAM roles)."
  type        = string
}

variable "region" {
  description = "AWS region of the cluster; labels its metrics and logs."
  type        = string
}

variable "pod_identity_trust_policy" {
  description = "Trust policy for EKS Pod Identity roles (the eks module's output)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the gp3 volumes (sqld, Prometheus)."
  type        = string
}

variable "media_bucket" {
  description = "Media bucket the host writes product images to (the media module's output)."
  type        = string
}

variable "media_bucket_region" {
  description = "Region of the media bucket."
  type        = string
}

variable "media_writer_policy_arn" {
  description = "IAM policy that lets the host's role write images."
  type        = string
}

variable "opensearch_endpoint" {
  description = "Endpoint of the region's OpenSearch domain (the logging module's output)."
  type        = string
}

variable "fluent_bit_role_arn" {
  description = "IAM role Fluent Bit writes logs as (the logging module's output)."
  type        = string
}

variable "public_zone_id" {
  description = "Route 53 public hosted zone of the shop's domain, where cert-manager answers DNS-01 challenges."
  type        = string
}

variable "private_zone_id" {
  description = "Route 53 private hosted zone shared by the regions' VPCs, where external-dns names the sqld primary."
  type        = string
}

variable "private_zone_name" {
  description = "Name of the private hosted zone (k8s overlays use sqld-primary.<name>)."
  type        = string
  default     = "edgecart.internal"
}

variable "metrics_retention" {
  description = "How long Prometheus keeps samples."
  type        = string
  default     = "30d"

  validation {
    condition     = can(regex("^[0-9]+(d|w|y)$", var.metrics_retention))
    error_message = "metrics_retention is a Prometheus duration in days, weeks or years, e.g. 30d."
  }
}

variable "chart_versions" {
  description = "Pinned versions of the Helm charts (spin_operator is also the release whose CRDs are installed)."
  type = object({
    cert_manager          = string
    spin_operator         = string
    traefik               = string
    kube_prometheus_stack = string
    external_dns          = string
  })
  default = {
    cert_manager          = "v1.16.3"
    spin_operator         = "0.6.1"
    traefik               = "34.4.1"
    kube_prometheus_stack = "69.3.1"
    external_dns          = "1.15.2"
  }
}

variable "tags" {
  description = "Tags added to every AWS resource."
  type        = map(string)
  default     = {}
}
