variable "region" {
  description = "Region of the state bucket; the environments' backend blocks name the same region."
  type        = string
  default     = "eu-west-1"
}

variable "state_bucket" {
  description = "Globally unique name of the state bucket; the environments' backend blocks name the same bucket."
  type        = string
  default     = "edgecart-terraform-state"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be a valid S3 bucket name."
  }
}
