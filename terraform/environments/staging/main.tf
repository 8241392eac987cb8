# Staging: one region with the whole stack (the libSQL primary included), sized
# down. The pipeline deploys k8s/overlays/production/eu-west-1's resources here
# with the staging images before production.
#
#   terraform init
#   terraform apply -target=module.eks     # the cluster first: the providers below need it
#   terraform apply

locals {
  name = "edgecart-staging"
  tags = { project = "edgecart", environment = "staging", managed_by = "terraform" }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.tags
  }
}

provider "kubernetes" {
  host                   = module.eks.cluster_endpoint
  cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
  }
}

provider "helm" {
  kubernetes {
    host                   = module.eks.cluster_endpoint
    cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)
    exec {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
    }
  }
}

data "aws_route53_zone" "public" {
  name = var.public_zone_name
}

resource "aws_route53_zone" "internal" {
  name    = "edgecart.internal"
  comment = "${local.name}: names between regions (sqld-primary)"
  vpc {
    vpc_id = module.network.vpc_id
  }
}

module "kms" {
  source = "../../modules/kms"
  name   = local.name
  tags   = local.tags
}

module "network" {
  source             = "../../modules/network"
  name               = local.name
  cidr               = var.vpc_cidr
  single_nat_gateway = true
  kms_key_arn        = module.kms.key_arn
  tags               = local.tags
}

module "eks" {
  source            = "../../modules/eks"
  name              = local.name
  vpc_id            = module.network.vpc_id
  subnet_ids        = module.network.private_subnet_ids
  api_allowed_cidrs = var.api_allowed_cidrs
  access_entries    = var.access_entries
  kms_key_arn       = module.kms.key_arn
  system_node_count = { min = 2, max = 4 }
  spin_node_count   = { min = 1, max = 3 }
  spin_shim_version = var.spin_shim_version
  spin_shim_sha256  = var.spin_shim_sha256
  tags              = local.tags
}

module "media" {
  source            = "../../modules/media"
  name              = "${local.name}-media"
  blocked_countries = var.blocked_countries
  tags              = local.tags
}

module "logging" {
  source                    = "../../modules/logging"
  name                      = "edgecart-staging"
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  node_security_group_id    = module.eks.node_security_group_id
  kms_key_arn               = module.kms.key_arn
  pod_identity_trust_policy = module.eks.pod_identity_trust_policy
  admin_role_arn            = var.logs_admin_role_arn
  instance_type             = "t3.medium.search"
  instance_count            = 1
  volume_size_gb            = 20
  tags                      = local.tags
}

module "platform" {
  source                    = "../../modules/platform"
  cluster_name              = module.eks.cluster_name
  region                    = var.region
  pod_identity_trust_policy = module.eks.pod_identity_trust_policy
  kms_key_arn               = module.kms.key_arn
  media_bucket              = module.media.bucket
  media_bucket_region       = module.media.bucket_region
  media_writer_policy_arn   = module.media.writer_policy_arn
  opensearch_endpoint       = module.logging.endpoint
  fluent_bit_role_arn       = module.logging.fluent_bit_role_arn
  public_zone_id            = data.aws_route53_zone.public.zone_id
  private_zone_id           = aws_route53_zone.internal.zone_id
  private_zone_name         = aws_route53_zone.internal.name
  metrics_retention         = "15d"
  tags                      = local.tags
}
