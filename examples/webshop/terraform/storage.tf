# Product images, thumbnails, product feeds and invoices, one prefix each:
#   originals/   uploaded by catalog-api, read by the thumbnailer
#   thumbnails/  written by the thumbnailer, served by CloudFront
#   feeds/       nightly product feed from the catalog-feed-export CronJob, served by CloudFront
#   static/      storefront build assets, uploaded by CI, served by CloudFront
#   invoices/    PDF invoices, private
resource "aws_s3_bucket" "assets" {
  bucket = "${local.name_prefix}-assets"

  tags = {
    DataClassification = "internal"
  }
}

resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket = aws_s3_bucket.assets.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
