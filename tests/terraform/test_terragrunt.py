"""Terragrunt live repositories: each unit is the module call Terragrunt would run, with the inputs it
assembles from includes and parent folders; nothing is run, every file read is accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exitplan.api import scan
from exitplan.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "terragrunt"
LIVE = "live/prod/eu-central-1"
RAN = Path("/tmp/exitplan-terragrunt-ran")


@pytest.fixture(scope="module")
def report():
    RAN.unlink(missing_ok=True)
    return scan([str(FIXTURE)])


def test_each_unit_is_the_module_it_names_with_the_inputs_it_assembles(report):
    found = {r.id: r for r in report.resources}
    assert sorted(found) == [
        f"{LIVE}/app#module.app.aws_instance.app",
        f"{LIVE}/database#module.database.aws_db_instance.this",
        f"{LIVE}/database#module.database.aws_sns_topic.alerts",
        f"{LIVE}/legacy#aws_s3_bucket.exports",
        f"{LIVE}/reports#module.reports.aws_instance.app",
        f"{LIVE}/vpc#module.vpc",
    ]
    database = found[f"{LIVE}/database#module.database.aws_db_instance.this"]
    # identifier: _envcommon's inputs, with env.hcl found above the unit; instance_class: the unit's own
    # input over the module's default; the region: the provider root.hcl generates into the module
    assert (database.get("identifier"), database.get("instance_class"), database.get("engine_version")) == (
        "orders-prod",
        "db.r6g.large",
        "16.3",
    )
    assert (database.region, database.service_kind, database.file) == (
        "eu-central-1",
        "relational-database",
        "modules/postgres/main.tf",
    )
    # tfr:/// is Terragrunt's form of a registry address: the catalog knows the module
    vpc = found[f"{LIVE}/vpc#module.vpc"]
    assert (vpc.service_kind, vpc.cloud, vpc.get("cidr"), vpc.file, vpc.line) == (
        "network",
        "aws",
        "10.20.0.0/16",
        f"{LIVE}/vpc/terragrunt.hcl",
        6,
    )
    # no source: the folder's own .tf files run, with the inputs as the variables' values
    assert found[f"{LIVE}/legacy#aws_s3_bucket.exports"].get("bucket") == "acme-legacy-exports"


def test_a_dependency_links_what_reads_an_output_to_the_resources_behind_it(report):
    """The app reads the database's endpoint (aws_db_instance.this), not its alerts topic; reports read
    its name, a value no resource holds, and get no edge."""
    edges = [(e.source, e.target, e.kind, e.via, e.file, e.line) for e in report.edges]
    assert edges == [
        (
            f"{LIVE}/app#module.app.aws_instance.app",
            f"{LIVE}/database#module.database.aws_db_instance.this",
            "unit-dependency",
            "dependency.database",
            f"{LIVE}/app/terragrunt.hcl",
            10,
        )
    ]
    app = next(s for s in report.workloads if s.workload.name == "app")
    assert app.state == "owns-state"
    assert f"{LIVE}/database#module.database.aws_db_instance.this" in app.workload.resources
    depends = {c.path: c.depends_on for c in report.configurations if c.depends_on}
    assert {path: [(d.target, d.outputs, d.addresses) for d in found] for path, found in depends.items()} == {
        f"{LIVE}/app": [(f"{LIVE}/database", ("endpoint",), ("module.database.aws_db_instance.this",))],
        f"{LIVE}/reports": [(f"{LIVE}/database", ("name",), ())],
    }


def test_every_file_read_is_accounted_for_and_a_broken_unit_hides_nothing(report):
    inputs = {i.path: (i.format, i.status, i.reason, i.line) for i in report.inputs}
    terragrunt = {path: v for path, v in inputs.items() if v[0] == "terragrunt"}
    assert sorted(terragrunt) == [
        "_envcommon/database.hcl",
        "live/prod/account.hcl",
        "live/prod/env.hcl",
        f"{LIVE}/app/terragrunt.hcl",
        f"{LIVE}/broken/terragrunt.hcl",
        f"{LIVE}/database/terragrunt.hcl",
        f"{LIVE}/legacy/terragrunt.hcl",
        f"{LIVE}/region.hcl",
        f"{LIVE}/reports/terragrunt.hcl",
        f"{LIVE}/vpc/terragrunt.hcl",
        "root.hcl",
    ]
    assert terragrunt[f"{LIVE}/broken/terragrunt.hcl"] == ("terragrunt", "parsed", "syntax error", 8)


def test_nothing_runs_and_no_secret_reaches_the_output(report, tmp_path):
    assert not RAN.exists()  # run_cmd in root.hcl and in the app's inputs
    database = next(r for r in report.resources if r.type == "aws_db_instance")
    assert database.get("password") == "(sensitive value removed)"
    result = CliRunner().invoke(main, ["plan", str(FIXTURE), "--target", "ovhcloud", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    assert "s3cr3t-from-default" not in written and "exitplan-terragrunt-ran" not in written
    assert not RAN.exists()


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_an_included_root_terragrunt_file_is_no_unit_and_tfvars_outrank_inputs(tmp_path):
    root = _write(
        tmp_path,
        {
            # the layout before root.hcl: the root is a terragrunt.hcl that units include
            "terragrunt.hcl": 'inputs = { bucket_name = "from-root", tier = "gold" }\n',
            "svc/terragrunt.hcl": 'include "root" {\n  path = find_in_parent_folders()\n}\n',
            "svc/main.tf": 'variable "bucket_name" {}\nvariable "tier" {}\n'
            'resource "aws_s3_bucket" "b" {\n  bucket = var.bucket_name\n  tags = { tier = var.tier }\n}\n',
            "svc/terraform.tfvars": 'bucket_name = "from-tfvars"\n',
        },
    )
    report = scan([str(root)])
    assert [c.path for c in report.configurations] == ["svc"]
    bucket = report.resources[0]
    assert (bucket.get("bucket"), bucket.get("tags", "tier")) == ("from-tfvars", "gold")


def test_hostile_includes_stay_bounded_and_inside_the_scanned_folder(tmp_path):
    outside = tmp_path / "secret.hcl"
    outside.write_text('inputs = { leaked = "outside" }\n')
    root = _write(
        tmp_path / "repo",
        {
            "a.hcl": 'include "b" {\n  path = "b.hcl"\n}\ninputs = { from_a = 1 }\n',
            "b.hcl": 'include "a" {\n  path = "a.hcl"\n}\n',  # a cycle
            "unit/terragrunt.hcl": 'include "a" {\n  path = "../a.hcl"\n}\n'
            'include "out" {\n  path = "../../secret.hcl"\n}\n'
            'terraform {\n  source = "git::https://git.example.com/modules.git//queue"\n}\n',
        },
    )
    result = CliRunner().invoke(main, ["scan", str(root), "--format", "json", "--no-cache"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert '"outside"' not in result.stdout  # the value of the file outside: never read
    (unit,) = [r for r in data["resources"] if r["type"] == "module"]
    assert unit["id"] == "unit#module.unit"
    assert [(i["path"], i["status"], i.get("reason")) for i in data["inputs"]] == [
        ("../secret.hcl", "skipped", "outside the scanned folder: not read"),
        ("a.hcl", "parsed", None),
        ("b.hcl", "parsed", None),
        ("unit/terragrunt.hcl", "parsed", None),
    ]


def test_a_remote_module_terragrunt_downloaded_is_read_from_the_units_cache(tmp_path):
    cache = "db/.terragrunt-cache/Qx1/Zr9/modules/mysql"
    root = _write(
        tmp_path,
        {
            "db/terragrunt.hcl": 'terraform {\n  source = "git::https://git.example.com/mods.git//modules/mysql?ref=v2"\n}\n'
            'inputs = {\n  instance_class = "db.m6g.large"\n}\n',
            f"{cache}/main.tf": 'variable "instance_class" {}\n'
            'resource "aws_db_instance" "this" {\n  engine = "mysql"\n  instance_class = var.instance_class\n}\n',
            # the unit without a copy stays an unread module call
            "cache/terragrunt.hcl": 'terraform {\n  source = "git::https://git.example.com/mods.git//modules/redis"\n}\n',
        },
    )
    report = scan([str(root)])
    found = {r.id: r for r in report.resources}
    assert sorted(found) == ["cache#module.cache", "db#module.db.aws_db_instance.this"]
    database = found["db#module.db.aws_db_instance.this"]
    assert (database.get("instance_class"), database.file, database.service_kind) == (
        "db.m6g.large",
        f"{cache}/main.tf",
        "relational-database",
    )
    assert f"{cache}/main.tf" in {i.path for i in report.inputs}


def test_each_unit_of_a_stack_is_a_module_call_of_the_stacks_folder(tmp_path):
    root = _write(
        tmp_path,
        {
            "live/network.hcl": 'locals {\n  cidr = "10.8.0.0/16"\n}\n',
            "live/prod/terragrunt.stack.hcl": "locals {\n"
            '  network = read_terragrunt_config(find_in_parent_folders("network.hcl")).locals\n'
            '  catalog = "github.com/acme/catalog"\n'
            "}\n"
            'unit "vpc" {\n  source = "${local.catalog}//units/vpc?ref=v1"\n  path = "vpc"\n'
            "  values = {\n    cidr = local.network.cidr\n    private = [cidrsubnet(local.network.cidr, 8, 1)]\n  }\n}\n"
            'stack "dns" {\n  source = "${local.catalog}//stacks/dns?ref=v1"\n  path = "dns"\n}\n',
        },
    )
    report = scan([str(root)])
    assert [c.path for c in report.configurations] == ["live/prod"]
    calls = {r.address: r for r in report.resources}
    assert sorted(calls) == ["module.dns", "module.vpc"]
    vpc = calls["module.vpc"]
    assert (vpc.get("source"), vpc.get("cidr"), vpc.get("private"), vpc.file, vpc.line) == (
        "github.com/acme/catalog//units/vpc?ref=v1",
        "10.8.0.0/16",
        ["10.8.1.0/24"],
        "live/prod/terragrunt.stack.hcl",
        5,
    )
    assert {i.path: i.status for i in report.inputs} == {
        "live/network.hcl": "parsed",
        "live/prod/terragrunt.stack.hcl": "parsed",
    }


def test_a_generated_provider_read_with_file_gives_the_region(tmp_path):
    root = _write(
        tmp_path,
        {
            "live/root.hcl": 'generate "provider" {\n  path = "provider.tf"\n  if_exists = "overwrite"\n'
            '  contents = file("templates/aws.tpl")\n}\n',
            "live/templates/aws.tpl": 'provider "aws" {\n  region = "eu-west-3"\n}\n',
            "live/app/terragrunt.hcl": 'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n',
            "live/app/main.tf": 'resource "aws_sqs_queue" "jobs" {}\n',
            "live/other/terragrunt.hcl": 'generate "provider" {\n  path = "provider.tf"\n'
            '  contents = file("../../../etc/passwd")\n}\n',
            "live/other/main.tf": 'resource "aws_sqs_queue" "jobs" {}\n',
        },
    )
    report = scan([str(root)])
    regions = {r.configuration: r.region for r in report.resources}
    assert regions == {"live/app": "eu-west-3", "live/other": None}
    skipped = [i.path for i in report.inputs if i.status == "skipped"]
    assert skipped == ["../etc/passwd"]


def test_an_include_that_links_out_of_the_repository_is_not_read(tmp_path):
    outside = tmp_path / "elsewhere.hcl"
    outside.write_text('inputs = { stolen = "outside-value" }\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    root = _write(
        repo,
        {
            "unit/terragrunt.hcl": 'include "root" {\n  path = "../common.hcl"\n}\n'
            'terraform {\n  source = "git::https://git.example.com/m.git//queue"\n}\n'
        },
    )
    (root / "common.hcl").symlink_to(outside)
    report = scan([str(root)])
    assert report.resources[0].get("stolen") is None
    assert {i.path: i.status for i in report.inputs}["common.hcl"] == "skipped"


def test_tf_templates_that_generate_writes_are_no_root_of_their_own(tmp_path):
    root = _write(
        tmp_path,
        {
            "live/root.hcl": 'generate "provider" {\n  path = "provider.tf"\n  if_exists = "overwrite"\n'
            '  contents = file("_envcommon/aws_provider.tf")\n}\n',
            "live/_envcommon/aws_provider.tf": 'provider "aws" {\n  region = "eu-west-3"\n}\n'
            'data "aws_caller_identity" "current" {}\n',
            "live/_envcommon/tags.tf": 'locals {\n  tags = { team = "web" }\n}\n',
            "live/app/terragrunt.hcl": 'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n',
            "live/app/main.tf": 'resource "aws_sqs_queue" "jobs" {}\n',
            # a folder with a template beside real code stays a root
            "live/tools/terragrunt.hcl": 'generate "p" {\n  path = "p.tf"\n  contents = file("shared.tf")\n}\n',
            "live/tools/shared.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n',
            "live/tools/main.tf": 'resource "aws_s3_bucket" "tools" {}\n',
        },
    )
    report = scan([str(root)])
    assert sorted(c.path for c in report.configurations) == ["live/app", "live/tools"]
    inputs = {i.path: (i.status, i.reason) for i in report.inputs}
    assert inputs["live/_envcommon/aws_provider.tf"] == (
        "skipped",
        "a template the Terragrunt unit in live/app writes with generate (file()); not a root",
    )
    assert inputs["live/_envcommon/tags.tf"][0] == "skipped"
    assert inputs["live/tools/shared.tf"][0] == "parsed"
