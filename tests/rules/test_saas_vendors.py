"""EP702 on real catalog data: a SaaS vendor's resources are switch-off risks whatever kind they are."""

from exitplan.api import scan


def test_saas_vendor_resources_are_flagged_through_the_catalog(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "pagerduty_service" "shop" {\n  name = "webshop"\n}\n'
        'resource "datadog_monitor" "latency" {\n  name = "p99"\n}\n'
        'resource "openstack_compute_instance_v2" "web" {\n  name = "web"\n}\n'
    )
    report = scan([str(tmp_path)])
    flagged = {(f.rule, f.resource, f.line) for f in report.findings if f.rule == "EP702"}
    assert flagged == {("EP702", ".#pagerduty_service.shop", 1), ("EP702", ".#datadog_monitor.latency", 4)}
