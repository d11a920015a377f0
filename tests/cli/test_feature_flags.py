"""Feature flags as a user meets them: conditional records and findings in the report, scores that
leave them out, the optional section of the plan, and Terraform variables from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from exitplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
FLAGS = ROOT / "tests" / "fixtures" / "terraform" / "feature-flags"
SCHEMA = json.loads((ROOT / "docs" / "report-v1.schema.json").read_text())
COSMOS = "infra#azurerm_cosmosdb_account.chat"


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def scan_json(*args, env=None) -> dict:
    result = run("scan", FLAGS, "--format", "json", *args, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _workload_of(report: dict, resource_id: str) -> dict:
    return next(w for w in report["workloads"] if resource_id in w["resources"])


@pytest.fixture(scope="module")
def report():
    return scan_json()


def test_the_report_validates_and_lists_conditional_records(report):
    jsonschema.validate(report, SCHEMA)
    resources = {r["id"]: r for r in report["resources"]}
    assert resources[COSMOS]["conditional"] == {
        "expression": "var.use_cosmos ? 1 : 0",
        "file": "infra/data.tf",
        "line": 2,
        "variables": ["var.use_cosmos"],
    }
    assert resources[COSMOS]["expanded"] is False
    assert (
        resources["infra#module.openai.azurerm_cognitive_account.this"]["conditional"]["file"]
        == "infra/ai.tf"
    )
    unknown = resources["infra#azurerm_monitor_diagnostic_setting.api"]
    assert "conditional" not in unknown
    assert unknown["unexpanded"]["reason"] == (
        "the number of instances is not known without Terraform (needs var.enable_diagnostics)"
    )


def test_findings_on_conditional_resources_are_flagged_and_do_not_lower_the_score(report):
    chat = _workload_of(report, COSMOS)
    on_cosmos = [f for f in chat["findings"] if f["resource"] == COSMOS]
    assert {f["rule"] for f in on_cosmos} >= {"EP201", "EP701"}
    assert all(f["conditional"] is True for f in on_cosmos)
    # Nothing in the code uses the switched-off services: they join the platform of their root.
    assert chat["role"] == "platform"
    assert chat["score"] == 100
    # Cosmos DB: EP201 (35), EP701 (10), EP203 (3); the OpenAI module: EP104 (30); Service Bus: EP302 (5)
    assert chat["score_if_enabled"] == 17
    app = _workload_of(report, "infra#azurerm_container_app.api")
    assert all("conditional" not in f for f in app["findings"])
    assert app["score"] == app["score_if_enabled"] == 70
    assert report["summary"]["score"] == 78
    assert report["summary"]["score_if_enabled"] == 35


def test_enabling_a_flag_with_var_counts_its_findings(report):
    enabled = scan_json("--var", "use_cosmos=true")
    cosmos = f"{COSMOS}[0]"
    chat = _workload_of(enabled, cosmos)
    assert chat["score"] == 52  # Cosmos DB's findings count now; the other two services stay switched off
    assert chat["score_if_enabled"] == 17
    assert all("conditional" not in f for f in chat["findings"] if f["resource"] == cosmos)
    assert enabled["summary"]["score"] < report["summary"]["score"]


def test_tf_var_from_the_environment_enables_a_flag_and_var_beats_it():
    from_env = scan_json(env={"TF_VAR_use_cosmos": "true"})
    assert f"{COSMOS}[0]" in {r["id"] for r in from_env["resources"]}
    overridden = scan_json("--var", "use_cosmos=false", env={"TF_VAR_use_cosmos": "true"})
    assert COSMOS in {r["id"] for r in overridden["resources"]}


def test_var_file_beats_the_environment_and_a_later_file_beats_an_earlier_one(tmp_path):
    on, off = tmp_path / "on.tfvars", tmp_path / "off.tfvars"
    on.write_text('use_servicebus = "true"\n')
    off.write_text('use_servicebus = "false"\n')
    ids = {r["id"] for r in scan_json("--var-file", on, env={"TF_VAR_use_servicebus": "false"})["resources"]}
    assert "infra#azurerm_servicebus_namespace.events[0]" in ids
    ids = {r["id"] for r in scan_json("--var-file", on, "--var-file", off)["resources"]}
    assert "infra#azurerm_servicebus_namespace.events" in ids


def test_the_cache_tells_scans_with_different_values_apart():
    first = scan_json()
    second = scan_json("--var", "use_cosmos=true")
    third = scan_json()
    assert first == third
    assert COSMOS in {r["id"] for r in first["resources"]}
    assert f"{COSMOS}[0]" in {r["id"] for r in second["resources"]}


@pytest.mark.parametrize("command", ["scan", "graph", "plan", "targets"])
def test_a_missing_var_file_is_a_one_line_usage_error(command, tmp_path):
    missing = tmp_path / "prod.tfvars"
    extra = ["openstack"] if command == "targets" else []
    args = [command, *extra, FLAGS, "--var-file", missing]
    if command == "plan":
        args += ["--target", "openstack", "--out", tmp_path / "plan"]
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == f"exitplan: error: --var-file {missing}: no such file\n"


def test_an_unparseable_var_file_is_a_one_line_usage_error(tmp_path):
    broken = tmp_path / "prod.tfvars"
    broken.write_text("use_cosmos = true\nqueues = {\n")
    result = run("scan", FLAGS, "--var-file", broken)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"exitplan: error: --var-file {broken}:")
    assert "HCL syntax error" in result.stderr


def test_the_plan_lists_optional_services_by_the_variable_that_switches_them(tmp_path):
    out = tmp_path / "plan"
    result = run("plan", FLAGS, "--target", "openstack", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    plan = (out / "EXIT-PLAN.md").read_text()
    assert "**Optional in the code**" in plan
    assert "- Enabling `var.use_cosmos` adds:" in plan
    assert "- Enabling `var.use_openai` adds:" in plan
    assert "- Enabling `var.queues` adds:" in plan
    # the options that change the exit most come first: Cosmos DB's proprietary API (35) before the
    # hosted model (30) and the queues (10)
    order = [plan.index(f"- Enabling `var.{v}` adds:") for v in ("use_cosmos", "use_openai", "queues")]
    assert order == sorted(order)
    assert (
        "  - `azurerm_cosmosdb_account.chat` (nosql-database, stateful; platform) — `var.use_cosmos ? 1 : 0` at "
        "`infra/data.tf:2`; findings if enabled: EP201 " in plan
    )
    assert "Scores if enabled: platform 17 (now 100)." in plan
    runbook = (out / "workloads" / "platform.md").read_text()
    assert "## Optional in the code" in runbook
    assert "with every one of them enabled this workload would score **17/100**" in runbook
    assert "Enabling `var.use_cosmos` adds:" in runbook
    assert (
        "| `azurerm_cosmosdb_account.chat` | nosql-database | `var.use_cosmos ? 1 : 0` | `infra/data.tf:2` |"
        in runbook
    )


def test_a_plan_without_conditional_resources_has_no_optional_section(tmp_path):
    estate = tmp_path / "estate"
    estate.mkdir()
    (estate / "main.tf").write_text('resource "aws_s3_bucket" "assets" {\n  bucket = "assets"\n}\n')
    out = tmp_path / "plan"
    assert run("plan", estate, "--target", "openstack", "--out", out, "--quiet").exit_code == 0
    assert "Optional in the code" not in (out / "EXIT-PLAN.md").read_text()
    assert all("Optional in the code" not in p.read_text() for p in (out / "workloads").glob("*.md"))


def test_secrets_given_on_the_command_line_reach_no_output(tmp_path):
    secrets = ("sk-Do-Not-Leak-9f2", "T0ken-Do-Not-Leak-77", "Env-Do-Not-Leak-31")
    var_file = tmp_path / "secrets.tfvars"
    var_file.write_text(f'upstream_url = "https://partner.example.com/?token={secrets[1]}"\n')
    args = ["--var", f"openai_api_key={secrets[0]}", "--var-file", var_file]
    env = {"TF_VAR_openai_api_key": secrets[2]}
    outputs = []
    for fmt in ("json", "table", "markdown", "sarif"):
        result = run("scan", FLAGS, "--format", fmt, *args, env=env)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    for fmt in ("json", "mermaid", "dot"):
        outputs.append(run("graph", FLAGS, "--format", fmt, *args, env=env).output)
    out = tmp_path / "plan"
    assert run("plan", FLAGS, "--target", "openstack", "--out", out, *args, env=env).exit_code == 0
    outputs += [p.read_text() for p in out.rglob("*") if p.is_file()]
    for text in outputs:
        assert all(secret not in text for secret in secrets)


def test_a_condition_over_many_variables_names_the_first_ones_and_counts_the_rest(tmp_path):
    estate = tmp_path / "estate"
    estate.mkdir()
    names = [f"queues_{team}" for team in ("billing", "catalog", "checkout", "search", "shipping", "users")]
    variables = "".join(f'variable "{n}" {{\n  default = {{}}\n}}\n' for n in names)
    merged = ", ".join(f"var.{n}" for n in names)
    (estate / "main.tf").write_text(
        variables
        + f'resource "aws_sqs_queue" "team" {{\n  for_each = merge({merged})\n  name     = each.key\n}}\n'
    )
    report = json.loads(run("scan", estate, "--format", "json").stdout)
    (queue,) = report["resources"]
    assert queue["conditional"]["variables"] == sorted(f"var.{n}" for n in names)
    out = tmp_path / "plan"
    assert run("plan", estate, "--target", "openstack", "--out", out, "--quiet").exit_code == 0
    assert (
        "- Enabling `var.queues_billing` and `var.queues_catalog` and `var.queues_checkout` and "
        "`var.queues_search` and 2 more variables adds:" in (out / "EXIT-PLAN.md").read_text()
    )
