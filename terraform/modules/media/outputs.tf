output "bucket" {
  description = "Name of the media bucket (the host's EDGECART_MEDIA_BUCKET)."
  value       = aws_s3_bucket.media.id
}

output "bucket_region" {
  description = "Region of the media bucket."
  value       = aws_s3_bucket.media.region
}

output "cdn_domain_name" {
  description = "Domain name that serves the images."
  value       = var.domain_name == "" ? aws_cloudfront_distribution.media.domain_name : var.domain_name
}

output "writer_policy_arn" {
  description = "IAM policy that lets a role write images."
  value       = aws_iam_policy.writer.arn
}
