"""Registry modules the scan does not fetch are recognised by the module catalog: a Cloud Posse Redis or
PostgreSQL module is a stateful store, and the workload that reads its outputs owns state."""

from pathlib import Path

import pytest

from exitplan.api import scan
from exitplan.classify import classify
from exitplan.gravity.build import build_gravity
from exitplan.knowledge.service_catalog import load_service_catalog
from exitplan.knowledge.targets import load_target
from exitplan.model import Resource

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "registry-modules"


@pytest.fixture(scope="module")
def report():
    return scan([str(FIXTURE)])


def test_the_module_calls_are_classified_as_the_stores_they_create(report):
    calls = {r.id: r for r in report.resources if r.type == "module"}
    found = {rid: (r.cloud, r.service_kind, r.stateful, r.interface, r.lockin) for rid, r in calls.items()}
    assert found == {
        ".#module.basket_cache": ("aws", "cache", True, "redis", "low"),
        ".#module.invoices_db": ("aws", "relational-database", True, "postgresql", "low"),
    }
    assert report.coverage["aws"]["unclassified_types"] == []


def test_the_workloads_reading_their_outputs_own_state(report):
    workloads = {w.workload.id: w for w in report.workloads}
    seen = {
        name: (w.state, w.score, ".#module." + store in w.workload.resources)
        for name, w, store in (
            ("basket", workloads["basket"], "basket_cache"),
            ("invoices", workloads["invoices"], "invoices_db"),
        )
    }
    # Without the catalog entries both were "stateless" at 70: the module calls counted for nothing.
    assert seen == {"basket": ("owns-state", 49, True), "invoices": ("owns-state", 49, True)}
    assert workloads["shop"].state == "stateless"  # the cluster reads neither store
    rules = sorted((f.resource, f.rule) for f in report.findings if f.resource.startswith(".#module."))
    # managed open database, data to move, data jurisdiction; no longer EP603 (unclassified)
    assert rules == [
        (f".#module.{store}", rule)
        for store in ("basket_cache", "invoices_db")
        for rule in ("EP202", "EP203", "EP701")
    ]


def test_the_stores_are_sized_from_the_renamed_inputs(report):
    data = {d.resource: d for d in build_gravity(report, load_target("openstack")).data}
    cache = data[".#module.basket_cache"]
    assert cache.size_gb == 14.034  # instance_type = cache.r6g.large (13.07 GiB) read as node_type
    assert "node_type = cache.r6g.large, 13.07 GiB" in cache.size_source
    assert data[".#module.invoices_db"].size_gb == 42.95  # allocated_storage = 40 GiB


def call(source: str, **inputs) -> Resource:
    return Resource(
        id=".#module.x",
        address="module.x",
        configuration=".",
        source="terraform",
        type="module",
        name="x",
        file="main.tf",
        line=1,
        attributes={"source": source, **inputs},
    )


@pytest.mark.parametrize(
    ("source", "inputs", "expected"),
    [
        # the engine is fixed in the module: the catalog's default says memcached
        ("cloudposse/elasticache-memcached/aws", {}, ("aws", "cache", True, "memcached")),
        ("cloudposse/elasticache-redis/aws", {"engine": "valkey"}, ("aws", "cache", True, "redis")),
        # the module's default engine is Aurora MySQL; a set engine wins
        ("cloudposse/rds-cluster/aws", {}, ("aws", "relational-database", True, "mysql")),
        (
            "cloudposse/rds-cluster/aws",
            {"engine": "aurora-postgresql"},
            ("aws", "relational-database", True, "postgresql"),
        ),
        ("cloudposse/documentdb-cluster/aws", {}, ("aws", "document-database", True, "mongodb")),
        ("cloudposse/msk-apache-kafka-cluster/aws", {}, ("aws", "kafka", True, "kafka")),
        ("cloudposse/ecs-container-definition/aws", {}, ("aws", "terraform-internal", False, None)),
        ("terraform-aws-modules/app-runner/aws", {}, ("aws", "container-service", False, "proprietary")),
        (
            "github.com/thoughtbot/terraform-alb-ingress?ref=v0.5.2",
            {},
            ("aws", "load-balancer", False, "http"),
        ),
        (
            "github.com/thoughtbot/terraform-aws-secrets//secret?ref=v0.8.0",
            {},
            ("aws", "secret-manager", True, "proprietary"),
        ),
        (
            "terraform-google-modules/log-export/google//modules/storage",
            {},
            ("gcp", "object-storage", True, "s3"),
        ),
        ("terraform-google-modules/vpn/google//modules/vpn_ha", {}, ("gcp", "vpn", False, "ip")),
        # a submodule without an entry of its own falls back to its module's
        (
            "cloudposse/incident-management/opsgenie//modules/team_routing_rule",
            {},
            ("opsgenie", "monitoring", False, "proprietary"),
        ),
        (
            "cloudposse/cloud-infrastructure-automation/spacelift//modules/spacelift-space",
            {},
            ("spacelift", "ci-cd", False, "proprietary"),
        ),
        ("cloudposse/dms/aws//modules/dms-replication-task", {}, ("aws", "other", False, "proprietary")),
    ],
)
def test_new_module_entries_classify_as_what_the_module_creates(source, inputs, expected):
    (found,) = classify([call(source, **inputs)], load_service_catalog())
    assert (found.cloud, found.service_kind, found.stateful, found.interface) == expected
