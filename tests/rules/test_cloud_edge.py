"""EP403 cloud-edge: CDN, proprietary DNS routing, WAF, API gateways, and DNS automation bound to a cloud."""

from exitplan.rules import cloud_edge as rule
from tests.factories import k8s, tf
from tests.rules.kit import check


def test_cdn_waf_and_dns_health_checks_are_reported():
    cdn = tf(
        "aws_cloudfront_distribution",
        "assets",
        cloud="aws",
        service_kind="cdn",
        interface="http",
        lockin="medium",
    )
    waf = tf(
        "aws_wafv2_web_acl", "web", cloud="aws", service_kind="waf", interface="proprietary", lockin="medium"
    )
    health = tf(
        "aws_route53_health_check", "api", cloud="aws", service_kind="dns", interface="dns", lockin="medium"
    )
    assert check(rule, cdn, waf, health) == {
        ("EP403", "infra#aws_cloudfront_distribution.assets", 1),
        ("EP403", "infra#aws_wafv2_web_acl.web", 1),
        ("EP403", "infra#aws_route53_health_check.api", 1),
    }


def test_dns01_solvers_on_a_cloud_dns_are_reported():
    solver = {"acme": {"solvers": [{"dns01": {"route53": {"region": "eu-central-1"}}}]}}
    issuer = k8s(
        "ClusterIssuer", "letsencrypt", namespace=None, spec=solver, lines={("spec", "acme", "solvers", 0): 8}
    )
    assert check(rule, issuer) == {("EP403", "k8s#ClusterIssuer/letsencrypt", 8)}


def test_plain_dns_certificates_and_openstack_dns_pass():
    record = tf("aws_route53_record", "www", cloud="aws", service_kind="dns", interface="dns", lockin="low")
    cert = tf(
        "aws_acm_certificate", "web", cloud="aws", service_kind="certificate", interface="x509", lockin="low"
    )
    designate = tf("openstack_dns_recordset_v2", "www", cloud="openstack", service_kind="dns", lockin="none")
    http01 = k8s(
        "ClusterIssuer", "http", namespace=None, spec={"acme": {"solvers": [{"http01": {"ingress": {}}}]}}
    )
    assert check(rule, record, cert, designate, http01) == set()
