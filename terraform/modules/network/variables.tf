variable "name" {
  description = "Name of the VPC and prefix of its resources, e.g. edgecart-production-eu-west-1."
  type        = string
}

variable "cidr" {
  description = "The VPC's IPv4 CIDR block; must not overlap another region's when VPCs are peered."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.cidr)) && tonumber(split("/", var.cidr)[1]) <= 16
    error_message = "cidr must be an IPv4 CIDR block of /16 or larger."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for the whole VPC (cheaper, for staging) instead of one per availability zone."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the flow-log log group."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
