output "cluster_name" {
  description = "EKS cluster name, for aws eks update-kubeconfig."
  value       = aws_eks_cluster.main.name
}

output "cluster_endpoint" {
  description = "EKS API endpoint."
  value       = aws_eks_cluster.main.endpoint
}

output "orders_db_endpoint" {
  description = "Host name of the PostgreSQL instance; DATABASE_HOST in k8s/config.yaml."
  value       = aws_db_instance.orders.address
}

output "carts_table_name" {
  description = "DynamoDB table of the shopping carts; CARTS_TABLE in k8s/config.yaml."
  value       = aws_dynamodb_table.carts.name
}

output "assets_bucket" {
  description = "Bucket of images, feeds and invoices; ASSETS_BUCKET in k8s/config.yaml."
  value       = aws_s3_bucket.assets.id
}

output "static_domain" {
  description = "CloudFront distribution domain behind static.<domain_name>."
  value       = aws_cloudfront_distribution.assets.domain_name
}

output "queue_urls" {
  description = "Job queue URL per worker; *_QUEUE_URL in k8s/config.yaml."
  value       = { for name, worker in module.queue_worker : name => worker.queue_url }
}

output "ecr_repository_urls" {
  description = "Image repository per service."
  value       = { for name, repo in aws_ecr_repository.service : name => repo.repository_url }
}

output "service_account_role_arns" {
  description = "IRSA role ARNs; eks.amazonaws.com/role-arn annotations in k8s/."
  value = {
    "catalog-api" = aws_iam_role.catalog_api.arn
    "orders-api"  = aws_iam_role.orders_api.arn
  }
}

output "web_certificate_arn" {
  description = "ALB certificate; certificate-arn annotation in k8s/ingress.yaml."
  value       = aws_acm_certificate_validation.web.certificate_arn
}

output "name_servers" {
  description = "Delegate the domain to these name servers at the registrar."
  value       = aws_route53_zone.main.name_servers
}
