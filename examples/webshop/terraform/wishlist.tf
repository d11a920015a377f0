# The wishlist service is deployed by Terraform from its own chart (../charts/wishlist), with the table
# and the IRSA role that modules/service-store creates for it passed in through the values file.

module "wishlist_store" {
  source = "./modules/service-store"

  name              = "${local.name_prefix}-wishlists"
  namespace         = "webshop"
  service_account   = "wishlist"
  oidc_provider_arn = aws_iam_openid_connect_provider.eks.arn
  oidc_issuer       = local.oidc_issuer
  kms_key_arn       = aws_kms_key.data.arn
}

resource "helm_release" "wishlist" {
  name      = "wishlist"
  chart     = "${path.module}/../charts/wishlist"
  namespace = "webshop"

  values = [
    templatefile("${path.module}/values/wishlist.yaml", {
      role_arn        = module.wishlist_store.role_arn
      table_name      = module.wishlist_store.table_name
      tracing_enabled = var.enable_tracing
    }),
  ]

  set {
    name  = "image.tag"
    value = "1.4.2"
  }
}

variable "enable_tracing" {
  description = "Send the wishlist service's traces to the in-cluster OpenTelemetry collector."
  type        = bool
  default     = false
}
