"""The service, azapi and module catalogs: they load, they are valid, and bad data is reported clearly."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from exitplan.errors import CatalogError
from exitplan.knowledge.data_path import data_path
from exitplan.knowledge.service_catalog import (
    INTERFACES,
    LOCKIN_LEVELS,
    load_service_catalog,
    normalise_module_source,
)

CATALOG_DIR = data_path("providers") / "catalog"


@pytest.fixture(scope="module")
def catalog():
    return load_service_catalog()


def all_entries(catalog):
    families = [f.entry for f in catalog.families]
    indirect = [e for i in catalog.indirect for e in (*i.types.values(), *(f.entry for f in i.families))]
    modules = [m.entry for m in catalog.modules.values() if m.entry is not None]
    return [*catalog.types.values(), *families, *indirect, *modules]


def test_the_data_directory_is_found():
    assert (CATALOG_DIR / "service-kinds.yaml").is_file()
    assert {p.name for p in (CATALOG_DIR / "services").glob("*.yaml")} >= {
        "aws.yaml",
        "azure.yaml",
        "gcp.yaml",
        "other.yaml",
    }


def test_every_entry_and_variant_uses_the_vocabularies(catalog):
    entries = all_entries(catalog)
    assert len(entries) > 1000
    for entry in entries:
        for resolved in (entry, entry.resolve({})):
            assert resolved.kind in catalog.kinds, entry.origin
            assert resolved.lockin in LOCKIN_LEVELS, entry.origin
            assert resolved.interface is None or resolved.interface in INTERFACES, entry.origin
            assert resolved.reason.strip(), entry.origin
        for variant in entry.variants:
            assert variant.changes.get("kind", entry.kind) in catalog.kinds, entry.origin
            assert variant.changes.get("lockin", entry.lockin) in LOCKIN_LEVELS, entry.origin
            assert variant.changes["reason"], entry.origin
    for module in catalog.modules.values():
        assert set(module.also) <= set(catalog.kinds), module.source


def test_exact_type_counts_meet_the_coverage_targets(catalog):
    counts = catalog.exact_type_counts()
    assert counts["aws"] >= 200
    assert counts["azure"] >= 120
    assert counts["gcp"] >= 150
    for european in (
        "openstack",
        "ovhcloud",
        "scaleway",
        "hetzner",
        "ionos",
        "stackit",
        "open-telekom-cloud",
        "upcloud",
        "exoscale",
    ):
        assert counts[european] >= 20, european
    (azapi,) = catalog.indirect
    assert len(azapi.types) >= 40


def test_every_hyperscaler_type_prefix_has_a_cloud(catalog):
    expected = {
        "aws_x": "aws",
        "azurerm_x": "azure",
        "azuread_x": "azure",
        "azapi_resource": "azure",
        "google_x": "gcp",
        "vsphere_x": "vsphere",
        "openstack_x": "openstack",
        "ovh_x": "ovhcloud",
        "scaleway_x": "scaleway",
        "hcloud_x": "hetzner",
        "ionoscloud_x": "ionos",
        "stackit_x": "stackit",
        "opentelekomcloud_x": "open-telekom-cloud",
        "upcloud_x": "upcloud",
        "exoscale_x": "exoscale",
        "cloudflare_x": "cloudflare",
        "helm_release": None,
        "random_id": None,
    }
    assert {t: catalog.cloud_of(t) for t in expected} == expected
    assert catalog.jurisdiction("aws") == "US"
    assert catalog.jurisdiction("ovhcloud") == "FR"


@pytest.mark.parametrize(
    ("source", "normalised"),
    [
        ("terraform-aws-modules/rds/aws", "terraform-aws-modules/rds/aws"),
        ("registry.terraform.io/Terraform-AWS-Modules/RDS/aws", "terraform-aws-modules/rds/aws"),
        (
            "terraform-aws-modules/iam/aws//modules/iam-user",
            "terraform-aws-modules/iam/aws//modules/iam-user",
        ),
        ("github.com/terraform-aws-modules/terraform-aws-vpc", "terraform-aws-modules/vpc/aws"),
        (
            "git::https://github.com/terraform-aws-modules/terraform-aws-eks.git//modules/karpenter?ref=v20.8.0",
            "terraform-aws-modules/eks/aws//modules/karpenter",
        ),
        (
            "git@github.com:terraform-google-modules/terraform-google-network.git",
            "terraform-google-modules/network/google",
        ),
        ("./modules/db", None),
        ("../shared", None),
        ("git::https://gitlab.example.com/infra/db.git", None),
        ("tfr:///terraform-aws-modules/vpc/aws?version=5.8.1", "terraform-aws-modules/vpc/aws"),  # Terragrunt
        ("tfr://registry.terraform.io/terraform-aws-modules/rds/aws", "terraform-aws-modules/rds/aws"),
    ],
)
def test_module_sources_are_normalised(source, normalised):
    assert normalise_module_source(source) == normalised


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("github.com/GoogleCloudPlatform/cloud-foundation-fabric//modules/net-vpc?ref=v35.0.0", "network"),
        (
            "git::https://github.com/GoogleCloudPlatform/cloud-foundation-fabric.git//modules/gcs",
            "object-storage",
        ),
        (
            "git@github.com:GoogleCloudPlatform/cloud-foundation-fabric//modules/cloudsql-instance",
            "relational-database",
        ),
        (
            "github.com/GoogleCloudPlatform/cloud-foundation-fabric-extra//modules/gcs",
            None,
        ),  # another repository
    ],
)
def test_a_module_of_a_library_repository_is_known_under_its_listed_address(source, kind):
    found = load_service_catalog([]).classify_module(source, {})
    assert (found.entry.kind if found.entry else None) == kind


# --- bad catalogs ---------------------------------------------------------------------------------------


def user_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


SECTION = """\
schema_version: 1
cloud: acme
jurisdiction: DE
prefixes: [acme_]
types:
  acme_db: {kind: relational-database, lockin: low, reason: Open protocol., interface: postgresql}
