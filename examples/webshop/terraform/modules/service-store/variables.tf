variable "name" {
  description = "Name of the table and of the role."
  type        = string
}

variable "namespace" {
  description = "Namespace of the service account the role trusts."
  type        = string
}

variable "service_account" {
  description = "Name of the service account the role trusts."
  type        = string
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider."
  type        = string
}

variable "oidc_issuer" {
  description = "The cluster's OIDC issuer, without https://."
  type        = string
}

variable "kms_key_arn" {
  description = "Key that encrypts the table."
  type        = string
}
