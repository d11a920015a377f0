data "aws_caller_identity" "current" {}

# One customer-managed key for the shop's data at rest: RDS, DynamoDB, S3,
# Secrets Manager and EKS secret encryption.
resource "aws_kms_key" "data" {
  description             = "${local.name_prefix} data at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # CloudFront (origin access control) decrypts the SSE-KMS objects it serves.
        Sid       = "CloudFrontServeAssets"
        Effect    = "Allow"
        Principal = { Service = "cloudfront.amazonaws.com" }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = {
          StringLike = {
            "AWS:SourceArn" = "arn:aws:cloudfront::${data.aws_caller_identity.current.account_id}:distribution/*"
          }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.name_prefix}-data"
  target_key_id = aws_kms_key.data.key_id
}

# Database credentials for operators and the deploy pipeline, in the format of
# the RDS rotation functions. The pipeline renders the orders-db Secret in k8s/base/ from it.
resource "aws_secretsmanager_secret" "orders_db" {
  name        = "${local.name_prefix}/orders-db"
  description = "Master credentials of the ${local.name_prefix}-orders PostgreSQL instance"
  kms_key_id  = aws_kms_key.data.arn
}

resource "aws_secretsmanager_secret_version" "orders_db" {
  secret_id = aws_secretsmanager_secret.orders_db.id

  secret_string = jsonencode({
    engine   = "postgres"
    host     = aws_db_instance.orders.address
    port     = aws_db_instance.orders.port
    dbname   = aws_db_instance.orders.db_name
    username = aws_db_instance.orders.username
    password = var.db_password
  })
}
