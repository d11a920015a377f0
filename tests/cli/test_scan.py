"""`exitplan scan` as a user runs it: formats, gates, exit codes, and what never appears in output."""

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from exitplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "webshop"
SCHEMA = json.loads((ROOT / "docs" / "report-v1.schema.json").read_text())
#: Secret literals planted in the example estate; none may reach any output.
SECRETS = ("s3cr3t-Do-Not-Leak-42",)


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def report():
    result = run("scan", EXAMPLE, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_report_validates_against_the_documented_schema(report):
    jsonschema.validate(report, SCHEMA)


def test_every_input_file_is_accounted_for(report):
    found = sorted(
        p.relative_to(EXAMPLE).as_posix()
        for p in EXAMPLE.rglob("*")
        if p.is_file() and p.suffix in (".tf", ".tfvars", ".yaml", ".yml", ".json")
    )
    assert sorted(i["path"] for i in report["inputs"]) == found
    assert all(i["status"] == "parsed" for i in report["inputs"])


def test_every_resource_has_a_real_file_and_line(report):
    for resource in report["resources"]:
        lines = (EXAMPLE / resource["file"]).read_text().splitlines()
        assert 1 <= resource["line"] <= len(lines), resource["id"]


def test_cross_layer_edges_on_the_example(report):
    edges = {(e["from"], e["to"], e["kind"]) for e in report["edges"]}
    assert (
        "k8s/overlays/production#ServiceAccount/webshop/orders-api",
        "terraform#aws_iam_role.orders_api",
        "assumes-identity",
    ) in edges
    assert (
        "k8s/overlays/production#Deployment/webshop/orders-api",
        "terraform#aws_dynamodb_table.carts",
        "uses-table",
    ) in edges
    assert (
        "k8s/overlays/production#Deployment/webshop/catalog-api",
        "terraform#aws_db_instance.orders",
        "uses-database",
    ) in edges
    assert (
        "k8s/overlays/production#Deployment/webshop/catalog-api",
        'terraform#module.queue_worker["thumbnails"].aws_sqs_queue.jobs',
        "uses-queue",
    ) in edges
    assert not any(e[0].endswith("storefront") and "dynamodb" in e[1] for e in edges)


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "sarif"])
def test_no_secret_reaches_any_format(fmt):
    result = run("scan", EXAMPLE, "--format", fmt)
    assert result.exit_code == 0
    for secret in SECRETS:
        assert secret not in result.output


@pytest.mark.parametrize("fmt", ["mermaid", "dot", "json"])
def test_no_secret_reaches_the_graph(fmt):
    result = run("graph", EXAMPLE, "--format", fmt)
    assert result.exit_code == 0
    for secret in SECRETS:
        assert secret not in result.output


def test_output_is_byte_identical_across_runs():
    first = run("scan", EXAMPLE, "--format", "json").stdout
    second = run("scan", EXAMPLE, "--format", "json").stdout
    assert first == second


def test_fail_under_gates_ci(report):
    assert run("scan", EXAMPLE, "--fail-under", report["summary"]["score"]).exit_code == 0
    gated = run("scan", EXAMPLE, "--fail-under", report["summary"]["score"] + 1)
    assert gated.exit_code == 1
    assert f"estate score {report['summary']['score']} is below" in gated.stderr


def test_bad_files_are_reported_not_fatal_and_strict_turns_them_into_a_gate(tmp_path):
    (tmp_path / "good.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n"
    )
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b\n")
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n')
    result = run("scan", tmp_path, "--format", "json")
    assert result.exit_code == 0
    inputs = {i["path"]: i for i in json.loads(result.stdout)["inputs"]}
    assert inputs["good.yaml"]["status"] == "parsed"
    assert inputs["broken.yaml"]["status"] == "error" and inputs["broken.yaml"]["line"] >= 3
    assert inputs["main.tf"]["status"] == "error"
    assert "broken.yaml:" in result.stderr
    assert run("scan", tmp_path, "--strict").exit_code == 1


def test_stdin_reads_rendered_manifests():
    manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n"
    result = run("scan", "-", "--format", "json", input=manifest)
    ids = [r["id"] for r in json.loads(result.stdout)["resources"]]
    assert ids == ["-#Deployment/shop/api"]


def test_config_error_is_one_line_and_exit_2(tmp_path):
    (tmp_path / ".exitplan.yaml").write_text("waivers:\n  - rule: EP201\n    resource: x\n")
    result = run("scan", tmp_path)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "waivers[0].reason: required" in result.stderr
    assert "Traceback" not in result.output


def test_waivers_are_recorded_as_accepted_risks(tmp_path):
    config = tmp_path / "waivers.yaml"
    config.write_text(
        "waivers:\n  - rule: EP201\n    resource: '*aws_dynamodb_table.carts'\n    reason: Carts move in 2027.\n"
    )
    result = run("scan", EXAMPLE, "--format", "json", "--config", config)
    findings = [
        f
        for w in json.loads(result.stdout)["workloads"]
        for f in w["findings"]
        if f["rule"] == "EP201" and f["resource"].endswith("aws_dynamodb_table.carts")
    ]
    assert findings and all(f["waived"] and f["waiver_reason"] == "Carts move in 2027." for f in findings)
