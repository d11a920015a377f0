"""Root variables as Terraform takes them: each layer beats the one below it, values parse as Terraform
parses them, and bad files are a one-line usage error."""

from __future__ import annotations

from pathlib import Path

import pytest

from exitplan.discover import discover
from exitplan.errors import UsageError
from exitplan.model import REDACTED
from exitplan.terraform import loader as terraform
from exitplan.terraform.variables import read_variable_inputs

MAIN = """
variable "tier" {
  type    = string
  default = "from-default"
}
variable "replicas" { default = 1 }
variable "tags" {
  type    = map(string)
  default = {}
}
resource "aws_s3_bucket" "assets" {
  bucket = "shop-${var.tier}"
  tags   = var.tags
}
resource "aws_sqs_queue" "jobs" {
  count = var.replicas
  name  = "jobs"
}
"""

#: Layers from lowest to highest, each setting `tier`.
LAYERS = (
    "environment",
    "terraform.tfvars",
    "a.auto.tfvars",
    "b.auto.tfvars",
    "first-file",
    "second-file",
    "var",
)


def _root(tmp_path: Path, layers: tuple[str, ...]):
    root = tmp_path / "infra"
    root.mkdir()
    (root / "main.tf").write_text(MAIN)
    for name in ("terraform.tfvars", "a.auto.tfvars", "b.auto.tfvars"):
        if name in layers:
            (root / name).write_text(f'tier = "from-{name}"\n')
    files = []
    for name in ("first-file", "second-file"):
        if name in layers:
            path = tmp_path / f"{name}.tfvars"
            path.write_text(f'tier = "from-{name}"\n')
            files.append(path)
    environ = {"TF_VAR_tier": "from-environment"} if "environment" in layers else {}
    assignments = ["tier=from-var"] if "var" in layers else []
    return root, read_variable_inputs(files, assignments, environ)


def _bucket(root: Path, inputs) -> str:
    resources = terraform.load(discover([str(root)]), inputs).resources
    return next(r for r in resources if r.address == "aws_s3_bucket.assets").get("bucket")


@pytest.mark.parametrize("top", range(len(LAYERS)))
def test_each_layer_beats_the_ones_below_it(tmp_path, top):
    root, inputs = _root(tmp_path, LAYERS[: top + 1])
    assert _bucket(root, inputs) == f"shop-from-{LAYERS[top]}"


def test_without_any_layer_the_default_holds(tmp_path):
    root, inputs = _root(tmp_path, ())
    assert _bucket(root, inputs) == "shop-from-default"


def test_later_var_beats_earlier_var_and_undeclared_names_are_ignored(tmp_path):
    root, _ = _root(tmp_path, ())
    inputs = read_variable_inputs((), ["tier=one", "tier=two", "nobody=here"], {})
    assert _bucket(root, inputs) == "shop-two"


def test_values_parse_as_terraform_parses_them(tmp_path):
    root, _ = _root(tmp_path, ())
    inputs = read_variable_inputs(
        (), ['tags={team = "search", cost = "shop"}', "replicas=2"], {"TF_VAR_tier": "eu-west-1"}
    )
    resources = {r.address: r for r in terraform.load(discover([str(root)]), inputs).resources}
    bucket = resources["aws_s3_bucket.assets"]
    assert bucket.get("tags") == {"team": "search", "cost": "shop"}  # HCL, for a map type
    assert bucket.get("bucket") == "shop-eu-west-1"  # a literal string, not an expression
    assert {"aws_sqs_queue.jobs[0]", "aws_sqs_queue.jobs[1]"} <= set(resources)  # "2" as a count


def test_a_json_var_file_is_read(tmp_path):
    root, _ = _root(tmp_path, ())
    path = tmp_path / "prod.tfvars.json"
    path.write_text('{"tier": "from-json"}')
    assert _bucket(root, read_variable_inputs([path], (), {})) == "shop-from-json"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "--var-file {path}: no such file"),
        ('tier = "ok"\nreplicas = = 2\n', "--var-file {path}:2: HCL syntax error"),
        (
            'variable "tier" {\n  default = "x"\n}\n',
            "--var-file {path}:1: a variables file holds only NAME = VALUE lines",
        ),
    ],
)
def test_a_bad_var_file_is_a_usage_error_naming_it(tmp_path, content, message):
    path = tmp_path / "prod.tfvars"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError) as raised:
        read_variable_inputs([path], (), {})
    assert str(raised.value) == message.format(path=path)


def test_a_bad_json_var_file_names_its_line(tmp_path):
    path = tmp_path / "prod.tfvars.json"
    path.write_text('{\n  "tier": \n}')
    with pytest.raises(UsageError, match=r"prod\.tfvars\.json:\d+: "):
        read_variable_inputs([path], (), {})


@pytest.mark.parametrize("given", ["no-equals-sign", "=value", "bad name=x"])
def test_a_malformed_var_is_a_usage_error(given):
    with pytest.raises(UsageError, match="--var expects NAME=VALUE"):
        read_variable_inputs((), [given], {})


def test_an_unparseable_collection_value_is_a_usage_error_that_does_not_repeat_the_value():
    with pytest.raises(UsageError) as raised:
        read_variable_inputs((), ["tags={not-closed-s3cr3t"], {})
    assert "s3cr3t" not in str(raised.value)
    assert str(raised.value) == "--var tags: the value is not a valid HCL expression"


def test_sensitive_values_from_outside_the_code_are_removed(tmp_path):
    root = tmp_path / "infra"
    root.mkdir()
    (root / "main.tf").write_text(
        """
variable "db_password" { type = string }
variable "webhook" {
  type      = string
  sensitive = true
}
resource "aws_db_instance" "orders" {
  password   = var.db_password
  identifier = "orders"
  tags       = { hook = var.webhook, note = "calls ${var.webhook}" }
}
"""
    )
    inputs = read_variable_inputs(
        (), ["webhook=https://hooks.example.com/T0k3n-Leak"], {"TF_VAR_db_password": "Pa55-Leak"}
    )
    (db,) = terraform.load(discover([str(root)]), inputs).resources
    assert db.get("password") == REDACTED
    assert "T0k3n-Leak" not in repr(db.attributes)
    assert "Pa55-Leak" not in repr(db.attributes)
