"""The sizing data files: the price book, the instance-type table, flavor lists and the size rules load,
compute what they promise, and refuse broken files with the file and key path."""

import textwrap
from pathlib import Path

import pytest

from exitplan.config import load_config
from exitplan.errors import CatalogError, ConfigError
from exitplan.knowledge.flavors import load_flavor_list
from exitplan.knowledge.instance_types import load_instance_types
from exitplan.knowledge.price_book import cloud_prices, load_price_book
from exitplan.knowledge.size_rules import load_size_rules_file
from exitplan.knowledge.targets import load_target


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- price book


def test_tiers_are_marginal_after_the_free_allowance():
    aws = load_price_book().clouds["aws"]
    assert (aws.as_of, aws.currency, aws.free_gb) == ("2026-12-03", "USD", 100)
    assert aws.source.startswith("https://aws.amazon.com/ec2/pricing/")
    assert aws.cost(100) == 0
    # 100..10,240 GB at 0.09, then 10,240..20,000 at 0.085
    assert aws.cost(20000) == round(10140 * 0.09 + 9760 * 0.085, 2)
    azure = load_price_book().clouds["azure"]
    assert azure.cost(600_000) is None  # past the last priced band: "contact sales"
    assert azure.beyond_last_tier.startswith("over 500 TB")


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        (
            [{"up_to_gb": 100, "per_gb": 0.1}, {"up_to_gb": 50, "per_gb": 0.05}],
            "x.yaml: egress.aws.tiers[1].up_to_gb: must be above the previous band's up_to_gb",
        ),
        (
            [{"up_to_gb": None, "per_gb": 0.1}, {"up_to_gb": 50, "per_gb": 0.05}],
            "x.yaml: egress.aws.tiers[0].up_to_gb: only the last band may be unbounded (null)",
        ),
        ([{"up_to_gb": None}], "x.yaml: egress.aws.tiers[0].per_gb: missing"),
        ([{"up_to_gb": None, "per_gb": "cheap"}], "x.yaml: egress.aws.tiers[0].per_gb: must be a number ≥ 0"),
        ([], "x.yaml: egress.aws.tiers: must be a non-empty list"),
    ],
)
def test_broken_tiers_name_the_key_path(tiers, message):
    with pytest.raises(CatalogError) as caught:
        load_price_book({"aws": {"tiers": tiers}}, "x.yaml")
    assert str(caught.value).startswith(message)


def test_a_cloud_entry_needs_its_source_and_date():
    with pytest.raises(CatalogError, match=r"^p.yaml: clouds.acme.source: missing$"):
        cloud_prices(
            "p.yaml", "acme", {"as_of": "2026-01-01", "currency": "EUR", "tiers": []}, ("clouds", "acme")
        )


def test_config_overrides_and_transfer_are_validated(tmp_path):
    path = write(
        tmp_path,
        ".exitplan.yaml",
        """
        egress: {aws: {tiers: [{up_to_gb: null, per_gb: 0.02}], source: "Enterprise agreement"}}
        transfer: {link_gbit_s: 10, efficiency: 0.5}
        """,
    )
    config = load_config(path)
    assert (config.transfer.link_gbit_s, config.transfer.efficiency) == (10, 0.5)
    book = load_price_book(config.egress, str(path))
    assert book.clouds["aws"].cost(1100) == 20.0 and book.clouds["aws"].source == "Enterprise agreement"
    bad = write(tmp_path, "bad/.exitplan.yaml", "transfer: {efficiency: 70}\n")
    with pytest.raises(ConfigError, match=r"transfer.efficiency: expected a fraction above 0, at most 1"):
        load_config(bad)
    typo = write(tmp_path, "typo/.exitplan.yaml", "egress: {aws: {tiers: [], pricing: 1}}\n")
    with pytest.raises(CatalogError, match=r"typo/.exitplan.yaml: egress.aws.pricing: unknown key"):
        load_price_book(load_config(typo).egress, str(typo))


# --- instance types


