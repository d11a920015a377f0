# Product search on Amazon OpenSearch Service, behind a feature flag: catalog-api
# indexes the catalogue into it and queries it when SEARCH_BACKEND=opensearch.
# Production still searches with PostgreSQL full-text search (the flag is off).
resource "aws_security_group" "search" {
  count = var.enable_product_search ? 1 : 0

  name        = "${local.name_prefix}-search"
  description = "OpenSearch HTTPS from the EKS nodes"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "HTTPS from EKS nodes"
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_eks_cluster.main.vpc_config[0].cluster_security_group_id]
  }
}

resource "aws_opensearch_domain" "products" {
  count = var.enable_product_search ? 1 : 0

  domain_name    = "${local.name_prefix}-products"
  engine_version = "OpenSearch_2.13"

  cluster_config {
    instance_type          = "r6g.large.search"
    instance_count         = 2
    zone_awareness_enabled = true
  }

  ebs_options {
    ebs_enabled = true
    volume_size = 50
    volume_type = "gp3"
  }

  vpc_options {
    subnet_ids         = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.search[0].id]
  }

  encrypt_at_rest {
    enabled    = true
    kms_key_id = aws_kms_key.data.arn
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https = true
  }
}

# catalog-api (IRSA) indexes and queries the domain.
resource "aws_iam_role_policy" "catalog_api_search" {
  count = var.enable_product_search ? 1 : 0

  name = "product-search"
  role = aws_iam_role.catalog_api.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "IndexAndQueryProducts"
        Effect   = "Allow"
        Action   = ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"]
        Resource = "${aws_opensearch_domain.products[0].arn}/*"
      },
    ]
  })
}
