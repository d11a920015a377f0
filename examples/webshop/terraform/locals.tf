locals {
  name_prefix = "${var.project}-${var.environment}"

  common_tags = merge(
    {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
      Repository  = "github.com/example-shop/webshop-platform"
    },
    var.extra_tags,
  )

  # One subnet of each tier per availability zone.
  azs = var.availability_zones

  # Issuer host of the cluster's OIDC provider, as used in IRSA trust conditions.
  oidc_issuer = replace(aws_eks_cluster.main.identity[0].oidc[0].issuer, "https://", "")
}
