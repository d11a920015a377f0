# DNS, certificates and the CDN.
#   shop.example.com, api.shop.example.com -> ALB of k8s/ingress.yaml
#   static.shop.example.com                -> CloudFront -> assets bucket

resource "aws_route53_zone" "main" {
  name    = var.domain_name
  comment = "Public zone of the ${var.project} shop"
}

# Certificate of the ALB, referenced by the certificate-arn annotation in k8s/ingress.yaml.
resource "aws_acm_certificate" "web" {
  domain_name               = var.domain_name
  subject_alternative_names = ["api.${var.domain_name}"]
  validation_method         = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate" "static" {
  provider = aws.us_east_1

  domain_name       = "static.${var.domain_name}"
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "cert_validation" {
  for_each = {
    for dvo in concat(
      tolist(aws_acm_certificate.web.domain_validation_options),
      tolist(aws_acm_certificate.static.domain_validation_options),
    ) : dvo.domain_name => dvo
  }

  zone_id         = aws_route53_zone.main.zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "web" {
  certificate_arn = aws_acm_certificate.web.arn
  validation_record_fqdns = [
    for name in [var.domain_name, "api.${var.domain_name}"] : aws_route53_record.cert_validation[name].fqdn
  ]
}

resource "aws_acm_certificate_validation" "static" {
  provider = aws.us_east_1

  certificate_arn         = aws_acm_certificate.static.arn
  validation_record_fqdns = [aws_route53_record.cert_validation["static.${var.domain_name}"].fqdn]
}

resource "aws_cloudfront_origin_access_control" "assets" {
  name                              = "${local.name_prefix}-assets"
  description                       = "CloudFront access to the ${local.name_prefix}-assets bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "assets" {
  enabled         = true
  is_ipv6_enabled = true
  comment         = "static.${var.domain_name}: storefront assets, thumbnails, product feeds"
  aliases         = ["static.${var.domain_name}"]
  price_class     = "PriceClass_100" # edge locations in Europe and North America

  origin {
    origin_id                = "assets-s3"
    domain_name              = aws_s3_bucket.assets.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.assets.id
  }

  default_cache_behavior {
    target_origin_id       = "assets-s3"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    compress               = true
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6" # Managed-CachingOptimized
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.static.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

# CloudFront may read the public prefixes only; originals/ and invoices/ stay private.
resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudFrontRead"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = [for prefix in ["static", "thumbnails", "feeds"] : "${aws_s3_bucket.assets.arn}/${prefix}/*"]
      Condition = {
        StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.assets.arn }
      }
    }]
  })
}

resource "aws_route53_record" "static" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "static.${var.domain_name}"
  type    = "A"

  alias {
    name                   = aws_cloudfront_distribution.assets.domain_name
    zone_id                = aws_cloudfront_distribution.assets.hosted_zone_id
    evaluate_target_health = false
  }
}

# The ALB belongs to the AWS Load Balancer Controller, which names it after the
# load-balancer-name annotation of k8s/ingress.yaml. Apply this after the first
# deployment of the Ingress.
data "aws_lb" "web" {
  name = "${local.name_prefix}-web"
}

resource "aws_route53_record" "apex" {
  zone_id = aws_route53_zone.main.zone_id
  name    = var.domain_name
  type    = "A"

  alias {
    name                   = data.aws_lb.web.dns_name
    zone_id                = data.aws_lb.web.zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "api" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "api.${var.domain_name}"
  type    = "A"

  alias {
    name                   = data.aws_lb.web.dns_name
    zone_id                = data.aws_lb.web.zone_id
    evaluate_target_health = true
  }
}
