"""Capacity to rebuild: instance types → vCPU, memory, GPUs × counts → the target's nearest flavor."""

from pathlib import Path

import pytest

from exitplan.api import scan
from exitplan.gravity.build import build_gravity
from exitplan.knowledge.targets import load_target, load_targets

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gravity"


def rows(estate: str, target: str):
    report = scan([str(FIXTURES / estate)])
    return {r.resource: r for r in build_gravity(report, load_target(target)).capacity}


def test_node_group_counts_and_the_tfvars_instance_type():
    gpu = rows("aws", "openstack")["terraform#aws_eks_node_group.gpu"]
    assert (gpu.instance_type, gpu.type_source) == ("g5.2xlarge", "terraform/terraform.tfvars:4")
    assert (gpu.count, gpu.min, gpu.max) == (2, 1, 4)
    assert (gpu.vcpu, gpu.memory_gib, gpu.gpus, gpu.gpu_model) == (8, 32, 1, "NVIDIA A10G")


def test_database_standby_and_cache_replicas_count():
    found = rows("aws", "openstack")
    db = found["terraform#module.orders_db.aws_db_instance.this"]
    assert (db.instance_type, db.count, db.count_note, db.vcpu, db.memory_gib) == (
        "db.r6g.xlarge",
        2,
        "1 + standby",
        4,
        32,
    )
    assert db.target_flavor == "SCS-4V-32"
    cache = found["terraform#aws_elasticache_replication_group.cache"]
    assert (cache.count, cache.size_verified) == (
        4,
        False,
    )  # 2 shards × (1 + 1 replica); ElastiCache unverified


def test_unknown_types_are_named_unknown():
    found = rows("aws", "openstack")
    bastion = found["terraform#aws_instance.bastion"]
    assert bastion.instance_type == "t9.tiny" and bastion.vcpu is None and bastion.target_flavor is None
    assert bastion.flavor_note == "not in the instance-type table: size it by hand"


def test_gpu_nodes_map_to_gpu_flavors_where_the_target_has_them():
    assert rows("gcp", "scaleway")[".#google_container_node_pool.inference"].target_flavor == "L4-1-24G"
    # the same GPU model first: OVHcloud's l4-90 over the closer-sized t1-45 (a V100)
    assert rows("gcp", "ovhcloud")[".#google_container_node_pool.inference"].target_flavor == "l4-90"
    # SCS standardises no GPU flavors, Hetzner Cloud has none: no guess, a note
    assert rows("gcp", "openstack")[".#google_container_node_pool.inference"].target_flavor is None
    hetzner = rows("gcp", "hetzner")[".#google_container_node_pool.inference"]
    assert hetzner.target_flavor is None and "No GPU server types" in hetzner.flavor_note


# 4 vCPU / 16 GiB (Standard_D4s_v5, an AKS node pool of 3, 3–5) on every target.
EXPECTED = {
    "openstack": ("SCS-4V-16", True),
    "hetzner": ("ccx23", False),
    "scaleway": ("GP1-XS", False),
    "ovhcloud": ("b3-16", False),
    "ionos": ("ionoscloud_server: 4 cores, 16 GiB", False),
    "stackit": ("g1.3", False),
    "open-telekom-cloud": ("c4.xlarge.4", False),
    "upcloud": ("6xCPU-16GB", False),
    "exoscale": ("standard.extra-large", False),
}


def test_every_target_has_a_flavor_list():
    assert sorted(name for name, t in load_targets().items() if t.flavors) == sorted(EXPECTED)


@pytest.mark.parametrize(("target", "expected"), sorted(EXPECTED.items()))
def test_flavor_mapping_for_each_target(target, expected):
    aks = rows("azure", target)[".#azurerm_kubernetes_cluster.main"]
    assert (aks.vcpu, aks.memory_gib, aks.count, aks.min, aks.max) == (4, 16, 3, 3, 5)
    assert (aks.target_flavor, aks.flavor_verified) == expected


def test_arm_nodes_prefer_arm_flavors_and_x86_stays_x86():
    target = load_target("hetzner").flavors
    assert target.nearest(4, 8, 0, "arm64").name == "cax21"
    assert target.nearest(4, 8, 0, "x86_64").arch == "x86_64"


def test_registry_modules_and_service_instance_types():
    found = rows("aws", "openstack")
    legacy = found["terraform#module.legacy_db"]
    assert (legacy.instance_type, legacy.vcpu, legacy.memory_gib, legacy.target_flavor) == (
        "db.m6i.large",
        2,
        8,
        "SCS-2V-8",
    )
    search = found["terraform#module.logs_search"]
    # r6g.large.search sizes as r6g.large by an unchecked rule: marked unverified
    assert (search.instance_type, search.count, search.vcpu, search.memory_gib) == (
        "r6g.large.search",
        2,
        2,
        16,
    )
    assert search.size_verified is False
    kafka = found["terraform#aws_msk_cluster.events"]
    assert (kafka.vcpu, kafka.memory_gib, kafka.count) == (2, 8, 3)
