variable "region" {
  description = "AWS region of the staging cluster."
  type        = string
  default     = "eu-west-1"
}

variable "vpc_cidr" {
  description = "CIDR block of the staging VPC."
  type        = string
  default     = "10.30.0.0/16"
}

variable "public_zone_name" {
  description = "Route 53 public hosted zone of the shop's domain (cert-manager's DNS-01 challenges), e.g. staging.shop.example."
  type        = string
}

variable "api_allowed_cidrs" {
  description = "CIDR blocks allowed to reach the cluster's public API endpoint (CI runners, operators); empty keeps it private."
  type        = list(string)
  default     = []
}

variable "access_entries" {
  description = "EKS access entries for the CI deploy role and operators (terraform-aws-modules/eks access_entries)."
  type        = any
  default     = {}
}

variable "logs_admin_role_arn" {
  description = "IAM role that administers the OpenSearch domain and reads logs."
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

variable "blocked_countries" {
  description = "Countries the media CDN refuses (ISO 3166-1 alpha-2)."
  type        = list(string)
  default     = []
}
