"""Helm charts installed by Flux or Argo CD from outside the repository: each release that names a chart is a
workload, linked to its chart source and its values; the chart itself is never fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
from graph.factories import k8s

from exitplan.api import scan
from exitplan.kubernetes.gitops import RemoteChart, remote_chart

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "gitops"


def _object(kind: str, spec: dict, api: str = "helm.toolkit.fluxcd.io/v2"):
    return k8s(
        {"apiVersion": api, "kind": kind, "metadata": {"name": "app", "namespace": "apps"}, "spec": spec}
    )


@pytest.mark.parametrize(
    ("kind", "spec", "expected"),
    [
        (
            "HelmRelease",
            {
                "chart": {
                    "spec": {
                        "chart": "podinfo",
                        "version": "6.x",
                        "sourceRef": {"kind": "HelmRepository", "name": "podinfo"},
                    }
                }
            },
            RemoteChart(
                "podinfo",
                "HelmRepository/podinfo",
                "6.x",
                ("spec", "chart", "spec", "chart"),
                ("HelmRepository", "podinfo", None),
            ),
        ),
        (
            "HelmRelease",
            {"chartRef": {"kind": "OCIRepository", "name": "cert-manager", "namespace": "flux-system"}},
            RemoteChart(
                "cert-manager",
                "OCIRepository/cert-manager",
                None,
                ("spec", "chartRef"),
                ("OCIRepository", "cert-manager", "flux-system"),
            ),
        ),
        (
            "Application",
            {
                "source": {
                    "repoURL": "https://charts.example.com",
                    "chart": "redis",
                    "targetRevision": "19.6.0",
                }
            },
            RemoteChart(
                "redis",
                "https://charts.example.com",
                "19.6.0",
                ("spec", "source", "chart"),
                values_path=("spec", "source", "helm", "valuesObject"),
                url="https://charts.example.com",
            ),
        ),
        (
            "Application",
            {
                "sources": [
                    {"repoURL": "https://git.example.com/values.git", "ref": "values"},
                    {"repoURL": "oci://r.example.com", "chart": "api"},
                ]
            },
            RemoteChart(
                "api",
                "oci://r.example.com",
                None,
                ("spec", "sources", 1, "chart"),
                values_path=("spec", "sources", 1, "helm", "valuesObject"),
                url="oci://r.example.com",
            ),
        ),
        (
            "ApplicationSet",
            {"template": {"spec": {"source": {"repoURL": "https://charts.example.com", "chart": "web"}}}},
            RemoteChart(
                "web",
                "https://charts.example.com",
                None,
                ("spec", "template", "spec", "source", "chart"),
                values_path=("spec", "template", "spec", "source", "helm", "valuesObject"),
                url="https://charts.example.com",
            ),
        ),
        # a folder of a Git repository, a release without a chart, a chart name that is no text: no chart
        (
            "Application",
            {"source": {"repoURL": "https://git.example.com/apps.git", "path": "guestbook"}},
            None,
        ),
        ("HelmRelease", {"interval": "5m"}, None),
        ("HelmRelease", {"chart": {"spec": {"chart": ["podinfo"]}}}, None),
    ],
)
def test_the_chart_a_release_installs(kind, spec, expected):
    assert remote_chart(_object(kind, spec)) == expected


@pytest.fixture(scope="module")
def report():
    return scan([str(FIXTURE)])


def test_each_release_of_a_chart_is_a_workload_with_its_variants(report):
    workloads = {s.workload.id: s.workload for s in report.workloads}
    releases = {name: w for name, w in workloads.items() if w.role == "application"}
    assert sorted(releases) == ["cert-manager", "podinfo", "redis", "wiki"]
    podinfo = releases["podinfo"]
    assert [v.configuration for v in podinfo.variants] == [
        "apps/production",
        "apps/staging",
        "apps/base/podinfo",
    ]
    # the chart's source and the Secret its values come from go with it; the Argo CD application of a
    # folder installs no chart and anchors nothing
    assert "apps/staging#HelmRepository/podinfo/podinfo" in podinfo.resources
    assert "apps/staging#Secret/podinfo/podinfo-values" in podinfo.resources
    assert releases["cert-manager"].resources == (  # its namespace, written beside it, goes with it
        ".#HelmRelease/cert-manager/cert-manager",
        ".#Namespace/cert-manager",
        ".#OCIRepository/cert-manager/cert-manager",
    )
    assert not any(w.anchor == ".#Application/argocd/guestbook" for w in workloads.values())


def test_a_release_links_to_its_chart_source_and_values(report):
    found = {(e.source, e.target, e.kind) for e in report.edges if e.source.startswith("apps/staging#")}
    assert found == {
        (
            "apps/staging#HelmRelease/podinfo/podinfo",
            "apps/staging#HelmRepository/podinfo/podinfo",
            "uses-chart-source",
        ),
        (
            "apps/staging#HelmRelease/podinfo/podinfo",
            "apps/staging#Secret/podinfo/podinfo-values",
            "uses-secret",
        ),
    }
    paths = {e.via for e in report.edges if e.kind == "uses-chart-source"}
    assert paths == {"spec.chart.spec.sourceRef", "spec.chartRef"}


def test_the_runbook_of_a_release_says_how_to_render_and_move_its_chart(gitops_runbooks):
    runbook = (gitops_runbooks / "redis.md").read_text()
    assert "### 1. Helm chart installed by Flux or Argo CD from outside the repository" in runbook
    assert "helm template" in runbook and "flux get helmreleases" in runbook


def test_a_release_of_a_data_store_chart_owns_state_unless_its_values_switch_persistence_off(report):
    from exitplan.knowledge.data_stores import load_data_stores
    from exitplan.knowledge.release_stores import recognise_release

    states = {s.workload.id: s.state for s in report.workloads}
    assert (states["redis"], states["podinfo"], states["cert-manager"]) == (
        "owns-state",
        "stateless",
        "stateless",
    )
    source = {"repoURL": "https://charts.example.com", "chart": "postgresql"}
    kept = _object("Application", {"source": source})
    store = recognise_release(kept, load_data_stores())
    assert (store.role, store.persistent, store.evidence[0].text) == (
        "postgresql",
        True,
        "the chart postgresql (https://charts.example.com)",
    )
    values = {
        "primary": {"persistence": {"enabled": False}},
        "readReplicas": {"persistence": {"enabled": False}},
    }
    lost = _object("Application", {"source": {**source, "helm": {"valuesObject": values}}})
    assert recognise_release(lost, load_data_stores()).persistent is False
    values["readReplicas"]["persistence"]["enabled"] = True  # one volume that persists: the data persists
    assert recognise_release(lost, load_data_stores()).persistent is True
    assert (
        recognise_release(
            _object("Application", {"source": {**source, "chart": "podinfo"}}), load_data_stores()
        )
        is None
    )


@pytest.mark.parametrize(
    ("chart", "role", "persistent"),
    [
        ("redis", "redis", True),
        ("redis-cluster", "redis", True),
        ("postgresql-ha", "postgresql", True),
        ("bitnamicharts/mongodb-sharded", "mongodb", True),
        ("memcached", "memcached", False),  # keeps its data in memory
        # a client, an exporter, an operator or a stack around a store is no store
        ("redis-commander", None, None),
        ("prometheus-redis-exporter", None, None),
        ("postgres-operator", None, None),
        ("kube-prometheus-stack", None, None),
    ],
)
def test_a_data_store_chart_is_named_as_the_store_alone_or_with_its_topology(chart, role, persistent):
    from exitplan.knowledge.data_stores import load_data_stores
    from exitplan.knowledge.release_stores import recognise_release

    release = _object("Application", {"source": {"repoURL": "https://charts.example.com", "chart": chart}})
    store = recognise_release(release, load_data_stores())
    assert (store.role, store.persistent) == (role, persistent) if role else store is None


def _source(kind: str, name: str, spec: dict):
    return k8s(
        {
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": kind,
            "metadata": {"name": name, "namespace": "apps"},
            "spec": spec,
        }
    )


def test_a_chart_ref_is_the_chart_its_oci_repository_points_at():
    from exitplan.kubernetes.gitops import ChartSources

    release = _object("HelmRelease", {"chartRef": {"kind": "OCIRepository", "name": "app"}})
    repository = _source(
        "OCIRepository", "app", {"url": "oci://ghcr.io/bjw-s-labs/helm/app-template", "ref": {"tag": "4.4.0"}}
    )
    chart = remote_chart(release, ChartSources([release, repository]))
    assert (chart.chart, chart.version, chart.url, chart.source) == (
        "app-template",
        "4.4.0",
        "oci://ghcr.io/bjw-s-labs/helm/app-template",
        "OCIRepository/app",
    )
    assert remote_chart(release, ChartSources([release])).chart == "app"  # the source is not in the scan


@pytest.mark.parametrize(
    ("spec", "url"),
    [
        ({"url": "https://stefanprodan.github.io/podinfo"}, "https://stefanprodan.github.io/podinfo"),
        (
            {"type": "oci", "url": "oci://ghcr.io/stefanprodan/charts"},
            "oci://ghcr.io/stefanprodan/charts/podinfo",
        ),
    ],
)
def test_a_helm_repository_gives_the_url_the_chart_comes_from(spec, url):
    from exitplan.kubernetes.gitops import ChartSources

    chart = {"spec": {"chart": "podinfo", "sourceRef": {"kind": "HelmRepository", "name": "podinfo"}}}
    release = _object("HelmRelease", {"chart": chart})
    found = remote_chart(release, ChartSources([release, _source("HelmRepository", "podinfo", spec)]))
    assert (found.chart, found.url) == ("podinfo", url)


def test_a_data_store_behind_an_oci_repository_is_known_by_its_url():
    from exitplan.knowledge.data_stores import load_data_stores
    from exitplan.knowledge.release_stores import recognise_release
    from exitplan.kubernetes.gitops import ChartSources

    release = _object("HelmRelease", {"chartRef": {"kind": "OCIRepository", "name": "cache"}})
    repository = _source("OCIRepository", "cache", {"url": "oci://registry-1.docker.io/bitnamicharts/redis"})
    assert recognise_release(release, load_data_stores()) is None
    store = recognise_release(release, load_data_stores(), ChartSources([release, repository]))
    assert (store.role, store.persistent) == ("redis", True)


def test_the_runbook_fills_in_the_chart_its_version_and_where_it_comes_from(gitops_runbooks):
    workloads = gitops_runbooks
    wiki = (workloads / "wiki.md").read_text()
    assert "helm template wiki oci://ghcr.io/bjw-s-labs/helm/app-template --version 4.4.0 \\" in wiki
    assert "helm push app-template-4.4.0.tgz oci://<TARGET_REGISTRY>/charts" in wiki
    redis = (workloads / "redis.md").read_text()  # an Argo CD application: installed in its destination
    assert "helm template redis redis --repo https://charts.bitnami.com/bitnami --version 19.6.0 \\" in redis
    assert "--namespace cache --values <VALUES_FILE>" in redis
    manager = (workloads / "cert-manager.md").read_text()  # version 1.x is a range: no file is named so
    assert "helm pull oci://quay.io/jetstack/charts/cert-manager --version <CHART_VERSION>" in manager


def test_a_flux_kustomization_deploys_the_controllers_and_releases_of_its_path(report):
    deploys = [(e.source, e.target, e.via, e.file, e.line) for e in report.edges if e.kind == "deploys"]
    assert deploys == [
        (
            ".#Kustomization/flux-system/wiki",
            "apps/base/wiki#HelmRelease/wiki/wiki",
            "spec.path",
            "clusters/production/wiki.yaml",
            9,
        )
    ]
