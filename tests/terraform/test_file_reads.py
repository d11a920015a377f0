"""Files that Terraform reads, and chart values, are named as such, never judged as manifests (§6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exitplan.cli import main
from exitplan.discover import SourceFile
from exitplan.kubernetes.helm_render import find_renderer
from exitplan.model import FileRead
from exitplan.terraform.file_reads import file_reads, terraform_inputs
from exitplan.terraform.modules import parse_source

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "realworld" / "terraform-values"


@pytest.fixture(scope="module")
def report() -> dict:
    result = CliRunner().invoke(main, ["scan", str(FIXTURE), "--format", "json", "--no-cache"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _inputs(report: dict) -> dict[str, tuple]:
    return {i["path"]: (i["format"], i["status"], i.get("reason")) for i in report["inputs"]}


def test_templatefile_values_are_named_after_the_resource_that_reads_them(report):
    inputs = _inputs(report)
    assert inputs["terraform/values/basket.yaml"] == (
        "terraform-template",
        "skipped",
        "Terraform template read by helm_release.basket (templatefile at terraform/helm.tf:8)",
    )
    # "${path.module}/values/tenant-${each.key}.yaml" reads both tenants' files
    for tenant in ("north", "south"):
        assert inputs[f"terraform/values/tenant-{tenant}.yaml"] == (
            "terraform-template",
            "skipped",
            "Terraform template read by helm_release.tenants (templatefile at terraform/helm.tf:20)",
        )


def test_a_file_read_in_locals_names_the_resource_that_uses_the_local(report):
    assert _inputs(report)["terraform/dashboards/orders.json"] == (
        "terraform-file",
        "skipped",
        "Terraform input read by kubernetes_config_map.dashboards through local.orders_raw "
        "(file at terraform/helm.tf:34)",
    )


def test_kubernetes_objects_that_terraform_reads_with_file_stay_manifests_and_name_the_reader(report):
    assert _inputs(report)["terraform/bootstrap/apps.yaml"] == (
        "kubernetes",
        "parsed",
        "also read by Terraform: helm_release.bootstrap (file at terraform/helm.tf:64)",
    )
    assert "ApplicationSet/argocd/storefront-addons" in {r["address"] for r in report["resources"]}


def test_template_directives_without_a_literal_reader_are_still_a_template(report):
    fmt, status, reason = _inputs(report)["terraform/addons/ingress-values.yaml"]
    assert (fmt, status) == ("terraform-template", "skipped")
    assert reason.startswith("Terraform template (contains %{ … } directives)")


def test_templates_give_no_objects_and_manifests_beside_them_still_do(report):
    files = {r["file"] for r in report["resources"]}
    assert not [f for f in files if f.startswith("terraform/values/")]  # tenant-north holds a ConfigMap
    assert "Deployment/default/basket-worker" in {r["address"] for r in report["resources"]}
    assert _inputs(report)["k8s/basket.yaml"] == ("kubernetes", "parsed", None)
    assert not [i for i in report["inputs"] if i["status"] == "error"]


def test_every_yaml_beside_a_chart_file_is_helm_values(report):
    inputs = _inputs(report)
    for name in ("values.yaml", "staging-overrides.yaml"):
        assert inputs[f"charts/basket/{name}"] == ("helm-values", "parsed", None)
    rendered = find_renderer() is not None
    assert inputs["charts/basket/values-production.yaml"] == (
        "helm-values",
        "parsed",
        "Helm values: rendered as the variant charts/basket/values-production.yaml of charts/basket"
        if rendered
        else None,
    )
    template = inputs["charts/basket/templates/deployment.yaml"][:2]
    assert template == ("helm-template", "parsed" if rendered else "skipped")


def _reads(tmp_path: Path, code: str) -> tuple[FileRead, ...]:
    (tmp_path / "infra").mkdir()
    path = tmp_path / "infra" / "main.tf"
    path.write_text(code)
    return file_reads([parse_source(SourceFile(path, "infra/main.tf", "terraform"))])


def test_paths_that_the_code_does_not_fix_are_patterns_or_not_followed(tmp_path):
    reads = _reads(
        tmp_path,
        'module "addons" {\n'
        '  source = "./addons"\n'
        '  values = [yamldecode(file("${path.module}/helm/${var.env}/addons.yaml"))]\n'
        "  extra  = file(var.extra_values)\n"
        '  more   = file("${path.module}/${var.name}")\n'
        '  up     = templatefile("../../outside.yaml", {})\n'
        "}\n"
        'output "policy" {\n  value = file("policy.json")\n}\n',
    )
    assert [(r.path, r.function, r.reader, r.line) for r in reads] == [
        ("infra/helm/*/addons.yaml", "file", "module.addons", 3),
        ("infra/policy.json", "file", "output.policy", 9),
    ]
    pattern = reads[0]
    assert pattern.matches("infra/helm/prod/addons.yaml")
    assert not pattern.matches("infra/helm/prod/eu/addons.yaml")


def test_a_file_read_by_several_blocks_names_the_first_and_counts_the_others(tmp_path):
    reads = (
        FileRead("infra/values.yaml", "templatefile", "helm_release.b", "infra/b.tf", 3),
        FileRead("infra/values.yaml", "templatefile", "helm_release.a", "infra/a.tf", 7),
    )
    source = SourceFile(tmp_path / "values.yaml", "infra/values.yaml", "yaml")
    (record,) = terraform_inputs(reads, [source]).values()
    assert record.reason == (
        "Terraform template read by helm_release.a (templatefile at infra/a.tf:7) and 1 more"
    )


def test_reads_deep_inside_json_syntax_heredocs_and_locals_are_found(tmp_path):
    """Reads are looked for only inside expressions whose text could hold one; this is where the text
    is furthest from the source: a .tf.json file (objects re-encoded, ``depends_on`` without text)."""
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf.json").write_text(
        json.dumps(
            {
                "locals": {"conf": {"inner": ['${jsondecode(file("${path.module}/conf.json"))}']}},
                "resource": {
                    "aws_ssm_parameter": {
                        "conf": {
                            "value": "${local.conf}",
                            "depends_on": ['${templatefile("deps.tpl", {})}'],
                        }
                    }
                },
            }
        )
    )
    (tmp_path / "infra" / "user.tf").write_text(
        'resource "aws_s3_object" "page" {\n'
        "  content = <<-EOT\n"
        '    ${upper(templatefile("${path.module}/page.tpl", { a = 1 }))}\n'
        "  EOT\n"
        "}\n"
    )
    sources = [
        SourceFile(tmp_path / "infra" / "main.tf.json", "infra/main.tf.json", "terraform-json"),
        SourceFile(tmp_path / "infra" / "user.tf", "infra/user.tf", "terraform"),
    ]
    reads = file_reads([parse_source(source) for source in sources])
    assert [(r.path, r.function, r.reader, r.via) for r in reads] == [
        ("infra/conf.json", "file", "aws_ssm_parameter.conf", "local.conf"),
        ("infra/deps.tpl", "templatefile", "aws_ssm_parameter.conf", ""),
        ("infra/page.tpl", "templatefile", "aws_s3_object.page", ""),
    ]


POLICY_LIBRARY = Path(__file__).resolve().parents[1] / "fixtures" / "realworld" / "policy-library"


def test_files_a_module_lists_with_fileset_are_its_inputs():
    result = CliRunner().invoke(main, ["scan", str(POLICY_LIBRARY), "--format", "json", "--no-cache"])
    assert result.exit_code == 0, result.output
    inputs = _inputs(json.loads(result.stdout))
    # fileset(local.library_path, "**/policy_definition_*.{json,json.tftpl}"), library_path a local
    # holding "${path.module}/lib"
    assert inputs["modules/archetypes/lib/policy_definitions/policy_definition_deny_public_ip.json"] == (
        "terraform-file",
        "skipped",
        "Terraform input listed by azurerm_policy_definition.this through local.definition_files "
        "(fileset at modules/archetypes/locals.tf:3)",
    )
    # the pattern does not list archetypes: that file is left to the manifest reader, which skips it
    assert inputs["modules/archetypes/lib/archetypes/archetype_definition_corp.json"] == (
        "json",
        "skipped",
        "not a Kubernetes manifest",
    )


@pytest.mark.parametrize(
    ("pattern", "listed", "not_listed"),
    [
        ("**/policy_*.json", ["m/lib/policy_a.json", "m/lib/x/y/policy_b.json"], ["m/lib/x/role_a.json"]),
        ("*.{yaml,yml}", ["m/lib/a.yaml", "m/lib/b.yml"], ["m/lib/x/a.yaml", "m/lib/a.json"]),
        ("values/?.yaml", ["m/lib/values/a.yaml"], ["m/lib/values/ab.yaml"]),
    ],
)
def test_fileset_patterns_list_what_terraform_would(tmp_path, pattern, listed, not_listed):
    code = f'locals {{\n  files = fileset("${{path.module}}/lib", "{pattern}")\n}}\n'
    reads = [r for r in _reads(tmp_path, code) if r.function == "fileset"]
    listed, not_listed = [f"infra/{p[2:]}" for p in listed], [f"infra/{p[2:]}" for p in not_listed]
    assert reads
    for rel in listed:
        assert any(read.matches(rel) for read in reads), (pattern, rel)
    for rel in not_listed:
        assert not any(read.matches(rel) for read in reads), (pattern, rel)
