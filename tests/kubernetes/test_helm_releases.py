"""Terraform helm_release of a local chart: rendered with its values, linked to what the values name."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exitplan.api import scan
from exitplan.cli import main
from exitplan.kubernetes.helm_releases import merge_layers, parse_name
from exitplan.model import REDACTED

FIXTURE = Path(__file__).parent.parent / "fixtures" / "helm" / "shop"
SECRET = "hunter2-basket-db"


@pytest.fixture(params=["sdk", "helm"])
def renderer(request, monkeypatch):
    if request.param == "helm" and shutil.which("helm") is None:
        pytest.skip("no helm binary on the PATH")
    if request.param == "sdk" and importlib.util.find_spec("helm_python") is None:
        pytest.skip("helm-python-sdk not installed (pip install 'exitplan[helm]')")
    monkeypatch.setenv("EXITPLAN_HELM_RENDERER", request.param)
    return request.param


@pytest.fixture
def report(renderer):
    return scan([str(FIXTURE)])


def test_release_renders_the_local_chart_in_its_namespace_with_the_templatefile_values(report):
    deployment = report.resource("infra#Deployment/shop/basket")
    assert (deployment.file, deployment.line) == ("services/basket/chart/templates/deployment.yaml", 1)
    assert deployment.get("spec", "replicas") == 3  # set { name = "replicas", value = "3" }
    env = deployment.get("spec", "template", "spec", "containers", 0, "env")
    assert env[0] == {"name": "TABLE_NAME", "value": "shop-basket"}  # known through module.data
    # %{ if tracing_enabled } with the variable's default true
    assert env[1] == {
        "name": "OTEL_EXPORTER_OTLP_ENDPOINT",
        "value": "http://otel-collector.observability:4317",
    }
    account = report.resource("infra#ServiceAccount/shop/basket")
    assert account.get("metadata", "annotations") == {
        "eks.amazonaws.com/role-arn": "${module.basket_role.iam_role_arn}"
    }
    assert (account.file, account.line_of(("metadata", "annotations"))) == (
        "services/basket/chart/templates/serviceaccount.yaml",
        6,
    )
    assert "services/basket/chart" not in {c.path for c in report.configurations}


def test_rendered_objects_link_to_the_release_and_the_terraform_resources_the_values_name(report):
    edges = {(e.source, e.target, e.kind): e for e in report.edges}
    role = edges[
        ("infra#ServiceAccount/shop/basket", "infra#module.basket_role.aws_iam_role.this", "assumes-identity")
    ]
    assert role.confidence == "explicit"
    assert role.via == (
        'metadata.annotations["eks.amazonaws.com/role-arn"] = ${module.basket_role.iam_role_arn} '
        "(values of helm_release.basket)"
    )
    assert (role.file, role.line) == ("services/basket/chart/templates/serviceaccount.yaml", 6)
    table = edges[
        ("infra#Deployment/shop/basket", "infra#module.data.aws_dynamodb_table.basket", "uses-table")
    ]
    assert table.confidence == "explicit"
    assert (
        table.via
        == "spec.template.spec.containers[0].env[0].value = shop-basket (values of helm_release.basket)"
    )
    assert (table.file, table.line) == ("services/basket/chart/templates/deployment.yaml", 22)
    for kind in ("Deployment", "Service", "ServiceAccount", "Secret"):
        name = "basket-db" if kind == "Secret" else "basket"
        assert (f"infra#{kind}/shop/{name}", "infra#helm_release.basket", "deployed-by") in edges


def test_the_workload_carries_its_irsa_role_and_its_table(report):
    (basket,) = [w for w in report.workloads if w.workload.name == "basket"]
    assert "infra#module.data.aws_dynamodb_table.basket" in basket.workload.resources
    assert "infra#module.basket_role.aws_iam_role.this" in basket.workload.resources
    rules = {(f.rule, f.resource) for f in basket.findings}
    assert ("EP501", "infra#ServiceAccount/shop/basket") in rules  # cloud IAM through IRSA
    assert any(
        r == "infra#module.data.aws_dynamodb_table.basket" and rule.startswith("EP2") for rule, r in rules
    )
    assert basket.score < 60


def test_remote_add_on_chart_is_recorded_never_fetched_and_provides_its_driver(report):
    release = report.resource("infra#helm_release.ebs_csi")
    assert (release.get("chart"), release.get("version"), release.get("repository")) == (
        "aws-ebs-csi-driver",
        "2.35.1",
        "https://kubernetes-sigs.github.io/aws-ebs-csi-driver",
    )
    assert not [r for r in report.resources if r.namespace == "kube-system"]
    edges = {(e.source, e.target, e.kind) for e in report.edges}
    assert (".#StorageClass/gp3", "infra#helm_release.ebs_csi", "provided-by") in edges


def test_values_files_and_templates_say_what_they_became(report):
    inputs = {i.path: i for i in report.inputs}
    values = inputs["infra/values/basket.yaml"]
    assert (values.format, values.status) == ("terraform-template", "parsed")
    assert (
        values.reason
        == "Helm values of helm_release.basket in infra, rendered into the chart services/basket/chart"
    )
    assert (
        inputs["services/basket/chart/Chart.yaml"].reason
        == "rendered as helm_release.basket in infra (4 objects)"
    )
    assert inputs["services/basket/chart/templates/deployment.yaml"].status == "parsed"


def test_set_sensitive_values_reach_no_output(renderer, tmp_path):
    secret = scan([str(FIXTURE)]).resource("infra#Secret/shop/basket-db")
    assert secret.get("stringData") == {"DB_PASSWORD": REDACTED}
    runner = CliRunner()
    outputs = []
    for args in (
        ["scan", str(FIXTURE), "--format", "json", "--no-cache"],
        ["scan", str(FIXTURE), "--format", "markdown", "--no-cache"],
        ["graph", str(FIXTURE), "--format", "json", "--no-cache"],
        ["plan", str(FIXTURE), "--target", "openstack", "--out", str(tmp_path / "plan"), "--no-cache"],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    outputs += [p.read_text() for p in (tmp_path / "plan").rglob("*") if p.is_file()]
    assert len(outputs) > 4 and not [text for text in outputs if SECRET in text]
    resources = {r["id"] for r in json.loads(outputs[0])["resources"]}
    assert "infra#Secret/shop/basket-db" in resources


def test_without_a_renderer_the_release_stays_a_terraform_resource(monkeypatch):
    monkeypatch.setenv("EXITPLAN_HELM_RENDERER", "none")
    report = scan([str(FIXTURE)])
    assert not [r for r in report.resources if r.configuration == "infra" and r.source == "kubernetes"]
    inputs = {i.path: i for i in report.inputs}
    assert inputs["infra/values/basket.yaml"].status == "skipped"
    assert inputs["services/basket/chart/Chart.yaml"].reason.startswith("not rendered: no Helm renderer")


def test_values_merge_as_helm_merges_them():
    layers = [
        {"file": "a.yaml", "line": 1, "text": "image: {repository: r, tag: '1'}\nlist: [1, 2]\n"},
        {"file": "b.yaml", "line": 1, "value": {"image": {"tag": "2"}, "list": [3]}},
        {"file": "m.tf", "line": 9, "set": "image.pullPolicy", "value": "Always", "type": "auto"},
        {"file": "m.tf", "line": 10, "set": "replicas", "value": "3", "type": "auto"},
        {"file": "m.tf", "line": 11, "set": "version", "value": "3", "type": "string"},
        {"file": "m.tf", "line": 12, "set": "ingress.hosts[1].name", "value": "b", "type": "auto"},
        {
            "file": "m.tf",
            "line": 13,
            "set": r"annotations.eks\.amazonaws\.com/role-arn",
            "value": "x",
            "type": "auto",
        },
        {"file": "m.tf", "line": 14, "set": "zones", "value": ["a", "b"], "kind": "set_list"},
    ]
    merged, problems = merge_layers(layers)
    assert problems == []
    assert merged == {
        "image": {"repository": "r", "tag": "2", "pullPolicy": "Always"},
        "list": [3],
        "replicas": 3,
        "version": "3",
        "ingress": {"hosts": [None, {"name": "b"}]},
        "annotations": {"eks.amazonaws.com/role-arn": "x"},
        "zones": ["a", "b"],
    }
    assert parse_name("a.b[0][1].c") == ["a", "b", 0, 1, "c"]


def test_values_that_are_not_yaml_are_reported_on_their_file():
    _, problems = merge_layers([{"file": "infra/values/x.yaml", "line": 1, "text": "a: [1,\n"}])
    assert [(file, line) for file, line, _ in problems] == [("infra/values/x.yaml", 1)]


def test_a_removed_secret_names_no_resource(report):
    # set_sensitive and secret-named values are REDACTED: that text must not link objects to resources
    assert not [e for e in report.edges if "(sensitive value removed)" in e.via]
    assert not [
        e for e in report.edges if e.source == "infra#Secret/shop/basket-db" and e.kind != "deployed-by"
    ]
