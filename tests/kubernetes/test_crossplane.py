"""Crossplane managed resources are judged as the Terraform types Upbound's providers are generated from,
and an app that reads a managed resource's connection Secret depends on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from graph.factories import k8s

from exitplan.api import scan
from exitplan.knowledge.crossplane import terraform_type
from exitplan.knowledge.service_catalog import load_service_catalog

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "crossplane"


@pytest.mark.parametrize(
    ("api", "kind", "expected"),
    [
        ("rds.aws.upbound.io/v1beta3", "Instance", "aws_db_instance"),
        ("s3.aws.upbound.io/v1beta2", "Bucket", "aws_s3_bucket"),
        ("ec2.aws.upbound.io/v1beta1", "VPC", "aws_vpc"),
        ("ec2.aws.upbound.io/v1beta1", "Instance", "aws_instance"),
        ("sqs.aws.m.upbound.io/v1beta1", "Queue", "aws_sqs_queue"),  # Crossplane v2, namespaced
        ("sql.gcp.upbound.io/v1beta2", "DatabaseInstance", "google_sql_database_instance"),
        ("storage.azure.upbound.io/v1beta1", "Account", "azurerm_storage_account"),
        ("apps/v1", "Deployment", None),
        ("aws.platformref.upbound.io/v1alpha1", "Cluster", None),  # a claim: composed elsewhere
    ],
)
def test_a_managed_resource_stands_for_a_terraform_type(api, kind, expected):
    catalog = load_service_catalog([])
    resource = k8s({"apiVersion": api, "kind": kind, "metadata": {"name": "x"}, "spec": {}})
    assert terraform_type(resource, lambda t: catalog.lookup(t)[0] is not None) == expected


@pytest.fixture(scope="module")
def report():
    return scan([str(FIXTURE)])


def test_managed_resources_get_the_cloud_service_and_region_of_their_type(report):
    found = {r.address: (r.cloud, r.service_kind, r.region, r.stateful) for r in report.resources}
    assert found == {
        "Instance/orders-db": ("aws", "relational-database", "eu-central-1", True),
        "Bucket/orders-invoices": ("aws", "object-storage", "eu-central-1", True),
        "VPC/orders": ("aws", "network", "eu-central-1", False),
        "DatabaseInstance/reporting": ("gcp", "relational-database", "europe-west3", True),
        "Deployment/shop/orders": (None, None, None, False),
    }
    rules = {f.rule for f in report.findings if f.resource == ".#Instance/orders-db"}
    assert {"EP202", "EP203"} <= rules  # a managed open database, data to move


def test_the_app_reading_the_connection_secret_depends_on_the_database(report):
    assert [(e.source, e.target, e.kind, e.via) for e in report.edges] == [
        (
            ".#Deployment/shop/orders",
            ".#Instance/orders-db",
            "uses-secret",
            "spec.template.spec.containers[0].envFrom[0].secretRef.name (Secret orders-db-conn created by Instance)",
        )
    ]
    orders = next(s for s in report.workloads if s.workload.id == "orders")
    assert orders.state == "owns-state"
    assert ".#Instance/orders-db" in orders.workload.resources
    platform = {
        s.workload.id: s.workload.resources for s in report.workloads if s.workload.role == "platform"
    }
    assert platform == {"platform": (".#DatabaseInstance/reporting", ".#VPC/orders")}


def test_a_claim_gets_the_managed_resources_of_its_composition_and_its_user_owns_them():
    report = scan([str(FIXTURE.parent / "crossplane-claims")])
    composed = {
        r.address: (r.type, r.cloud, r.service_kind, r.region, r.file, r.line)
        for r in report.resources
        if r.address.startswith("PostgreSQLInstance/shop/orders-db/")
    }
    assert composed == {
        "PostgreSQLInstance/shop/orders-db/rdsinstance": (
            "Instance",
            "aws",
            "relational-database",
            "eu-west-1",
            "apis.yaml",
            34,
        ),
        "PostgreSQLInstance/shop/orders-db/subnetgroup": (
            "SubnetGroup",
            "aws",
            "relational-database",
            "eu-west-1",
            "apis.yaml",
            43,
        ),
    }
    edges = {(e.source, e.target, e.kind) for e in report.edges}
    claim = ".#PostgreSQLInstance/shop/orders-db"
    assert edges == {
        (".#Deployment/shop/orders", claim, "uses-secret"),
        (claim, f"{claim}/rdsinstance", "composes"),
        (claim, f"{claim}/subnetgroup", "composes"),
    }
    (orders,) = [s for s in report.workloads if s.workload.id == "orders"]
    assert orders.state == "owns-state" and f"{claim}/rdsinstance" in orders.workload.resources


def test_claims_whose_resources_are_built_elsewhere_are_named_as_not_assessed(tmp_path, exit_plan_summary):
    (tmp_path / "claims" / "claims.yaml").parent.mkdir()
    (tmp_path / "claims" / "claims.yaml").write_text(
        "apiVersion: aws.platform.example.org/v1alpha1\nkind: SQLInstance\nmetadata:\n  name: db\n"
        "  namespace: shop\nspec:\n  parameters:\n    engine: postgres\n"
        "  writeConnectionSecretToRef:\n    name: db-conn\n"
    )
    summary = exit_plan_summary(tmp_path / "claims")
    assert "- Crossplane claims whose managed resources are not in the scan" in summary
    assert "`SQLInstance/shop/db`" in summary


@pytest.mark.parametrize(
    ("api_version", "scoped"),
    [
        ("s3.aws.upbound.io/v1beta1", True),  # Crossplane v1 managed resources have no namespace
        ("aws.upbound.io/v1beta1", True),  # their ProviderConfig
        ("apiextensions.crossplane.io/v1", True),  # Composition, CompositeResourceDefinition
        ("kubernetes.crossplane.io/v1alpha2", True),
        ("s3.aws.m.upbound.io/v1beta1", False),  # Crossplane v2's namespaced managed resources
        ("kubernetes.m.crossplane.io/v1alpha1", False),
        ("protection.crossplane.io/v1beta1", False),  # Usage is namespaced
        ("notcrossplane.io/v1", False),
        ("platform.example.org/v1alpha1", False),  # a claim
    ],
)
def test_which_crossplane_groups_are_cluster_scoped(api_version, scoped):
    from exitplan.knowledge.crossplane import cluster_scoped

    assert cluster_scoped(api_version) is scoped
