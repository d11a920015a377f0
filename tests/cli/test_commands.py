"""`exitplan rules`, `targets` and `graph`."""

import json
from pathlib import Path

from click.testing import CliRunner

from exitplan.cli import main
from exitplan.rules import RULES

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webshop"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_rules_lists_every_rule_and_shows_one():
    listing = run("rules")
    assert listing.exit_code == 0
    assert all(rule.ID in listing.output for rule in RULES)
    one = run("rules", "EP201")
    assert one.exit_code == 0
    assert "Why it hurts portability" in one.output and "How to migrate" in one.output


def test_unknown_rule_is_a_usage_error():
    result = run("rules", "EP999")
    assert result.exit_code == 2
    assert "unknown rule 'EP999'" in result.stderr


def test_targets_lists_the_nine_catalogs():
    result = run("targets", "--format", "json")
    names = [t["name"] for t in json.loads(result.output)]
    assert names == sorted(
        [
            "openstack",
            "ovhcloud",
            "scaleway",
            "hetzner",
            "ionos",
            "stackit",
            "open-telekom-cloud",
            "upcloud",
            "exoscale",
        ]
    )


def test_one_target_with_its_coverage_of_an_estate():
    result = run("targets", "scaleway", EXAMPLE, "--format", "json")
    facts = json.loads(result.output)
    assert facts["name"] == "scaleway"
    coverage = facts["coverage"]
    assert sum(coverage.values()) > 0 and coverage["unclassified"] == 0


def test_unknown_target_lists_the_available_ones():
    result = run("plan", EXAMPLE, "--target", "nimbus", "--out", "/tmp/never-written")
    assert result.exit_code == 2
    assert "unknown target 'nimbus'" in result.stderr and "openstack" in result.stderr
    assert not Path("/tmp/never-written").exists()


def test_graph_for_one_workload_as_mermaid():
    result = run("graph", EXAMPLE, "--workload", "orders-api")
    assert result.exit_code == 0
    assert result.output.startswith("flowchart LR\n")
    assert "aws_dynamodb_table.carts" in result.output


def test_unknown_workload_is_a_usage_error():
    result = run("graph", EXAMPLE, "--workload", "nope")
    assert result.exit_code == 2
    assert "unknown workload 'nope'" in result.stderr


def test_catalogs_named_in_the_config_reach_targets_and_plan(tmp_path):
    import shutil

    estate = tmp_path / "estate"
    shutil.copytree(EXAMPLE, estate)
    shutil.copytree(
        Path(__file__).resolve().parents[1] / "fixtures" / "catalogs" / "user", estate / "catalogs"
    )
    (estate / ".exitplan.yaml").write_text("catalogs: [catalogs]\n")
    listing = run("targets", "--config", estate / ".exitplan.yaml", "--format", "json")
    assert listing.exit_code == 0, listing.output
    assert "acme-cloud" in [t["name"] for t in json.loads(listing.output)]
    plan = run("plan", estate, "--target", "acme-cloud", "--out", tmp_path / "plan", "--quiet")
    assert plan.exit_code == 0, plan.output
    assert "acme" in (tmp_path / "plan" / "EXIT-PLAN.md").read_text().lower()


def test_a_workload_graph_leaves_out_what_only_its_shared_members_lead_to():
    result = run("graph", EXAMPLE, "--workload", "orders-api", "--format", "json")
    ids = {n["id"] for n in json.loads(result.output)["nodes"]}
    assert (
        "k8s/overlays/production#Deployment/webshop/orders-api" in ids
        and "k8s/overlays/production#NetworkPolicy/webshop/allow-from-alb" in ids
    )
    assert "k8s/overlays/production#Deployment/webshop/storefront" not in ids
