output "cluster_name" {
  description = "EKS cluster to deploy k8s/ to (`aws eks update-kubeconfig --name ...`)."
  value       = module.eks.cluster_name
}

output "media_bucket" {
  description = "Bucket of product images."
  value       = module.media.bucket
}

output "media_cdn_domain" {
  description = "Domain that serves product images."
  value       = module.media.cdn_domain_name
}

output "opensearch_endpoint" {
  description = "OpenSearch domain holding the logs."
  value       = module.logging.endpoint
}
