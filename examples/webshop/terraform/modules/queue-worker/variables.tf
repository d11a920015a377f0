variable "name_prefix" {
  description = "Prefix of every resource name, e.g. webshop-prod."
  type        = string
}

variable "name" {
  description = "Short worker name; the queue is <name_prefix>-<name>-jobs."
  type        = string
}

variable "description" {
  description = "What the worker does."
  type        = string
}

variable "handler" {
  description = "Python handler, module.function."
  type        = string
}

variable "artifacts_bucket" {
  description = "Bucket holding the deployment package."
  type        = string
}

variable "package" {
  description = "Object key of the deployment package (zip) in artifacts_bucket."
  type        = string
}

variable "memory_size" {
  description = "Function memory in MB."
  type        = number
  default     = 512
}

variable "timeout" {
  description = "Function timeout in seconds; the queue's visibility timeout is six times this."
  type        = number
  default     = 60
}

variable "batch_size" {
  description = "Messages handed to one invocation."
  type        = number
  default     = 10
}

variable "bucket_name" {
  description = "Bucket the worker reads inputs from and writes results to."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of bucket_name."
  type        = string
}

variable "output_prefix" {
  description = "Key prefix the worker writes under, with a trailing slash."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key the bucket is encrypted with."
  type        = string
}
