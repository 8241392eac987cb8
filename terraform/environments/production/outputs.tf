output "cluster_names" {
  description = "EKS clusters per region, for `aws eks update-kubeconfig`."
  value = {
    (var.regions.primary) = module.eks_primary.cluster_name
    (var.regions.replica) = module.eks_replica.cluster_name
  }
}

output "media_bucket" {
  description = "Bucket of product images."
  value       = module.media.bucket
}

output "media_cdn_domain" {
  description = "Domain that serves product images."
  value       = module.media.cdn_domain_name
}

output "opensearch_endpoints" {
  description = "OpenSearch domains holding each region's logs."
  value = {
    (var.regions.primary) = module.logging_primary.endpoint
    (var.regions.replica) = module.logging_replica.endpoint
  }
}
