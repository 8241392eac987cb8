variable "name" {
  description = "Name of the EKS cluster, e.g. edgecart-production-eu-west-1."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane; scripts/check-deploy.sh validates the manifests against the same version."
  type        = string
  default     = "1.34"

  validation {
    condition     = can(regex("^1\\.[0-9]+$", var.kubernetes_version))
    error_message = "kubernetes_version is a minor version such as 1.34."
  }
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the control plane's network interfaces and the nodes."
  type        = list(string)
}

variable "api_allowed_cidrs" {
  description = "CIDR blocks allowed to reach the public API endpoint (the CI runners' egress, operators' VPN); empty makes the endpoint private only."
  type        = list(string)
  default     = []
}

variable "access_entries" {
  description = "Extra EKS access entries (principal ARN and access policies), e.g. the CI deploy role; see the terraform-aws-modules/eks access_entries input."
  type        = any
  default     = {}
}

variable "kms_key_arn" {
  description = "KMS key for Kubernetes secrets, control-plane logs and node volumes."
  type        = string
}

variable "system_instance_types" {
  description = "Instance types of the system node group."
  type        = list(string)
  default     = ["m7i.large"]
}

variable "system_node_count" {
  description = "Minimum and maximum size of the system node group."
  type        = object({ min = number, max = number })
  default     = { min = 3, max = 6 }

  validation {
    condition     = var.system_node_count.min >= 1 && var.system_node_count.max >= var.system_node_count.min
    error_message = "system_node_count needs 1 <= min <= max."
  }
}

variable "spin_instance_types" {
  description = "Instance types of the node group that runs the Spin shim."
  type        = list(string)
  default     = ["c7i.large"]
}

variable "spin_node_count" {
  description = "Minimum and maximum size of the Spin node group."
  type        = object({ min = number, max = number })
  default     = { min = 2, max = 10 }

  validation {
    condition     = var.spin_node_count.min >= 1 && var.spin_node_count.max >= var.spin_node_count.min
    error_message = "spin_node_count needs 1 <= min <= max."
  }
}

variable "spin_shim_version" {
  description = "Release of containerd-shim-spin installed on the Spin nodes."
  type        = string
  default     = "0.19.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.spin_shim_version))
    error_message = "spin_shim_version is a release version such as 0.19.0."
  }
}

variable "spin_shim_sha256" {
  description = "SHA-256 of the release's containerd-shim-spin-v2-linux-x86_64.tar.gz; nodes refuse a download that does not match."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.spin_shim_sha256))
    error_message = "spin_shim_sha256 is 64 lower-case hex digits."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
