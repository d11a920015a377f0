"""Helm chart folders rendered into objects at template file:line, with either renderer."""

from __future__ import annotations

import importlib.util
import shutil
import time
from pathlib import Path

import pytest

from exitplan.api import load_inputs
from exitplan.discover import discover
from exitplan.kubernetes import helm_render

FIXTURES = Path(__file__).parent.parent / "fixtures" / "helm"
HELM_BINARY = shutil.which("helm")
HAS_SDK = importlib.util.find_spec("helm_python") is not None
SDK = pytest.mark.skipif(
    not HAS_SDK,
    reason="helm-python-sdk not installed (pip install 'exitplan[helm]')",
)


@pytest.fixture(params=["sdk", "helm"])
def renderer(request, monkeypatch):
    """Each test runs with the in-process SDK and, where a helm binary is on the PATH, with helm."""
    if request.param == "helm" and HELM_BINARY is None:
        pytest.skip("no helm binary on the PATH")
    if request.param == "sdk" and not HAS_SDK:
        pytest.skip("helm-python-sdk not installed (pip install 'exitplan[helm]')")
    monkeypatch.setenv("EXITPLAN_HELM_RENDERER", request.param)
    return request.param


def scan(path: Path):
    return load_inputs(discover([str(path)]))


def by_id(result):
    return {r.id: r for r in result.resources}


def inputs(result):
    return {i.path: i for i in result.inputs}


def test_chart_renders_with_defaults_and_each_values_file_as_a_variant(renderer):
    result = scan(FIXTURES / "apps")
    resources = by_id(result)
    deployment = resources["catalog/chart#Deployment/default/catalog"]
    assert (deployment.file, deployment.line) == ("catalog/chart/templates/deployment.yaml", 1)
    assert deployment.get("spec", "replicas") == 1
    assert (
        deployment.get("spec", "template", "spec", "containers", 0, "image")
        == "ghcr.io/example/catalog:2.3.1"
    )
    assert deployment.line_of(("spec", "replicas")) == 8
    account = resources["catalog/chart#ServiceAccount/default/catalog"]
    assert (account.file, account.line) == ("catalog/chart/templates/serviceaccount.yaml", 2)
    assert "catalog/chart#Service/default/catalog" in resources

    production = resources["catalog/chart/values-production.yaml#Deployment/default/catalog"]
    assert production.get("spec", "replicas") == 3
    env = production.get("spec", "template", "spec", "containers", 0, "env")
    assert {"name": "SEARCH_URL", "value": "https://vpc-catalog-abc123.eu-central-1.es.amazonaws.com"} in env
    prod_account = resources["catalog/chart/values-production.yaml#ServiceAccount/default/catalog"]
    assert prod_account.get("metadata", "annotations", "eks.amazonaws.com/role-arn").endswith(
        "role/catalog-prod"
    )
    assert prod_account.line_of(("metadata", "annotations")) == 7

    kinds = {c.path: c.kind for c in result.configurations}
    assert kinds == {"catalog/chart": "helm-chart", "catalog/chart/values-production.yaml": "helm-chart"}
    files = inputs(result)
    assert files["catalog/chart/templates/deployment.yaml"].status == "parsed"
    assert files["catalog/chart/templates/deployment.yaml"].reason == (
        "rendered: 1 with default values, 1 with values-production.yaml over the defaults"
    )
    assert "rendered with" in files["catalog/chart/Chart.yaml"].reason
    assert files["catalog/chart/values-production.yaml"].reason == (
        "Helm values: rendered as the variant catalog/chart/values-production.yaml of catalog/chart"
    )


def test_rendered_chart_takes_part_in_the_scan(renderer):
    from exitplan.api import scan as full_scan

    report = full_scan([str(FIXTURES / "apps")])
    edges = {(e.source, e.target, e.kind, e.file, e.line) for e in report.edges}
    assert (
        "catalog/chart#Service/default/catalog",
        "catalog/chart#Deployment/default/catalog",
        "selects",
        "catalog/chart/templates/service.yaml",
        8,
    ) in edges
    # the production values add an IRSA role and a managed search endpoint; the defaults add nothing
    findings = {(f.resource, f.file, f.line) for f in report.findings}
    assert findings == {
        (
            "catalog/chart/values-production.yaml#ServiceAccount/default/catalog",
            "catalog/chart/templates/serviceaccount.yaml",
            7,
        ),
        (
            "catalog/chart/values-production.yaml#Deployment/default/catalog",
            "catalog/chart/templates/deployment.yaml",
            28,
        ),
    }
    assert "EP501" in {f.rule for f in report.findings}


