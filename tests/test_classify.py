"""Classification of Terraform resources, registry modules and Kubernetes objects."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from exitplan.classify import classify, coverage
from exitplan.knowledge.service_catalog import load_service_catalog
from exitplan.model import Resource, Unknown

CASES = YAML(typ="safe").load((Path(__file__).parent / "fixtures" / "classify" / "cases.yaml").read_text())


@pytest.fixture(scope="module")
def catalog():
    return load_service_catalog()


def terraform(type_name: str, attributes=None, address: str | None = None) -> Resource:
    address = address or f"{type_name}.this"
    return Resource(
        id=f".#{address}",
        address=address,
        configuration=".",
        source="terraform",
        type=type_name,
        name="this",
        file="main.tf",
        line=1,
        attributes=attributes or {},
    )


def kubernetes(kind: str, manifest=None) -> Resource:
    return Resource(
        id=f".#{kind}/default/x",
        address=f"{kind}/default/x",
        configuration=".",
        source="kubernetes",
        type=kind,
        name="x",
        file="k8s.yaml",
        line=1,
        namespace="default",
        attributes=manifest or {},
    )


def classify_one(catalog, resource: Resource) -> Resource:
    (result,) = classify([resource], catalog)
    return result


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['type']}-{sorted(c['attributes'].items())}")
def test_terraform_types_are_classified(catalog, case):
    result = classify_one(catalog, terraform(case["type"], case["attributes"]))
    expect = case["expect"]
    assert result.cloud == expect["cloud"]
    if "kind" in expect:
        assert result.service_kind == expect["kind"]
    for field in ("interface", "lockin", "stateful"):
        if field in expect:
            assert getattr(result, field) == expect[field], field
    if result.service_kind is None:
        assert (result.lockin, result.interface, result.stateful) == (None, None, False)
    else:
        assert result.lockin_reason


def test_an_unknown_attribute_value_is_not_guessed(catalog):
    result = classify_one(catalog, terraform("aws_db_instance", {"engine": Unknown("var.engine")}))
    assert (result.interface, result.lockin) == (None, "medium")
    assert "not known" in result.lockin_reason
    # an absent attribute takes Terraform's default; an unknown one does not
    unknown = classify_one(catalog, terraform("aws_lb", {"load_balancer_type": Unknown("var.type")}))
    absent = classify_one(catalog, terraform("aws_lb", {}))
    assert (unknown.interface, absent.interface) == ("http", "http")
    cosmos = classify_one(catalog, terraform("azurerm_cosmosdb_account", {"kind": Unknown("var.kind")}))
    assert cosmos.interface is None


def test_data_sources_are_classified_like_their_managed_type(catalog):
    managed = classify_one(catalog, terraform("aws_db_instance", {"engine": "mysql"}))
    data = classify_one(
        catalog, terraform("aws_db_instance", {"engine": "mysql"}, "data.aws_db_instance.this")
    )
    nested = classify_one(catalog, terraform("aws_s3_bucket", {}, "module.x.data.aws_s3_bucket.logs"))
    assert (data.service_kind, data.interface, data.cloud) == (managed.service_kind, "mysql", "aws")
    assert nested.service_kind == "object-storage"


def test_classification_keeps_everything_else(catalog):
    original = terraform("aws_sqs_queue", {"name": "jobs"})
    original = Resource(**{**original.__dict__, "region": "eu-west-1"})
    result = classify_one(catalog, original)
    assert (result.region, result.address, result.attributes) == (
        "eu-west-1",
        original.address,
        {"name": "jobs"},
    )
    assert original.service_kind is None  # a new record; the old one is untouched


@pytest.mark.parametrize(
    ("source", "inputs", "cloud", "kind", "interface"),
    [
        ("terraform-aws-modules/rds/aws", {"engine": "postgres"}, "aws", "relational-database", "postgresql"),
        (
            "terraform-aws-modules/rds/aws//modules/db_instance",
            {"engine": "oracle-ee"},
            "aws",
            "relational-database",
            "oracle",
        ),
        (
            "registry.terraform.io/terraform-aws-modules/eks/aws",
            {},
            "aws",
            "kubernetes-cluster",
            "kubernetes",
        ),
        (
            "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks",
            {},
            "aws",
            "identity",
            "proprietary",
        ),
        (
            "git::https://github.com/terraform-aws-modules/terraform-aws-s3-bucket.git?ref=v4.1.0",
            {},
            "aws",
            "object-storage",
            "s3",
        ),
        ("terraform-aws-modules/dynamodb-table/aws", {}, "aws", "nosql-database", "proprietary"),
        (
            "Azure/avm-res-containerservice-managedcluster/azurerm",
            {},
            "azure",
            "kubernetes-cluster",
            "kubernetes",
        ),
        ("terraform-google-modules/kubernetes-engine/google", {}, "gcp", "kubernetes-cluster", "kubernetes"),
        (
            "terraform-google-modules/sql-db/google//modules/postgresql",
            {},
            "gcp",
            "relational-database",
            "postgresql",
        ),
        (
            "terraform-google-modules/sql-db/google//modules/mysql",
            {"database_version": "MYSQL_8_0"},
            "gcp",
            "relational-database",
            "mysql",
        ),
        ("acme/unknown-thing/google", {}, "gcp", None, None),
        ("acme/unknown-thing/azurerm", {}, "azure", None, None),
        ("git::https://example.com/acme/modules.git//db", {}, None, None, None),
    ],
)
def test_registry_modules_are_classified_by_the_module_catalog(
    catalog, source, inputs, cloud, kind, interface
):
    module = terraform("module", {"source": source, "version": "~> 6.0", **inputs}, "module.x")
    result = classify_one(catalog, module)
    assert (result.cloud, result.service_kind, result.interface) == (cloud, kind, interface)


def test_module_inputs_may_come_as_a_mapping(catalog):
    module = terraform(
        "module", {"source": "terraform-aws-modules/rds/aws", "inputs": {"engine": "mariadb"}}, "module.db"
    )
    assert classify_one(catalog, module).interface == "mysql"


def test_kubernetes_objects_carry_state_only_where_their_kind_says_so(catalog):
    rwo = kubernetes("PersistentVolumeClaim", {"spec": {"accessModes": ["ReadWriteOnce"]}})
    rwx = kubernetes("PersistentVolumeClaim", {"spec": {"accessModes": ["ReadWriteMany"]}})
    claims = kubernetes("StatefulSet", {"spec": {"volumeClaimTemplates": [{"metadata": {"name": "data"}}]}})
    on_host = kubernetes(
        "StatefulSet",
        {"spec": {"template": {"spec": {"volumes": [{"name": "data", "hostPath": {"path": "/srv"}}]}}}},
    )
    on_empty_dir = kubernetes(
        "StatefulSet", {"spec": {"template": {"spec": {"volumes": [{"name": "data", "emptyDir": {}}]}}}}
    )
    odd = kubernetes("StatefulSet", {"spec": {"template": {"spec": {"volumes": 3}}}})
    objects = [
        rwo,
        rwx,
        claims,
        on_host,
        on_empty_dir,
        kubernetes("StatefulSet"),
        odd,
        kubernetes("Deployment"),
    ]
    results = classify(objects, catalog)
    assert [(r.service_kind, r.stateful, r.cloud) for r in results] == [
        ("block-volume", True, None),
        ("file-storage", True, None),
        (None, True, None),  # its volumeClaimTemplates hold data
        (None, True, None),  # so does a hostPath volume
        (None, False, None),  # emptyDir is gone with the pod
        (None, False, None),  # a StatefulSet with no volume holds nothing to move
        (None, False, None),  # nor one whose volumes are not a list
        (None, False, None),
    ]


def test_coverage_counts_classified_and_lists_unclassified_types(catalog):
    resources = classify(
        [
            terraform("aws_s3_bucket"),
            terraform("aws_foo_bar"),
            terraform("aws_foo_bar", address="aws_foo_bar.other"),
            terraform("google_storage_bucket"),
            terraform("null_resource"),
            terraform("module", {"source": "acme/thing/aws"}, "module.thing"),
            kubernetes("Deployment"),
        ],
        catalog,
    )
    assert coverage(resources) == {
        "aws": {
            "resources": 4,
            "classified": 1,
            "unclassified_types": ["aws_foo_bar", "module acme/thing/aws"],
        },
        "gcp": {"resources": 1, "classified": 1, "unclassified_types": []},
        "none": {"resources": 1, "classified": 1, "unclassified_types": []},
    }


def test_azapi_sub_resource_types_fall_to_their_service_family():
    from exitplan.classify import classify
    from exitplan.knowledge.service_catalog import load_service_catalog
    from tests.factories import tf

    domain = tf(
        "azapi_resource", "d", attributes={"type": "Microsoft.Communication/emailServices/domains@2023-04-01"}
    )
    (classified,) = classify([domain], load_service_catalog())
    assert (classified.cloud, classified.service_kind, classified.interface) == ("azure", "email", "smtp")