"""


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        (SECTION.replace("lockin: low", "lockin: hgh"), "types.acme_db.lockin", "'hgh' is not one of"),
        (SECTION.replace("relational-database", "spaceship"), "types.acme_db.kind", "unknown service kind"),
        (SECTION.replace("postgresql", "postgres-ish"), "types.acme_db.interface", "unknown interface"),
        (SECTION.replace("schema_version: 1", "schema_version: 7"), "schema_version", "must be 1"),
        (SECTION.replace("acme_db:", "other_db:"), "types.other_db", "does not start with"),
        (SECTION.replace(", reason: Open protocol.", ""), "types.acme_db.reason", "non-empty string"),
        (SECTION.replace("lockin: low", "lockin: low, colour: red"), "types.acme_db.colour", "unknown key"),
        (SECTION.replace("{kind", "{use: nothing, kind"), "types.acme_db.use", "no profile named"),
        (
            SECTION.replace("postgresql}", "postgresql, variants: [{when: {engine: [x]}, lockin: low}]}"),
            "types.acme_db.variants[0].reason",
            "non-empty string",
        ),
        (
            SECTION
            + "families:\n  - {match: 'acme_*', use: p}\n  - {match: 'acme_db_*', use: p}\n"
            + "profiles: {p: {kind: other, lockin: low, reason: x}}\n",
            "families[1].match",
            "never reached",
        ),
        (
            SECTION + "families:\n  - {match: acme_exact, kind: other, lockin: low, reason: x}\n",
            "families[0].match",
            "has no '*'",
        ),
        (SECTION + "  acme_db: {kind: other, lockin: low, reason: x}\n", "line 7", "duplicate key"),
    ],
)
def test_invalid_catalogs_name_file_and_key_path(tmp_path, text, where, problem):
    directory = user_dir(tmp_path, {"services/acme.yaml": text})
    with pytest.raises(CatalogError) as raised:
        load_service_catalog([directory])
    message = str(raised.value)
    assert message.startswith(str(directory / "services" / "acme.yaml") + ": ")
    assert f": {where}" in message
    assert problem in message


def test_a_library_repository_must_map_to_a_registry_address(tmp_path):
    text = "schema_version: 1\nrepositories:\n  github.com/acme/lib: not-an-address\nmodules: {}\n"
    directory = user_dir(tmp_path, {"modules.yaml": text})
    with pytest.raises(CatalogError, match=r'repositories\."github.com/acme/lib": must map to a registry'):
        load_service_catalog([directory])


def test_a_module_must_name_a_known_type(tmp_path):
    directory = user_dir(
        tmp_path, {"modules.yaml": "schema_version: 1\nmodules:\n  acme/db/aws: {as: aws_nope}\n"}
    )
    with pytest.raises(
        CatalogError, match=r'modules\.yaml: modules\."acme/db/aws"\.as: .aws_nope. is not a type'
    ):
        load_service_catalog([directory])


def test_a_user_directory_adds_and_overrides_entries(tmp_path):
    directory = user_dir(
        tmp_path,
        {
            "catalog/services/acme.yaml": SECTION,
            "catalog/services/aws.yaml": """\
                schema_version: 1
                cloud: aws
                prefixes: [aws_]
                types:
                  aws_dynamodb_table: {kind: nosql-database, lockin: medium, reason: We run Alternator.}
                families:
                  - {match: "aws_foo_*", kind: other, lockin: low, reason: In-house wrapper.}
            """,
            "catalog/modules.yaml": "schema_version: 1\nmodules:\n  acme/db/acme: {as: acme_db}\n",
        },
    )
    catalog = load_service_catalog([directory])
    assert catalog.classify_type("acme_db", {}).entry.interface == "postgresql"
    assert catalog.cloud_of("acme_db") == "acme"
    assert catalog.classify_type("aws_dynamodb_table", {}).entry.lockin == "medium"
    assert catalog.classify_type("aws_foo_bar", {}).entry.kind == "other"
    assert catalog.classify_type("aws_s3_bucket", {}).entry.kind == "object-storage"  # built-ins remain
    assert catalog.classify_module("acme/db/acme", {}).entry.kind == "relational-database"


def test_unreadable_yaml_is_a_catalog_error(tmp_path):
    directory = user_dir(tmp_path, {"services/bad.yaml": "schema_version: 1\ntypes: [unclosed\n"})
    with pytest.raises(CatalogError, match=r"bad\.yaml: line \d+: "):
        load_service_catalog([directory])


def test_the_catalog_is_built_once_per_state_and_again_when_a_file_changes(tmp_path):
    aws = """\
        schema_version: 1
        cloud: aws
        prefixes: [aws_]
        types:
          aws_dynamodb_table: {kind: nosql-database, lockin: LEVEL, reason: We run Alternator.}
        families:
          - {match: "aws_foo_*_?ar", kind: other, lockin: low, reason: In-house wrapper.}
    """
    directory = user_dir(tmp_path, {"services/aws.yaml": aws.replace("LEVEL", "medium")})
    first = load_service_catalog([directory])
    assert load_service_catalog([directory]) is first
    assert first.classify_type("aws_foo_x_bar", {}).entry.kind == "other"  # a pattern that is not a prefix
    assert first.classify_type("aws_foo_x_bars", {}).entry is None

    user_dir(tmp_path, {"services/aws.yaml": aws.replace("LEVEL", "low")})
    changed = load_service_catalog([directory])
    assert changed is not first
    assert changed.classify_type("aws_dynamodb_table", {}).entry.lockin == "low"