def test_umbrella_chart_renders_vendored_subchart_and_reports_missing_dependency(renderer):
    result = scan(FIXTURES / "platform")
    resources = by_id(result)
    redis = resources[".#StatefulSet/default/platform-redis"]
    assert (redis.file, redis.line) == ("charts/redis-lite/templates/statefulset.yaml", 1)
    assert redis.get("spec", "template", "spec", "containers", 0, "image") == "redis:7.2"
    flags = resources[".#ConfigMap/default/platform-flags"]
    assert (flags.file, flags.line) == ("templates/configmap.yaml", 8)
    assert [c.path for c in result.configurations] == ["."]
    chart = inputs(result)["Chart.yaml"]
    assert chart.status == "parsed"
    assert (
        "dependency postgresql 15.5.0 from https://charts.bitnami.com/bitnami is not vendored: "
        "run `helm dependency build .`; rendered without it"
    ) in chart.reason
    assert (
        inputs(result)["charts/redis-lite/templates/statefulset.yaml"].reason
        == "rendered: 1 with default values"
    )


def test_hostile_chart_is_an_input_error_within_the_time_limit(renderer, monkeypatch):
    monkeypatch.setattr(helm_render, "TIMEOUT_SECONDS", 2.0)
    started = time.perf_counter()
    result = scan(FIXTURES / "hostile")
    elapsed = time.perf_counter() - started
    assert elapsed < 10
    files = inputs(result)
    slow = files["slow/Chart.yaml"]
    assert (slow.status, slow.format) == ("error", "helm-chart")
    assert "rendering took longer than 2 s and was stopped" in slow.reason
    broken = files["broken/Chart.yaml"]
    assert broken.status == "error"
    assert "Helm could not render the chart with default values" in broken.reason
    assert files["broken/templates/recursive.yaml"].status == "skipped"
    assert not [r for r in result.resources if r.type == "ConfigMap"]


@SDK
def test_a_chart_that_exhausts_memory_kills_only_its_worker(tmp_path, monkeypatch):
    monkeypatch.setenv("EXITPLAN_HELM_RENDERER", "sdk")
    chart = tmp_path / "greedy"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: greedy\nversion: 0.1.0\n")
    (chart / "templates" / "a.yaml").write_text(
        '{{- $s := "x" }}{{- range until 40 }}{{ $s = printf "%s%s" $s $s }}{{- end }}\nx: {{ len $s }}\n'
    )
    monkeypatch.setattr(helm_render, "MEMORY_BYTES", 1 << 30)
    result = scan(tmp_path)
    record = inputs(result)["greedy/Chart.yaml"]
    assert record.status == "error"
    assert "memory limit or crashed" in record.reason


