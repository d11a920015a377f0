# SQS-triggered Lambda workers: "thumbnails" (the thumbnailer) and "invoices".
# Each gets the queue <name_prefix>-<key>-jobs, e.g. webshop-prod-thumbnails-jobs.
module "queue_worker" {
  source   = "./modules/queue-worker"
  for_each = var.queue_workers

  name_prefix = local.name_prefix
  name        = each.key
  description = each.value.description

  handler          = each.value.handler
  artifacts_bucket = var.artifacts_bucket
  package          = each.value.package
  memory_size      = each.value.memory_size
  timeout          = each.value.timeout
  batch_size       = each.value.batch_size

  bucket_name   = aws_s3_bucket.assets.id
  bucket_arn    = aws_s3_bucket.assets.arn
  output_prefix = each.value.output_prefix
  kms_key_arn   = aws_kms_key.data.arn
}
