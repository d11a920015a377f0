"""A Flux Kustomization builds its path with its components and its post-build variables: a shared
component's ``${APP}`` database becomes each app's own, and the app that reads its Secret depends on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exitplan.api import scan
from exitplan.kubernetes.flux_build import FluxBuild, flux_builds, substitute
from exitplan.kubernetes.manifests import Manifest
from exitplan.model import Location

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "flux-components"


@pytest.fixture(scope="module")
def report():
    return scan([str(FIXTURE)])


def test_each_app_gets_its_own_copy_of_the_component(report):
    clusters = {r.id: r for r in report.resources if r.type == "Cluster"}
    assert sorted(clusters) == ["apps/books#Cluster/default/books", "apps/wiki#Cluster/wiki/wiki"]
    books = clusters["apps/books#Cluster/default/books"]
    assert (books.file, books.line) == ("components/postgres/cluster.yaml", 2)
    assert books.get("spec", "storage", "size") == "20Gi"  # the Kustomization's DB_SIZE
    assert books.get("spec", "bootstrap", "initdb", "database") == "books"
    wiki = clusters["apps/wiki#Cluster/wiki/wiki"]
    assert wiki.get("spec", "storage", "size") == "5Gi"  # ${DB_SIZE:=5Gi}: the default
    # the name was given by the Kustomization: that is where it is written
    assert wiki.location_of(("metadata", "name")) == Location("clusters/main/apps/wiki.yaml", 2)
    assert wiki.location_of(("spec", "storage", "size")) == Location("components/postgres/cluster.yaml", 9)
    assert wiki.namespace == "wiki"  # the Kustomization's targetNamespace
    assert wiki.location_of(("metadata", "namespace")) == Location("clusters/main/apps/wiki.yaml", 2)


def test_the_component_files_are_read_and_the_configuration_says_how(report):
    inputs = {i.path: (i.status, i.reason) for i in report.inputs}
    assert inputs["components/postgres/cluster.yaml"] == ("parsed", None)
    assert inputs["components/postgres/scheduledbackup.yaml"] == ("parsed", None)
    notes = {c.path: c.note for c in report.configurations}
    assert notes["apps/books"] == (
        "built as the Flux Kustomization books (clusters/main/apps/books.yaml:2) builds it: "
        "components ../../components/postgres and variables APP, DB_SIZE"
    )


def test_each_database_is_a_workload_of_its_own_and_its_app_depends_on_it(report):
    workloads = {
        s.workload.name: (s.state, sorted(r.split("#")[1] for r in s.workload.resources))
        for s in report.workloads
    }
    assert workloads["books-postgresql"] == (
        "owns-state",
        ["Cluster/default/books", "ScheduledBackup/default/books-daily"],
    )
    assert workloads["wiki-postgresql"][0] == "owns-state"
    assert workloads["books"][0] == "depends-on-state" and workloads["wiki"][0] == "depends-on-state"
    secrets = {
        (e.source.split("#")[1], e.target.split("#")[1], e.via.split(" (")[0])
        for e in report.edges
        if e.kind == "uses-secret"
    }
    assert secrets == {
        # a chart's values: {{ .Release.Name }}-app is the release's name
        (
            "HelmRelease/default/books",
            "Cluster/default/books",
            "spec.values.controllers.books.containers.app.env.DB_PASSWORD.valueFrom.secretKeyRef.name",
        ),
        (
            "Deployment/wiki/wiki",
            "Cluster/wiki/wiki",
            "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name",
        ),
    }


def test_a_release_naming_the_databases_service_connects_to_it(report):
    edges = [(e.source, e.target, e.via) for e in report.edges if e.kind == "connects-to"]
    assert edges == [
        (
            "apps/books#HelmRelease/default/books",
            "apps/books#Cluster/default/books",
            "spec.values.controllers.books.containers.app.env.DB_HOST (a Service of Cluster books)",
        )
    ]


def test_an_object_that_turns_substitution_off_and_an_unknown_variable_keep_their_text(report):
    templates = report.resource("apps/wiki#ConfigMap/wiki/wiki-templates")
    assert templates.get("data", "header.html") == "<title>${PAGE_TITLE} (${APP})</title>"
    wiki = report.resource("apps/wiki#Deployment/wiki/wiki")
    assert wiki.get("metadata", "annotations", "description").startswith("docs at ${WIKI_URL}, kept")


def _manifest(value) -> Manifest:
    return Manifest(value, "c.yaml", 1, {})


def _build(**substitute) -> FluxBuild:
    return FluxBuild("app", "ks.yaml", 3, "apps/app", (), substitute)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${APP}", "books"),
        ("${APP}-rw.${NS:=db}.svc", "books-rw.db.svc"),
        ("${NS:-db}", "db"),
        ("${MISSING}", "${MISSING}"),
        ("$APP and ${ APP }", "$APP and ${ APP }"),  # not Flux's syntax: left alone
        ("${APP:=other}", "books"),
        ("${CLAIM:=${APP}-config}", "books-config"),  # a default with a variable in it
        ("${CLAIM:=${MISSING}}", "${MISSING}"),
        ("${UNCLOSED:=${APP}", "${UNCLOSED:=books"),
    ],
)
def test_variables(text, expected):
    manifest = _manifest({"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": text, "n": 5}})
    substitute([manifest], _build(APP="books"))
    assert manifest.value["data"] == {"k": expected, "n": 5}


@given(
    st.recursive(
        st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
        max_leaves=12,
    )
)
def test_text_without_variables_is_left_exactly_as_it_is(value):
    value = {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": value}
    manifest = _manifest(value)
    substitute([manifest], _build(APP="books"))
    if "${" not in repr(value):
        assert manifest.value == value and manifest.origins == {}


def test_several_kustomizations_of_one_path_use_the_first(tmp_path):
    from exitplan.discover import SourceFile
    from exitplan.kubernetes.manifests import parse_source

    text = (FIXTURE / "clusters/main/apps/books.yaml").read_text()
    files = {"a/ks.yaml": text, "b/ks.yaml": text.replace("name: &app books", "name: &app books-copy")}
    for rel, content in files.items():
        (tmp_path / rel).parent.mkdir(parents=True)
        (tmp_path / rel).write_text(content)
    parsed = {rel: parse_source(SourceFile(tmp_path / rel, rel, "kubernetes"), False) for rel in files}
    builds = flux_builds(files, parsed.get)
    assert list(builds) == ["apps/books"]
    assert builds["apps/books"].name == "books" and builds["apps/books"].also == ("b/ks.yaml:2",)
    assert builds["apps/books"].note.endswith("; also built by b/ks.yaml:2, not applied")


def test_depends_on_orders_the_waves_but_does_not_group(report, tmp_path):
    import json

    from click.testing import CliRunner

    from exitplan.cli import main

    edges = [(e.source, e.target, e.via) for e in report.edges if e.kind == "depends-on"]
    assert edges == [
        (
            "clusters/main#Kustomization/flux-system/books",
            "clusters/main#Kustomization/flux-system/cloudnative-pg",
            "spec.dependsOn[0]",
        )
    ]
    members = {s.workload.name: set(s.workload.resources) for s in report.workloads}
    assert "clusters/main#Kustomization/flux-system/books" in members["books"]
    assert "clusters/main#Kustomization/flux-system/books" not in members["cloudnative-pg"]
    result = CliRunner().invoke(
        main, ["plan", str(FIXTURE), "--target", "hetzner", "--out", str(tmp_path), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "exitplan.json").read_text())["plan"]
    wave = {rid: w["index"] for w in plan["waves"] for rid in w["resources"]}
    operator = "infrastructure/cloudnative-pg#HelmRelease/cnpg-system/cloudnative-pg"
    assert wave[operator] <= wave["clusters/main#Kustomization/flux-system/cloudnative-pg"]
    assert (
        wave["clusters/main#Kustomization/flux-system/cloudnative-pg"]
        <= wave["clusters/main#Kustomization/flux-system/books"]
    )


def test_a_kustomization_inside_the_component_is_a_part_of_it(report):
    assert not [r.id for r in report.resources if "${" in r.id]
    monitors = sorted(r.id for r in report.resources if r.type == "PodMonitor")
    assert monitors == [
        "apps/books#PodMonitor/default/books-postgres",
        "apps/wiki#PodMonitor/wiki/wiki-postgres",
    ]
    assert "components/postgres/monitoring" not in {c.path for c in report.configurations}


def test_what_a_component_adds_and_nobody_uses_goes_with_the_apps_component(tmp_path):
    (tmp_path / "apps/web").mkdir(parents=True)
    (tmp_path / "components/backup").mkdir(parents=True)
    (tmp_path / "flux").mkdir()
    (tmp_path / "flux/web.yaml").write_text(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: web\n"
        "spec:\n  path: ./apps/web\n  components: [../../components/backup]\n"
        "  postBuild:\n    substitute:\n      APP: web\n"
    )
    (tmp_path / "apps/web/kustomization.yaml").write_text("resources: [deployment.yaml]\n")
    (tmp_path / "apps/web/deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n"
        "    spec:\n      containers:\n        - name: web\n          image: ghcr.io/example/web:1.0\n"
    )
    (tmp_path / "components/backup/kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [schedule.yaml]\n"
    )
    (tmp_path / "components/backup/schedule.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${APP}-backup-schedule\ndata:\n  cron: '0 3 * * *'\n"
    )
    members = {
        s.workload.name: sorted(r.split("#")[1] for r in s.workload.resources)
        for s in scan([str(tmp_path)]).workloads
    }
    assert members["web"] == [
        "ConfigMap/default/web-backup-schedule",  # from the component, used by nobody
        "Deployment/default/web",
        "Kustomization/default/web",  # the deployer, through deploys
    ]
