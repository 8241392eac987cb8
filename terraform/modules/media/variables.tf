variable "name" {
  description = "Prefix of the bucket names and name of the distribution, e.g. edgecart-production-media."
  type        = string
}

variable "domain_name" {
  description = "Custom domain of the CDN (e.g. media.shop.example); empty serves from the *.cloudfront.net name."
  type        = string
  default     = ""
}

variable "certificate_arn" {
  description = "ACM certificate in us-east-1 for domain_name; required when domain_name is set."
  type        = string
  default     = ""

  validation {
    condition     = var.certificate_arn == "" || can(regex("^arn:aws:acm:us-east-1:", var.certificate_arn))
    error_message = "CloudFront needs an ACM certificate from us-east-1."
  }
}

variable "web_acl_arn" {
  description = "WAFv2 web ACL (scope CLOUDFRONT) in front of the distribution, or null for none."
  type        = string
  default     = null
}

variable "price_class" {
  description = "CloudFront price class: which edge locations serve the images."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_All", "PriceClass_200", "PriceClass_100"], var.price_class)
    error_message = "price_class is PriceClass_All, PriceClass_200 or PriceClass_100."
  }
}

variable "blocked_countries" {
  description = "ISO 3166-1 alpha-2 codes of countries the CDN refuses (sanctions, for example)."
  type        = list(string)
  default     = []
}

variable "noncurrent_version_days" {
  description = "Days a replaced or deleted image version is kept before it expires."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be at least 1."
  }
}

variable "log_retention_days" {
  description = "Days access logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
