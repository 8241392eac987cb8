variable "regions" {
  description = "AWS regions: `primary` holds the libSQL primary, `replica` serves from a replica. They match k8s/overlays/production/<region>."
  type        = object({ primary = string, replica = string })
  default     = { primary = "eu-west-1", replica = "us-east-1" }

  validation {
    condition     = var.regions.primary != var.regions.replica
    error_message = "The primary and replica regions must differ."
  }
}

variable "vpc_cidrs" {
  description = "VPC CIDR blocks per region; the k8s production overlays' NetworkPolicies name the other region's block (10.10.0.0/16 and 10.20.0.0/16)."
  type        = object({ primary = string, replica = string })
  default     = { primary = "10.10.0.0/16", replica = "10.20.0.0/16" }
}

variable "public_zone_name" {
  description = "Route 53 public hosted zone of the shop's domain (DNS-01 challenges, latency records), e.g. shop.example."
  type        = string
}

variable "media_domain_name" {
  description = "Custom domain of the media CDN, e.g. media.shop.example; empty serves from *.cloudfront.net."
  type        = string
  default     = ""
}

variable "media_certificate_arn" {
  description = "ACM certificate (us-east-1) for media_domain_name."
  type        = string
  default     = ""
}

variable "media_web_acl_arn" {
  description = "WAFv2 web ACL (scope CLOUDFRONT) for the media CDN, or null."
  type        = string
  default     = null
}

variable "blocked_countries" {
  description = "Countries the media CDN refuses (ISO 3166-1 alpha-2)."
  type        = list(string)
  default     = []
}

variable "api_allowed_cidrs" {
  description = "CIDR blocks allowed to reach the clusters' public API endpoints (CI runners, operators); empty keeps them private."
  type        = list(string)
  default     = []
}

variable "access_entries" {
  description = "EKS access entries for the CI deploy role and operators, applied to both clusters."
  type        = any
  default     = {}
}

variable "logs_admin_role_arn" {
  description = "IAM role that administers the OpenSearch domains and reads logs."
  type        = string
}

variable "spin_shim_version" {
  description = "containerd-shim-spin release on the Spin nodes."
  type        = string
  default     = "0.19.0"
}

variable "spin_shim_sha256" {
  description = "SHA-256 of that release's containerd-shim-spin-v2-linux-x86_64.tar.gz."
  type        = string
}
