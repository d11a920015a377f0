"""EP701 data-jurisdiction: data held by a provider seated outside the EU, even in an EU region."""

from exitplan.rules import data_jurisdiction as rule
from tests.factories import k8s, tf
from tests.rules.kit import check, findings

CLOUDS = {
    "aws": {"jurisdiction": "US"},
    "hetzner": {"jurisdiction": "DE"},
    "openstack": {"jurisdiction": "unknown"},
}


def test_data_at_a_us_provider_in_an_eu_region_is_reported():
    db = tf("aws_db_instance", "orders", cloud="aws", region="eu-central-1", stateful=True)
    assert check(rule, db, clouds=CLOUDS) == {("EP701", "infra#aws_db_instance.orders", 1)}
    (finding,) = findings(rule, db, clouds=CLOUDS)
    assert "eu-central-1" in finding.message and "US" in finding.message and "CLOUD Act" in finding.message


def test_eu_operator_unknown_and_stateless_resources_pass():
    hetzner = tf("hcloud_volume", "data", cloud="hetzner", region="fsn1", stateful=True)
    openstack = tf("openstack_blockstorage_volume_v3", "data", cloud="openstack", stateful=True)
    unrecorded = tf("exotic_bucket", "data", cloud="exotic", stateful=True)
    vm = tf("aws_instance", "web", cloud="aws", region="eu-central-1")
    keys = tf("aws_kms_key", "data", cloud="aws", service_kind="key-management", stateful=True)
    claim = k8s("PersistentVolumeClaim", "data", stateful=True)
    assert check(rule, hetzner, openstack, unrecorded, vm, keys, claim, clouds=CLOUDS) == set()


def test_kubernetes_volumes_on_a_cloud_storage_driver_are_judged_by_that_cloud():
    from dataclasses import replace

    from exitplan.rules.base import RuleContext
    from tests.rules.kit import context_for

    storage = k8s("StorageClass", "gp3", namespace=None)
    storage = replace(storage, attributes={**storage.attributes, "provisioner": "ebs.csi.aws.com"})
    cinder = k8s("StorageClass", "standard", namespace=None)
    cinder = replace(cinder, attributes={**cinder.attributes, "provisioner": "cinder.csi.openstack.org"})
    on_ebs = k8s("StatefulSet", "redis", stateful=True)
    on_cinder = k8s("StatefulSet", "postgres", stateful=True)
    base = context_for(storage, cinder, on_ebs, on_cinder, clouds=CLOUDS)
    context = RuleContext(
        resources=base.resources,
        markers=base.markers,
        clouds=CLOUDS,
        needs={on_ebs.id: (storage.id,), on_cinder.id: (cinder.id,)},
    )
    found = [f for r in (on_ebs, on_cinder) for f in rule.check(r, context)]
    assert [(f.rule, f.resource) for f in found] == [("EP701", on_ebs.id)]
    assert "on aws volumes" in found[0].message
