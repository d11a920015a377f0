resource "aws_db_subnet_group" "orders" {
  name       = "${local.name_prefix}-orders"
  subnet_ids = aws_subnet.private[*].id
}

# One PostgreSQL instance holds the "orders" database (orders-api) and the
# "catalog" database (catalog-api, created by its migrations).
resource "aws_db_instance" "orders" {
  identifier     = "${local.name_prefix}-orders"
  engine         = "postgres"
  engine_version = "16.3"
  instance_class = var.db_instance_class

  allocated_storage     = 100
  max_allocated_storage = 500
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.data.arn

  db_name  = "orders"
  username = "webshop"
  password = var.db_password
  port     = 5432

  multi_az               = true
  db_subnet_group_name   = aws_db_subnet_group.orders.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false

  backup_retention_period = 14
  backup_window           = "01:00-02:00"
  maintenance_window      = "sun:02:30-sun:03:30"
  copy_tags_to_snapshot   = true

  performance_insights_enabled    = true
  performance_insights_kms_key_id = aws_kms_key.data.arn

  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name_prefix}-orders-final"

  tags = {
    DataClassification = "confidential"
  }
}

# Shopping carts: one item per cart, expired by DynamoDB TTL after 30 days.
resource "aws_dynamodb_table" "carts" {
  name         = "${local.name_prefix}-carts"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "cart_id"

  attribute {
    name = "cart_id"
    type = "S"
  }

  attribute {
    name = "customer_id"
    type = "S"
  }

  global_secondary_index {
    name            = "by-customer"
    hash_key        = "customer_id"
    projection_type = "ALL"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.data.arn
  }

  tags = {
    DataClassification = "confidential"
  }
}
