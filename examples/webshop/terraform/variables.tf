variable "region" {
  description = "AWS region that hosts the shop."
  type        = string
  default     = "eu-central-1"
}

variable "environment" {
  description = "Deployment stage, used in every resource name (prod, staging)."
  type        = string
}

variable "project" {
  description = "Short project name, first part of every resource name."
  type        = string
  default     = "webshop"
}

variable "domain_name" {
  description = "Public apex domain of the shop; the Route 53 zone is created for it."
  type        = string
}

variable "extra_tags" {
  description = "Tags added to every resource on top of the common ones."
  type        = map(string)
  default     = {}
}

variable "vpc_cidr" {
  description = "Address range of the shop VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "Zones of var.region to spread subnets, nodes and the database over."
  type        = list(string)
}

variable "kubernetes_version" {
  description = "EKS control plane version."
  type        = string
  default     = "1.30"
}

variable "cluster_admin_cidrs" {
  description = "Networks allowed to reach the public EKS API endpoint."
  type        = list(string)
}

variable "general_instance_types" {
  description = "Instance types of the on-demand node group that runs the web tier."
  type        = list(string)
  default     = ["m6i.large"]
}

variable "batch_instance_types" {
  description = "Instance types of the spot node group that runs CronJobs."
  type        = list(string)
  default     = ["c6i.xlarge", "c6a.xlarge"]
}

variable "db_instance_class" {
  description = "RDS instance class of the orders database."
  type        = string
  default     = "db.m6g.large"
}

variable "db_password" {
  description = "Master password of the orders database. Set TF_VAR_db_password from the password manager; never commit it."
  type        = string
  sensitive   = true
}

variable "artifacts_bucket" {
  description = "Bucket in the CI account that holds the Lambda deployment packages."
  type        = string
  default     = "webshop-ci-artifacts"
}

variable "queue_workers" {
  description = "SQS-triggered Lambda workers, one queue + dead-letter queue + function each."
  type = map(object({
    description   = string
    handler       = string
    package       = string # object key in var.artifacts_bucket
    memory_size   = number
    timeout       = number
    batch_size    = number
    output_prefix = string # key prefix the worker writes to in the assets bucket
  }))
}

variable "enable_product_search" {
  description = "Serve catalogue search from an OpenSearch domain instead of PostgreSQL full-text search. Off until the search team's relevance tests pass; staging sets it in its tfvars."
  type        = bool
  default     = false
}
