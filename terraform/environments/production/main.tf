# Production: two regions. eu-west-1 holds the libSQL primary
# (k8s/overlays/production/eu-west-1); us-east-1 runs a replica region
# (k8s/overlays/production/us-east-1). The VPCs are peered and share the private
# zone edgecart.internal, where external-dns names the primary's internal load
# balancer sqld-primary.edgecart.internal. The media bucket and its CDN are
# global (in the primary region). Shoppers reach the nearest region through
# latency records in the public zone for the shop's domain, pointing at each
# region's Traefik load balancer.
#
#   terraform init
#   terraform apply -target=module.eks_primary -target=module.eks_replica
#   terraform apply

locals {
  name = "edgecart-production"
  tags = { project = "edgecart", environment = "production", managed_by = "terraform" }
}

data "aws_route53_zone" "public" {
  provider = aws.primary
  name     = var.public_zone_name
}

resource "aws_route53_zone" "internal" {
  provider = aws.primary
  name     = "edgecart.internal"
  comment  = "${local.name}: names between regions (sqld-primary)"

  vpc {
    vpc_id     = module.network_primary.vpc_id
    vpc_region = var.regions.primary
  }
  vpc {
    vpc_id     = module.network_replica.vpc_id
    vpc_region = var.regions.replica
  }
}

# --- peering between the regions ------------------------------------------------

resource "aws_vpc_peering_connection" "regions" {
  provider    = aws.primary
  vpc_id      = module.network_primary.vpc_id
  peer_vpc_id = module.network_replica.vpc_id
  peer_region = var.regions.replica
  tags        = merge(local.tags, { Name = "${local.name}-regions" })
}

resource "aws_vpc_peering_connection_accepter" "regions" {
  provider                  = aws.replica
  vpc_peering_connection_id = aws_vpc_peering_connection.regions.id
  auto_accept               = true
  tags                      = merge(local.tags, { Name = "${local.name}-regions" })
}

resource "aws_route" "primary_to_replica" {
  provider                  = aws.primary
  for_each                  = toset(module.network_primary.private_route_table_ids)
  route_table_id            = each.value
  destination_cidr_block    = module.network_replica.vpc_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.regions.id
}

resource "aws_route" "replica_to_primary" {
  provider                  = aws.replica
  for_each                  = toset(module.network_replica.private_route_table_ids)
  route_table_id            = each.value
  destination_cidr_block    = module.network_primary.vpc_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.regions.id
}

# The primary region's nodes accept replication, saga and metrics traffic to the
# sqld primary's load balancer (k8s/overlays/production/eu-west-1) from the
# replica region.
resource "aws_vpc_security_group_ingress_rule" "sqld_from_replica_region" {
  provider          = aws.primary
  for_each          = { grpc = [5001, 5005], sagas = [8084, 8084], admin = [9090, 9094] }
  security_group_id = module.eks_primary.node_security_group_id
  description       = "sqld ${each.key} from ${var.regions.replica}"
  cidr_ipv4         = module.network_replica.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = each.value[0]
  to_port           = each.value[1]
}

# --- media (global) -----------------------------------------------------------

module "media" {
  source            = "../../modules/media"
  providers         = { aws = aws.primary }
  name              = "${local.name}-media"
  domain_name       = var.media_domain_name
  certificate_arn   = var.media_certificate_arn
  web_acl_arn       = var.media_web_acl_arn
  price_class       = "PriceClass_All"
  blocked_countries = var.blocked_countries
  tags              = local.tags
}

# --- eu-west-1 (primary) ----------------------------------------------------------

provider "aws" {
  alias  = "primary"
  region = var.regions.primary
  default_tags {
    tags = local.tags
  }
}

provider "kubernetes" {
  alias                  = "primary"
  host                   = module.eks_primary.cluster_endpoint
  cluster_ca_certificate = base64decode(module.eks_primary.cluster_certificate_authority_data)
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.eks_primary.cluster_name, "--region", var.regions.primary]
  }
}

provider "helm" {
  alias = "primary"
  kubernetes {
    host                   = module.eks_primary.cluster_endpoint
    cluster_ca_certificate = base64decode(module.eks_primary.cluster_certificate_authority_data)
    exec {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.eks_primary.cluster_name, "--region", var.regions.primary]
    }
  }
}

module "kms_primary" {
  source    = "../../modules/kms"
  providers = { aws = aws.primary }
  name      = "${local.name}-${var.regions.primary}"
  tags      = local.tags
}

module "network_primary" {
  source      = "../../modules/network"
  providers   = { aws = aws.primary }
  name        = "${local.name}-${var.regions.primary}"
  cidr        = var.vpc_cidrs.primary
  kms_key_arn = module.kms_primary.key_arn
  tags        = local.tags
}

module "eks_primary" {
  source            = "../../modules/eks"
  providers         = { aws = aws.primary }
  name              = "${local.name}-${var.regions.primary}"
  vpc_id            = module.network_primary.vpc_id
  subnet_ids        = module.network_primary.private_subnet_ids
  api_allowed_cidrs = var.api_allowed_cidrs
  access_entries    = var.access_entries
  kms_key_arn       = module.kms_primary.key_arn
  spin_shim_version = var.spin_shim_version
  spin_shim_sha256  = var.spin_shim_sha256
  tags              = local.tags
}

