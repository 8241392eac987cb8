output "endpoint" {
  description = "HTTPS endpoint of the OpenSearch domain (Fluent Bit's OPENSEARCH_HOST)."
  value       = aws_opensearch_domain.logs.endpoint
}

output "fluent_bit_role_arn" {
  description = "IAM role Fluent Bit writes logs as."
  value       = aws_iam_role.fluent_bit.arn
}