def _chart(folder: Path, name: str, template: str) -> None:
    (folder / name / "templates").mkdir(parents=True)
    (folder / name / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
    (folder / name / "templates" / "a.yaml").write_text(template)


@SDK
def test_charts_before_and_after_one_that_crashes_the_worker_render_as_alone(tmp_path, monkeypatch):
    """One worker renders chart after chart; the chart that kills it is rendered again in a worker of its
    own (the answer it gets alone), and the next chart gets a fresh worker."""
    monkeypatch.setenv("EXITPLAN_HELM_RENDERER", "sdk")
    monkeypatch.setattr(helm_render, "MEMORY_BYTES", 1 << 30)
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\n"
    _chart(tmp_path, "first", config)
    _chart(
        tmp_path, "greedy", '{{- $s := "x" }}{{- range until 40 }}{{ $s = printf "%s%s" $s $s }}{{- end }}\n'
    )
    _chart(tmp_path, "last", config)
    result = scan(tmp_path)
    assert {r.id for r in result.resources if r.type == "ConfigMap"} == {
        "first#ConfigMap/default/first",
        "last#ConfigMap/default/last",
    }, [(i.path, i.reason) for i in result.inputs]
    record = inputs(result)["greedy/Chart.yaml"]
    assert record.status == "error"
    assert "the renderer ran out of its 1024 MB memory limit or crashed" in record.reason


@SDK
def test_a_worker_that_answered_an_error_is_not_asked_again(tmp_path, monkeypatch):
    """A failed chart may leave the worker holding what failed it (Go's heap after a huge template): the
    chart is asked again in a fresh worker, that one is retired too, and the next chart gets its own."""
    from exitplan.kubernetes import helm_process

    monkeypatch.setenv("EXITPLAN_HELM_RENDERER", "sdk")
    monkeypatch.setattr(helm_process, "_WORKERS", {})
    started = []
    worker = helm_process._Worker

    def counted(*args, **kwargs):
        started.append(1)
        return worker(*args, **kwargs)

    monkeypatch.setattr(helm_process, "_Worker", counted)
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\n"
    _chart(tmp_path, "first", config)
    _chart(tmp_path, "middle", '{{ fail "values.database.host is required" }}\n')
    _chart(tmp_path, "next", config)
    result = scan(tmp_path)
    assert {r.id for r in result.resources if r.type == "ConfigMap"} == {
        "first#ConfigMap/default/first",
        "next#ConfigMap/default/next",
    }
    assert "values.database.host is required" in inputs(result)["middle/Chart.yaml"].reason
    assert len(started) == 3  # first's worker, middle alone, next's


def test_without_a_renderer_charts_are_skipped_with_how_to_get_one(monkeypatch):
    monkeypatch.setenv("EXITPLAN_HELM_RENDERER", "none")
    result = scan(FIXTURES / "apps")
    files = inputs(result)
    assert files["catalog/chart/Chart.yaml"].reason == (
        "not rendered: no Helm renderer (pip install 'exitplan[helm]' or put a helm binary on the PATH)"
    )
    assert files["catalog/chart/templates/deployment.yaml"].status == "skipped"
    assert [r.type for r in result.resources] == ["HelmChart"]


def test_kustomize_helm_charts_with_a_local_chart_render_in_the_kustomization(renderer):
    result = scan(FIXTURES / "kustomize")
    resources = by_id(result)
    search = resources["deploy#StatefulSet/search/search"]
    assert (search.file, search.line) == ("deploy/charts/search/templates/statefulset.yaml", 1)
    assert search.get("spec", "replicas") == 2  # valuesInline over valuesFile over the chart's defaults
    containers = search.get("spec", "template", "spec", "containers")
    assert containers[0]["image"] == "docker.io/opensearchproject/opensearch:2.15.0"
    assert search.get("metadata", "labels", "team") == "discovery"  # the kustomization's own transformers
    assert [c.path for c in result.configurations] == ["deploy"]  # the chart is not rendered alone
    files = inputs(result)
    assert files["deploy/charts/search/Chart.yaml"].reason == "rendered by the kustomization in deploy"
    remote = files["https://charts.jetstack.io (helm chart cert-manager v1.15.0)"]
    assert (remote.status, remote.reason) == (
        "skipped",
        "remote resource listed in deploy/kustomization.yaml:10; not fetched",
    )


def test_the_scan_says_once_which_renderer_it_used_or_how_to_get_one(monkeypatch):
    from exitplan.kubernetes.chart_configs import helm_note

    monkeypatch.setenv("EXITPLAN_HELM_RENDERER", "none")
    assert helm_note(scan(FIXTURES / "apps").inputs) == (
        "1 Helm chart(s) not rendered: no Helm renderer (pip install 'exitplan[helm]' or put a helm binary on the PATH)"
    )
    if HAS_SDK:
        monkeypatch.setenv("EXITPLAN_HELM_RENDERER", "sdk")
        assert helm_note(scan(FIXTURES / "apps").inputs) == "Helm charts rendered with helm-python-sdk 0.2.2"


def test_a_v1_chart_renders_without_the_dependency_its_requirements_file_lists(renderer):
    result = scan(FIXTURES / "legacy")
    assert ".#ConfigMap/default/legacy-settings" in by_id(result)
    reason = inputs(result)["Chart.yaml"].reason
    assert "dependency nginx-ingress 0.4.2 from https://helm.nginx.com/stable is not vendored" in reason


def test_helm_test_hooks_are_left_out_and_said_so(renderer):
    result = scan(FIXTURES / "apps")
    assert not [r.id for r in result.resources if r.type == "Pod"]
    reason = inputs(result)["catalog/chart/templates/tests/test-connection.yaml"].reason
    assert reason == (
        "rendered: 1 Helm test hook with default values, left out (not deployed), "
        "1 Helm test hook with values-production.yaml over the defaults, left out (not deployed)"
    )
