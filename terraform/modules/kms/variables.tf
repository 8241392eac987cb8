variable "name" {
  description = "Name of the key's alias, e.g. edgecart-production-eu-west-1."
  type        = string
}

variable "tags" {
  description = "Tags added to the key."
  type        = map(string)
  default     = {}
}
