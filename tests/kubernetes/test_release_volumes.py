"""A release of a chart from outside the repository holds data when its values ask for persistent volumes:
it owns state, moves with the data, links to the claims it mounts, and its runbook cites the values."""

from __future__ import annotations

from pathlib import Path

import pytest
from graph.factories import k8s

from exitplan.api import scan
from exitplan.classify import classify
from exitplan.kubernetes.release_volumes import ReleaseVolume, release_volumes

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "gitops"
FLUX_CHART = {"chartRef": {"kind": "OCIRepository", "name": "app"}}
ARGO_SOURCE = {"repoURL": "https://charts.example.com", "chart": "grafana"}


def _release(values, name: str = "app", **spec):
    return k8s(
        {
            "apiVersion": "helm.toolkit.fluxcd.io/v2",
            "kind": "HelmRelease",
            "metadata": {"name": name, "namespace": "apps"},
            "spec": {**FLUX_CHART, "values": values, **spec},
        }
    )


def _volumes(values, **spec) -> list[tuple[str, str | None]]:
    return [(v.name, v.claim) for v in release_volumes(_release(values, **spec))]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # one volume the chart makes (Bitnami, Grafana), or mounts
        ({"persistence": {"enabled": True, "size": "8Gi"}}, [("persistence", None)]),
        ({"persistence": {"existingClaim": "grafana-data"}}, [("persistence", "grafana-data")]),
        ({"persistence": {"enabled": False, "existingClaim": "old"}}, []),
        ({"primary": {"persistence": {"enabled": True}}}, [("persistence", None)]),
        # one entry per volume (app-template): only claims hold the release's data
        (
            {
                "persistence": {
                    "config": {"existingClaim": "{{ .Release.Name }}"},
                    "cache": {"existingClaim": "{{- .Release.Name -}}-cache"},
                    "uploads": {"type": "persistentVolumeClaim"},
                    "untyped": {"storageClass": "ceph-block", "size": "1Gi"},
                    "tmp": {"type": "emptyDir"},
                    "media": {"type": "nfs", "server": "nas", "path": "/media"},
                    "config-file": {"type": "configMap", "identifier": "config"},
                    "mounts-only": {"globalMounts": [{"path": "/x"}]},
                    "off": {"enabled": False, "existingClaim": "gone"},
                }
            },
            [("config", "app"), ("cache", "app-cache"), ("uploads", None), ("untyped", None)],
        ),
        # claims per replica (Prometheus, Alertmanager, operators)
        (
            {"prometheus": {"prometheusSpec": {"storageSpec": {"volumeClaimTemplate": {"spec": {}}}}}},
            [("volumeClaimTemplate", None)],
        ),
        ({"volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {}}]}, [("data", None)]),
        ({"persistence": {}, "ui": {"enabled": True}}, []),
        ("not a mapping", []),
    ],
)
def test_the_volumes_a_release_asks_for(values, expected):
    assert _volumes(values) == expected


def test_release_name_in_a_claim_follows_helm_and_flux_naming():
    values = {"persistence": {"data": {"existingClaim": "{{ .Release.Name }}-data"}}}
    assert _volumes(values) == [("data", "app-data")]
    assert _volumes(values, releaseName="wiki") == [("data", "wiki-data")]
    assert _volumes(values, targetNamespace="tools") == [("data", "tools-app-data")]
    argo = k8s(
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": "grafana", "namespace": "argocd"},
            "spec": {
                "source": {
                    **ARGO_SOURCE,
                    "helm": {"releaseName": "dash", "valuesObject": values},
                }
            },
        }
    )
    assert release_volumes(argo) == (
        ReleaseVolume(
            "data",
            "dash-data",
            ("spec", "source", "helm", "valuesObject", "persistence", "data", "existingClaim"),
        ),
    )


def test_only_releases_of_charts_have_volumes_and_deep_values_stay_bounded():
    deployment = k8s({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}, "spec": {}})
    assert release_volumes(deployment) == ()
    deep: dict = {"persistence": {"enabled": True}}
    for _ in range(5_000):
        deep = {"nested": deep}
    assert release_volumes(_release(deep)) == ()  # below the depth any chart's values have


def test_a_release_asking_for_volumes_is_stateful_one_that_does_not_is_not():
    stateful, stateless = classify(
        [_release({"persistence": {"enabled": True}}, "kept"), _release({"replicas": 2}, "plain")], None
    )
    assert (stateful.stateful, stateless.stateful) == (True, False)


@pytest.fixture(scope="module")
def report():
    return scan([str(FIXTURE)])


def test_the_release_owns_state_and_the_claim_it_mounts_joins_it(report):
    wiki = next(s for s in report.workloads if s.workload.id == "wiki")
    assert wiki.state == "owns-state"
    assert wiki.workload.resources == (
        ".#Kustomization/flux-system/wiki",  # the Flux Kustomization deploying its folder (clusters/…)
        "apps/base/wiki#HelmRelease/wiki/wiki",
        "apps/base/wiki#OCIRepository/wiki/wiki",
        "apps/base/wiki#PersistentVolumeClaim/wiki/wiki-data",
    )
    claims = [(e.source, e.target, e.via) for e in report.edges if e.kind == "claims-volume"]
    assert claims == [
        (
            "apps/base/wiki#HelmRelease/wiki/wiki",
            "apps/base/wiki#PersistentVolumeClaim/wiki/wiki-data",
            "spec.values.persistence.data.existingClaim",
        )
    ]
    podinfo = next(s for s in report.workloads if s.workload.id == "podinfo")
    assert podinfo.state == "stateless"  # `redis: {enabled: true}` in its values is no volume


def test_the_runbook_cites_the_values_that_ask_for_volumes(gitops_runbooks):
    runbook = (gitops_runbooks / "wiki.md").read_text()
    assert "**State: owns-state.** The release's values ask the chart for persistent volumes" in runbook
    file = "apps/base/wiki/helmrelease.yaml"
    assert f"| data: the existing claim wiki-data | `{file}:22` |" in runbook
    assert f"| uploads: a claim the chart makes | `{file}:25` |" in runbook
    assert "media" not in runbook.split("## Dependencies")[0]  # an NFS share is not the release's claim


def test_a_release_that_holds_data_moves_in_the_data_phase():
    from exitplan.graph.workloads import load_wave_phases
    from exitplan.plan import phase_of

    phases = load_wave_phases()
    kept, plain = classify([_release({"persistence": {"enabled": True}}), _release({})], None)
    names = [phases[phase_of(r, phases) - 1].name for r in (kept, plain)]
    assert names == ["data", "services"]
