# An EKS cluster with two managed node groups:
#   system  general workloads: the host, sqld, Redis, monitoring, ingress
#   spin    nodes that run the Spin containerd shim (containerd-shim-spin-v2,
#           runtime handler `spin`), labelled and tainted for the
#           wasmtime-spin-v2 RuntimeClass in k8s/base/runtimeclass.yaml
# Workload IAM uses EKS Pod Identity (the platform module's associations).

locals {
  spin_node_label = "edgecart.dev/spin-shim"
  shim_url        = "https://github.com/spinframework/containerd-shim-spin/releases/download/v${var.spin_shim_version}/containerd-shim-spin-v2-linux-x86_64.tar.gz"

  # AL2023 nodes: nodeadm merges the containerd snippet that registers the shim,
  # and the script installs the pinned, checksummed shim binary before the
  # kubelet starts.
  spin_node_config = <<-EOT
    apiVersion: node.eks.aws/v1alpha1
    kind: NodeConfig
    spec:
      containerd:
        config: |
          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.spin]
          runtime_type = "io.containerd.spin.v2"
  EOT

  spin_shim_install = <<-EOT
    #!/bin/bash
    set -euo pipefail
    curl -fsSL --retry 5 -o /tmp/containerd-shim-spin.tar.gz "${local.shim_url}"
    echo "${var.spin_shim_sha256}  /tmp/containerd-shim-spin.tar.gz" | sha256sum -c -
    tar -xzf /tmp/containerd-shim-spin.tar.gz -C /usr/bin containerd-shim-spin-v2
    chmod 0755 /usr/bin/containerd-shim-spin-v2
    rm -f /tmp/containerd-shim-spin.tar.gz
  EOT
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "20.33.1"

  cluster_name    = var.name
  cluster_version = var.kubernetes_version

  vpc_id     = var.vpc_id
  subnet_ids = var.subnet_ids

  cluster_endpoint_public_access       = length(var.api_allowed_cidrs) > 0
  cluster_endpoint_public_access_cidrs = var.api_allowed_cidrs
  cluster_endpoint_private_access      = true

  enable_cluster_creator_admin_permissions = true
  authentication_mode                      = "API"
  access_entries                           = var.access_entries

  cluster_enabled_log_types              = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  cloudwatch_log_group_retention_in_days = 365
  cloudwatch_log_group_kms_key_id        = var.kms_key_arn
  create_kms_key                         = false
  cluster_encryption_config = {
    provider_key_arn = var.kms_key_arn
    resources        = ["secrets"]
  }

  cluster_addons = {
    coredns                = {}
    kube-proxy             = {}
    vpc-cni                = { before_compute = true, configuration_values = jsonencode({ enableNetworkPolicy = "true" }) }
    eks-pod-identity-agent = { before_compute = true }
    aws-ebs-csi-driver     = {}
  }

  eks_managed_node_group_defaults = {
    ami_type = "AL2023_x86_64_STANDARD"
    block_device_mappings = {
      root = {
        device_name = "/dev/xvda"
        ebs = {
          volume_size = 50
          volume_type = "gp3"
          encrypted   = true
          kms_key_id  = var.kms_key_arn
        }
      }
    }
    metadata_options = {
      http_endpoint               = "enabled"
      http_tokens                 = "required"
      http_put_response_hop_limit = 1
    }
  }

  eks_managed_node_groups = {
    system = {
      instance_types = var.system_instance_types
      min_size       = var.system_node_count.min
      max_size       = var.system_node_count.max
      desired_size   = var.system_node_count.min
    }
    spin = {
      instance_types = var.spin_instance_types
      min_size       = var.spin_node_count.min
      max_size       = var.spin_node_count.max
      desired_size   = var.spin_node_count.min
      labels = {
        (local.spin_node_label) = "true"
      }
      taints = {
        spin = {
          key    = local.spin_node_label
          value  = "true"
          effect = "NO_SCHEDULE"
        }
      }
      cloudinit_pre_nodeadm = [
        {
          content_type = "application/node.eks.aws"
          content      = local.spin_node_config
        },
        {
          content_type = "text/x-shellscript; charset=\"us-ascii\""
          content      = local.spin_shim_install
        },
      ]
    }
  }

  tags = var.tags
}

# The EBS CSI driver provisions the sqld volumes (storage class gp3).
resource "aws_iam_role" "ebs_csi" {
  name               = "${var.name}-ebs-csi"
  assume_role_policy = data.aws_iam_policy_document.pod_identity_trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "ebs_csi" {
  role       = aws_iam_role.ebs_csi.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
}

resource "aws_eks_pod_identity_association" "ebs_csi" {
  cluster_name    = module.eks.cluster_name
  namespace       = "kube-system"
  service_account = "ebs-csi-controller-sa"
  role_arn        = aws_iam_role.ebs_csi.arn
}

data "aws_iam_policy_document" "pod_identity_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}
