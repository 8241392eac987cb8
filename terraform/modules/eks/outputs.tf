output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the API server."
  value       = module.eks.cluster_certificate_authority_data
}

output "node_security_group_id" {
  description = "Security group of the nodes."
  value       = module.eks.node_security_group_id
}

output "pod_identity_trust_policy" {
  description = "Trust policy for IAM roles assumed through EKS Pod Identity."
  value       = data.aws_iam_policy_document.pod_identity_trust.json
}
