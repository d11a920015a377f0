"""EP702 saas-control-plane: SaaS configuration managed from Terraform, which the vendor can switch off."""

from exitplan.rules import saas_control_plane as rule
from tests.factories import tf
from tests.rules.kit import check

CLOUDS = {"pagerduty": {"jurisdiction": "US", "saas": True}, "aws": {"jurisdiction": "US"}}


def test_saas_resources_are_reported():
    saas = tf("vendor_thing", "x", cloud="vendor", service_kind="saas", lockin="medium")
    paging = tf(
        "pagerduty_service", "checkout", cloud="pagerduty", service_kind="monitoring", lockin="medium"
    )
    assert check(rule, saas, paging, clouds=CLOUDS) == {
        ("EP702", "infra#vendor_thing.x", 1),
        ("EP702", "infra#pagerduty_service.checkout", 1),
    }


def test_cloud_and_self_run_resources_pass():
    bucket = tf("aws_s3_bucket", "assets", cloud="aws", service_kind="object-storage", lockin="low")
    grafana = tf("grafana_dashboard", "shop", service_kind="monitoring", lockin="none")
    assert check(rule, bucket, grafana, clouds=CLOUDS) == set()
