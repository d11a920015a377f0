from pathlib import Path

import pytest

from exitplan.errors import CatalogError
from exitplan.knowledge.targets import builtin_dir, load_target, load_targets

FIXTURES = Path(__file__).parent.parent / "fixtures" / "catalogs"

BUILTIN = [
    "exoscale",
    "hetzner",
    "ionos",
    "open-telekom-cloud",
    "openstack",
    "ovhcloud",
    "scaleway",
    "stackit",
    "upcloud",
]

# Every built-in catalog answers for these kinds, with an offering or an explicit null + instead.
REQUIRED_KINDS = [
    "vm",
    "vm-scale-group",
    "kubernetes-cluster",
    "kubernetes-node-group",
    "container-service",
    "faas",
    "relational-database",
    "nosql-database",
    "document-database",
    "cache",
    "search",
    "data-warehouse",
    "object-storage",
    "block-volume",
    "file-storage",
    "backup",
    "message-queue",
    "pubsub",
    "event-bus",
    "event-stream",
    "kafka",
    "network",
    "firewall",
    "load-balancer",
    "dns",
    "cdn",
    "api-gateway",
    "waf",
    "certificate",
    "identity",
    "key-management",
    "secret-manager",
    "monitoring",
    "logging",
    "container-registry",
    "workflow",
    "ai-ml",
    "hosted-ai-model",
]

# Resource-type prefix of each Terraform provider a catalog may name.
PREFIXES = {
    "terraform-provider-openstack/openstack": "openstack_",
    "ovh/ovh": "ovh_",
    "scaleway/scaleway": "scaleway_",
    "hetznercloud/hcloud": "hcloud_",
    "ionos-cloud/ionoscloud": "ionoscloud_",
    "stackitcloud/stackit": "stackit_",
    "opentelekomcloud/opentelekomcloud": "opentelekomcloud_",
    "UpCloudLtd/upcloud": "upcloud_",
    "exoscale/exoscale": "exoscale_",
}


@pytest.fixture(scope="module")
def targets():
    return load_targets()


def _all_offerings(target):
    for offering in target.services.values():
        yield offering
        yield from offering.variants.values()


def test_builtin_catalogs_load_sorted_by_name(targets):
    assert list(targets) == BUILTIN
    assert sorted((builtin_dir()).glob("*.yaml")) == [builtin_dir() / f"{n}.yaml" for n in BUILTIN]


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_catalog_covers_every_required_kind(targets, name):
    missing = [kind for kind in REQUIRED_KINDS if kind not in targets[name].services]
    assert missing == []


@pytest.mark.parametrize("name", BUILTIN)
def test_null_offerings_say_what_to_do_instead(targets, name):
    for offering in _all_offerings(targets[name]):
        if offering.offering is None:
            assert offering.instead, offering.kind
            assert offering.managed is False
            assert offering.status == "none"


@pytest.mark.parametrize("name", BUILTIN)
def test_terraform_types_belong_to_the_catalogs_providers(targets, name):
    target = targets[name]
    prefixes = tuple(PREFIXES[source] for source in (target.terraform_source, *target.terraform_also))
    wrong = [
        (o.kind, o.terraform_type)
        for o in _all_offerings(target)
        if o.terraform_type is not None and not o.terraform_type.startswith(prefixes)
    ]
    assert wrong == []


@pytest.mark.parametrize("name", BUILTIN)
def test_every_offering_has_a_method_and_tools(targets, name):
    for offering in _all_offerings(targets[name]):
        assert offering.method.strip()
        assert offering.tools, offering.kind


@pytest.mark.parametrize("name", BUILTIN)
def test_verified_certifications_name_their_source(targets, name):
    for cert in targets[name].certifications:
        assert cert.verified is False or cert.source


