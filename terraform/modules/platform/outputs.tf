output "host_role_arn" {
  description = "IAM role of the edgecart host's service account."
  value       = aws_iam_role.host.arn
}

output "ingress_namespace" {
  description = "Namespace of the ingress controller (the NetworkPolicies admit it by name)."
  value       = helm_release.traefik.namespace
}