def test_listed_derived_and_unknown_types():
    types = load_instance_types()
    assert types.lookup("aws", "m6i.large").memory_gib == 8
    derived = types.lookup("aws", "m7a.4xlarge")  # not listed: the 1:4 family rule
    assert (derived.vcpu, derived.memory_gib, derived.derived_by is not None) == (16, 64, True)
    assert types.lookup("aws", "db.m6i.2xlarge").vcpu == 8  # db. prefix → the EC2 type
    assert types.lookup("azure", "MO_Standard_E8s_v3").memory_gib == 64
    assert types.lookup("azure", "Standard_E64s_v3").memory_gib == 432  # listed exception to 1:8
    assert types.lookup("azure", "Standard_E80s_v5") is None  # past the rule's max_vcpu: unknown
    assert types.lookup("gcp", "db-custom-2-7680").memory_gib == 7.5
    assert types.lookup("aws", "cache.m5.large").verified is False
    assert types.lookup("aws", "x9.huge") is None and types.lookup("hetzner", "cx22") is None


def test_a_broken_instance_type_names_the_type(tmp_path):
    path = write(
        tmp_path,
        "types.yaml",
        """
        schema_version: 1
        as_of: "2026-12-03"
        sources: {aws: "https://example.org"}
        types:
          aws:
            m9.large: {vcpu: 2, gpus: 0}
        """,
    )
    with pytest.raises(CatalogError, match=r"types.yaml: types.aws.\"m9.large\".memory_gib: missing"):
        load_instance_types(path)


# --- flavor lists


def test_a_broken_flavor_list_names_the_file_and_key(tmp_path):
    path = write(
        tmp_path,
        "flavors/acme.yaml",
        """
        schema_version: 1
        target: acme
        as_of: "2026-12-03"
        source: https://acme.example/flavors
        flavors:
          - {name: a1, vcpu: 2, memory_gib: 4, gpus: 0, verified: false}
          - {name: a2, vcpu: two, memory_gib: 8, gpus: 0, verified: false}
        """,
    )
    with pytest.raises(
        CatalogError, match=r"flavors/acme.yaml: flavors\[1\].vcpu: must be a whole number > 0"
    ):
        load_flavor_list(path)
    path.write_text(path.read_text().replace("vcpu: two", "vcpu: 2").replace("name: a2", "name: a1"))
    with pytest.raises(CatalogError, match=r"flavors\[1\].name: a1 is listed twice"):
        load_flavor_list(path)


def test_a_user_catalog_flavor_list_must_match_its_target(tmp_path):
    builtin = Path(__file__).resolve().parents[2] / "providers"
    write(tmp_path, "hetzner.yaml", (builtin / "hetzner.yaml").read_text())
    write(tmp_path, "flavors/hetzner.yaml", (builtin / "flavors" / "scaleway.yaml").read_text())
    with pytest.raises(CatalogError, match=r"flavors/hetzner.yaml: target: 'scaleway' does not match"):
        load_target("hetzner", [tmp_path])


def test_unverified_flavors_stay_marked():
    openstack, hetzner = load_target("openstack").flavors, load_target("hetzner").flavors
    assert all(f.verified for f in openstack.flavors) and openstack.as_of == "2026-12-03"
    assert not any(f.verified for f in hetzner.flavors)
    assert openstack.nearest(4, 16).name == "SCS-4V-16"


# --- size rules


def test_size_rules_refuse_a_unit_and_a_placeholder_without_attributes(tmp_path):
    path = write(
        tmp_path,
        "sizes.yaml",
        """
        schema_version: 1
        terraform:
          acme_disk: {size: [{path: size, unit: gigs}]}
        """,
    )
    with pytest.raises(CatalogError, match=r"sizes.yaml: terraform.acme_disk.size\[0\].unit: must be one of"):
        load_size_rules_file(path)
    path.write_text("schema_version: 1\nterraform:\n  acme_bucket: {measure: 'acme du {name}'}\n")
    with pytest.raises(CatalogError, match=r"terraform.acme_bucket.measure: \{name\} has no attribute list"):
        load_size_rules_file(path)