def test_provider_facts(targets):
    ovh = targets["ovhcloud"]
    assert ovh.legal_seat == "Roubaix, France"
    assert ovh.openstack_based is True
    assert ovh.terraform_source == "ovh/ovh"
    assert ovh.terraform_also == ("terraform-provider-openstack/openstack",)
    assert {c.name: c.verified for c in ovh.certifications}["BSI C5"] is False
    assert targets["openstack"].jurisdiction == "depends on the operator"
    assert targets["openstack"].eu_only_ownership is None
    assert targets["exoscale"].eu_only_ownership is False


def test_offering_for_picks_the_interface_variant(targets):
    stackit = targets["stackit"]
    assert stackit.offering_for("relational-database").terraform_type == "stackit_postgresflex_instance"
    mysql = stackit.offering_for("relational-database", "mysql")
    assert mysql.terraform_type == "stackit_mariadb_instance"
    assert mysql.interfaces == ("mysql",)
    assert mysql.managed is True  # inherited from the main offering
    # an interface without a variant gets the main offering; an uncovered kind gets None
    oracle = stackit.offering_for("relational-database", "oracle")
    assert oracle.terraform_type == "stackit_postgresflex_instance"
    assert stackit.offering_for("iot") is None


def test_offering_status(targets):
    assert targets["ovhcloud"].offering_for("relational-database").status == "managed"
    assert targets["hetzner"].offering_for("message-queue").status == "self-run"
    assert targets["hetzner"].offering_for("cdn").status == "none"


def test_user_directory_overrides_one_catalog_and_adds_another():
    targets = load_targets([FIXTURES / "user"])
    assert list(targets) == sorted([*BUILTIN, "acme-cloud"])
    hetzner = targets["hetzner"]
    assert hetzner.title == "Hetzner Cloud (our contract)"
    assert list(hetzner.services) == ["vm"]  # replaced entirely, nothing merged from the built-in
    assert hetzner.origin == str(FIXTURES / "user" / "hetzner.yaml")
    acme = load_target("acme-cloud", [FIXTURES / "user"])
    assert acme.offering_for("relational-database", "mysql").offering == "Managed MariaDB (Trove)"
    assert acme.regions[0].location == "Ghent, Belgium"
    assert targets["ovhcloud"].origin == "providers/ovhcloud.yaml"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("schema-version", "schema_version: expected 1, got 2"),
        ("unknown-kind", "services.serverless: unknown service kind 'serverless'"),
        ("missing-instead", "services.faas.instead: required when offering is null"),
        ("bad-type", "services.cache.managed: expected true or false"),
        ("name-mismatch", "name: 'acme-cloud' does not match the file name 'acme'"),
        (
            "unknown-interface",
            "services.relational-database.variants.sqlserver: unknown interface 'sqlserver'",
        ),
    ],
)
def test_invalid_catalog_is_one_line_naming_file_and_key(case, message):
    directory = FIXTURES / "invalid" / case
    with pytest.raises(CatalogError) as raised:
        load_targets([directory])
    assert str(raised.value) == f"{directory / 'acme.yaml'}: {message}"
    assert "\n" not in str(raised.value)


def test_invalid_yaml_names_file_and_line(tmp_path):
    (tmp_path / "broken.yaml").write_text("schema_version: 1\nname: [broken\n")
    with pytest.raises(CatalogError, match=r"broken\.yaml: line \d+: invalid YAML"):
        load_targets([tmp_path])


def test_missing_user_directory_fails_fast(tmp_path):
    with pytest.raises(CatalogError, match="catalog directory not found"):
        load_targets([tmp_path / "nope"])


def test_unknown_target_lists_the_available_names():
    with pytest.raises(CatalogError) as raised:
        load_target("aws")
    assert str(raised.value) == "unknown target 'aws'; available: " + ", ".join(BUILTIN)


def test_load_target_finds_user_catalogs():
    assert load_target("openstack").name == "openstack"
    with pytest.raises(CatalogError, match="available: acme-cloud, exoscale"):
        load_target("nope", [FIXTURES / "user"])
