# Production. The database password comes from TF_VAR_db_password, not from this file.
environment = "prod"
domain_name = "shop.example.com"

extra_tags = {
  CostCenter = "ecommerce"
  Owner      = "platform-team"
}

availability_zones = ["eu-central-1a", "eu-central-1b"]

cluster_admin_cidrs = ["203.0.113.0/24"] # office VPN egress

general_instance_types = ["m6i.large"]
batch_instance_types   = ["c6i.xlarge", "c6a.xlarge"]

queue_workers = {
  thumbnails = {
    description   = "Renders product image thumbnails (the thumbnailer)"
    handler       = "thumbnailer.handler.main"
    package       = "thumbnailer/thumbnailer-2.3.0.zip"
    memory_size   = 1024
    timeout       = 60
    batch_size    = 5
    output_prefix = "thumbnails/"
  }
  invoices = {
    description   = "Renders PDF invoices for placed orders"
    handler       = "invoicer.handler.main"
    package       = "invoicer/invoicer-1.8.1.zip"
    memory_size   = 512
    timeout       = 120
    batch_size    = 10
    output_prefix = "invoices/"
  }
}
