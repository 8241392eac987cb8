variable "name" {
  description = "Name of the OpenSearch domain (3-28 lower-case characters), e.g. edgecart-prod-euw1."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,27}$", var.name))
    error_message = "An OpenSearch domain name is 3-28 characters: lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "vpc_id" {
  description = "VPC the domain lives in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the domain's network interfaces (one per zone it spans)."
  type        = list(string)
}

variable "node_security_group_id" {
  description = "Security group of the cluster's nodes, allowed to reach the domain on 443."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the domain's data and its CloudWatch log groups."
  type        = string
}

variable "pod_identity_trust_policy" {
  description = "Trust policy of the Fluent Bit role (EKS Pod Identity)."
  type        = string
}

variable "admin_role_arn" {
  description = "IAM role that administers the domain (fine-grained access control master user) and reads logs through OpenSearch Dashboards."
  type        = string

  validation {
    condition     = can(regex("^arn:aws:iam::[0-9]{12}:role/", var.admin_role_arn))
    error_message = "admin_role_arn must be an IAM role ARN."
  }
}

variable "engine_version" {
  description = "OpenSearch engine version."
  type        = string
  default     = "OpenSearch_2.17"
}

variable "instance_type" {
  description = "Instance type of the data nodes."
  type        = string
  default     = "r7g.large.search"
}

variable "instance_count" {
  description = "Number of data nodes; above 1 the domain spans availability zones, above 2 it gets dedicated masters."
  type        = number
  default     = 3

  validation {
    condition     = var.instance_count >= 1
    error_message = "instance_count must be at least 1."
  }
}

variable "volume_size_gb" {
  description = "EBS volume per data node, in GiB."
  type        = number
  default     = 100
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
