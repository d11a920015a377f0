"""`exitplan plan` and data gravity: a size people measure and write into EXIT-PLAN.md is kept on the next
run and counted in the totals, the transfer time and the egress estimate; the link comes from the config."""

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from exitplan.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "gravity" / "aws"
REGION = "data/terraform-aws-s3-bucket.media/size"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def plan_json(out: Path) -> dict:
    return json.loads((out / "exitplan.json").read_text())["plan"]


def store(plan: dict, resource: str) -> dict:
    return next(d for d in plan["data"] if d["resource"] == resource)


def test_a_measured_size_is_kept_and_counted(tmp_path):
    estate = tmp_path / "estate"
    shutil.copytree(FIXTURE, estate)
    out = tmp_path / "plan"
    assert run("plan", estate, "--target", "openstack", "--out", out, "--no-cache").exit_code == 0
    before = plan_json(out)
    bucket = store(before, "terraform#aws_s3_bucket.media")
    assert bucket["size_gb"] is None and bucket["region"] == REGION
    text = (out / "EXIT-PLAN.md").read_text()
    assert "aws s3 ls s3://acme-media-originals --recursive --summarize | tail -n 2" in text
    start = f"<!-- exitplan:human {REGION} -->\n"
    assert start + "_Size: not measured yet._\n" in text

    written = text.replace(start + "_Size: not measured yet._\n", start + "Measured 2026-11-30: 1.5 TiB\n")
    (out / "EXIT-PLAN.md").write_text(written)
    assert run("plan", estate, "--target", "openstack", "--out", out, "--no-cache").exit_code == 0
    after = plan_json(out)
    bucket = store(after, "terraform#aws_s3_bucket.media")
    assert bucket["size_gb"] == 1649.267
    assert bucket["size_source"] == f"written by hand in EXIT-PLAN.md ({REGION})"
    assert bucket["transfer_hours"] == 5.24
    assert after["transfer"]["total_gb"] == round(before["transfer"]["total_gb"] + 1649.267, 3)
    assert after["transfer"]["unknown_sizes"] == before["transfer"]["unknown_sizes"] - 1
    assert after["egress"]["gb"] > before["egress"]["gb"]
    assert "Measured 2026-11-30: 1.5 TiB" in (out / "EXIT-PLAN.md").read_text()
    assert run("plan", estate, "--target", "openstack", "--out", out, "--check", "--no-cache").exit_code == 0


def test_the_link_and_the_price_book_come_from_the_config(tmp_path):
    estate = tmp_path / "estate"
    shutil.copytree(FIXTURE, estate)
    (estate / ".exitplan.yaml").write_text(
        "transfer: {link_gbit_s: 10, efficiency: 0.8}\n"
        "egress: {aws: {free_gb: 0, tiers: [{up_to_gb: null, per_gb: 0.01}], source: Contract annex 3}}\n"
    )
    out = tmp_path / "plan"
    assert run("plan", estate, "--target", "hetzner", "--out", out, "--no-cache").exit_code == 0
    plan = plan_json(out)
    assert (plan["transfer"]["link_gbit_s"], plan["transfer"]["efficiency"]) == (10, 0.8)
    assert plan["transfer"]["window_resource"] == "terraform#aws_msk_cluster.events"
    egress = plan["egress"]
    assert egress["source"] == "Contract annex 3"
    assert egress["amount"] == round(egress["gb"] * 0.01, 2)
    assert "12 January 2027" in egress["note"] and "Art. 34(2)" in egress["note"]
    text = (out / "EXIT-PLAN.md").read_text()
    assert "10 Gbit/s at 80% efficiency" in text
    assert "`aws_msk_cluster.events` (3,221.2 GB, 0.89 h (53 min)), sets the minimum cut-over window" in text


def test_a_broken_price_override_stops_with_the_key_path(tmp_path):
    estate = tmp_path / "estate"
    shutil.copytree(FIXTURE, estate)
    (estate / ".exitplan.yaml").write_text("egress: {aws: {tiers: [{up_to_gb: 10, per_gb: -1}]}}\n")
    result = CliRunner().invoke(
        main, ["plan", str(estate), "--target", "openstack", "--out", str(tmp_path / "p")]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"exitplan: error: {estate / '.exitplan.yaml'}: egress.aws.tiers[0].per_gb: must be a number ≥ 0, "
        "found int -1"
    )


def test_the_plan_json_matches_the_schema(tmp_path):
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "report-v1.schema.json").read_text())
    out = tmp_path / "plan"
    assert run("plan", FIXTURE, "--target", "scaleway", "--out", out, "--no-cache").exit_code == 0
    report = json.loads((out / "exitplan.json").read_text())
    jsonschema.validate(report, schema)
    gpu = next(c for c in report["plan"]["capacity"] if c["resource"] == "terraform#aws_eks_node_group.gpu")
    assert (gpu["count"], gpu["min"], gpu["max"], gpu["gpus"], gpu["target_flavor"]) == (
        2,
        1,
        4,
        1,
        "L4-1-24G",
    )