module "logging_primary" {
  source                    = "../../modules/logging"
  providers                 = { aws = aws.primary }
  name                      = "edgecart-prod-euw1"
  vpc_id                    = module.network_primary.vpc_id
  subnet_ids                = module.network_primary.private_subnet_ids
  node_security_group_id    = module.eks_primary.node_security_group_id
  kms_key_arn               = module.kms_primary.key_arn
  pod_identity_trust_policy = module.eks_primary.pod_identity_trust_policy
  admin_role_arn            = var.logs_admin_role_arn
  tags                      = local.tags
}

module "platform_primary" {
  source = "../../modules/platform"
  providers = {
    aws        = aws.primary
    kubernetes = kubernetes.primary
    helm       = helm.primary
  }
  cluster_name              = module.eks_primary.cluster_name
  region                    = var.regions.primary
  pod_identity_trust_policy = module.eks_primary.pod_identity_trust_policy
  kms_key_arn               = module.kms_primary.key_arn
  media_bucket              = module.media.bucket
  media_bucket_region       = module.media.bucket_region
  media_writer_policy_arn   = module.media.writer_policy_arn
  opensearch_endpoint       = module.logging_primary.endpoint
  fluent_bit_role_arn       = module.logging_primary.fluent_bit_role_arn
  public_zone_id            = data.aws_route53_zone.public.zone_id
  private_zone_id           = aws_route53_zone.internal.zone_id
  private_zone_name         = aws_route53_zone.internal.name
  tags                      = local.tags
}

# --- us-east-1 (replica) ----------------------------------------------------------

provider "aws" {
  alias  = "replica"
  region = var.regions.replica
  default_tags {
    tags = local.tags
  }
}

provider "kubernetes" {
  alias                  = "replica"
  host                   = module.eks_replica.cluster_endpoint
  cluster_ca_certificate = base64decode(module.eks_replica.cluster_certificate_authority_data)
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.eks_replica.cluster_name, "--region", var.regions.replica]
  }
}

provider "helm" {
  alias = "replica"
  kubernetes {
    host                   = module.eks_replica.cluster_endpoint
    cluster_ca_certificate = base64decode(module.eks_replica.cluster_certificate_authority_data)
    exec {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.eks_replica.cluster_name, "--region", var.regions.replica]
    }
  }
}

module "kms_replica" {
  source    = "../../modules/kms"
  providers = { aws = aws.replica }
  name      = "${local.name}-${var.regions.replica}"
  tags      = local.tags
}

module "network_replica" {
  source      = "../../modules/network"
  providers   = { aws = aws.replica }
  name        = "${local.name}-${var.regions.replica}"
  cidr        = var.vpc_cidrs.replica
  kms_key_arn = module.kms_replica.key_arn
  tags        = local.tags
}

module "eks_replica" {
  source            = "../../modules/eks"
  providers         = { aws = aws.replica }
  name              = "${local.name}-${var.regions.replica}"
  vpc_id            = module.network_replica.vpc_id
  subnet_ids        = module.network_replica.private_subnet_ids
  api_allowed_cidrs = var.api_allowed_cidrs
  access_entries    = var.access_entries
  kms_key_arn       = module.kms_replica.key_arn
  spin_shim_version = var.spin_shim_version
  spin_shim_sha256  = var.spin_shim_sha256
  tags              = local.tags
}

module "logging_replica" {
  source                    = "../../modules/logging"
  providers                 = { aws = aws.replica }
  name                      = "edgecart-prod-use1"
  vpc_id                    = module.network_replica.vpc_id
  subnet_ids                = module.network_replica.private_subnet_ids
  node_security_group_id    = module.eks_replica.node_security_group_id
  kms_key_arn               = module.kms_replica.key_arn
  pod_identity_trust_policy = module.eks_replica.pod_identity_trust_policy
  admin_role_arn            = var.logs_admin_role_arn
  tags                      = local.tags
}

module "platform_replica" {
  source = "../../modules/platform"
  providers = {
    aws        = aws.replica
    kubernetes = kubernetes.replica
    helm       = helm.replica
  }
  cluster_name              = module.eks_replica.cluster_name
  region                    = var.regions.replica
  pod_identity_trust_policy = module.eks_replica.pod_identity_trust_policy
  kms_key_arn               = module.kms_replica.key_arn
  media_bucket              = module.media.bucket
  media_bucket_region       = module.media.bucket_region
  media_writer_policy_arn   = module.media.writer_policy_arn
  opensearch_endpoint       = module.logging_replica.endpoint
  fluent_bit_role_arn       = module.logging_replica.fluent_bit_role_arn
  public_zone_id            = data.aws_route53_zone.public.zone_id
  private_zone_id           = aws_route53_zone.internal.zone_id
  private_zone_name         = aws_route53_zone.internal.name
  tags                      = local.tags
}
