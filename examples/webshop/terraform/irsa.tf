# IAM roles for Kubernetes service accounts (IRSA). Each role trusts exactly one
# service account; the ARN is set as eks.amazonaws.com/role-arn on that account
# in k8s/.

resource "aws_iam_role" "orders_api" {
  name = "${local.name_prefix}-orders-api"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.eks.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.oidc_issuer}:sub" = "system:serviceaccount:webshop:orders-api"
          "${local.oidc_issuer}:aud" = "sts.amazonaws.com"
        }
      }
    }]
  })
}

# Carts live in DynamoDB; placed orders are handed to the invoice worker via SQS.
resource "aws_iam_role_policy" "orders_api" {
  name = "carts-and-invoices"
  role = aws_iam_role.orders_api.id

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "CartsTable",
          "Effect": "Allow",
          "Action": "dynamodb:*",
          "Resource": [
            "${aws_dynamodb_table.carts.arn}",
            "${aws_dynamodb_table.carts.arn}/index/*"
          ]
        },
        {
          "Sid": "CartsTableKey",
          "Effect": "Allow",
          "Action": ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
          "Resource": "${aws_kms_key.data.arn}"
        },
        {
          "Sid": "InvoiceJobs",
          "Effect": "Allow",
          "Action": "sqs:SendMessage",
          "Resource": "${module.queue_worker["invoices"].queue_arn}"
        }
      ]
    }
  EOT
}

resource "aws_iam_role" "catalog_api" {
  name = "${local.name_prefix}-catalog-api"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.eks.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.oidc_issuer}:sub" = "system:serviceaccount:webshop:catalog-api"
          "${local.oidc_issuer}:aud" = "sts.amazonaws.com"
        }
      }
    }]
  })
}

# The catalogue uploads original product images and the nightly product feed,
# and asks the thumbnailer to render new images.
resource "aws_iam_role_policy" "catalog_api" {
  name = "assets-and-thumbnails"
  role = aws_iam_role.catalog_api.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "WriteOriginalsAndFeeds"
        Effect = "Allow"
        Action = ["s3:PutObject", "s3:GetObject"]
        Resource = [
          "${aws_s3_bucket.assets.arn}/originals/*",
          "${aws_s3_bucket.assets.arn}/feeds/*",
        ]
      },
      {
        Sid      = "EncryptAssets"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = aws_kms_key.data.arn
      },
      {
        Sid      = "ThumbnailJobs"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = module.queue_worker["thumbnails"].queue_arn
      },
    ]
  })
}

resource "aws_iam_role" "ebs_csi" {
  name = "${local.name_prefix}-ebs-csi"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.eks.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.oidc_issuer}:sub" = "system:serviceaccount:kube-system:ebs-csi-controller-sa"
          "${local.oidc_issuer}:aud" = "sts.amazonaws.com"
        }
      }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "ebs_csi" {
  role       = aws_iam_role.ebs_csi.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
}
