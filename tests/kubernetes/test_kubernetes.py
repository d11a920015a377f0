"""The Kubernetes loader on fixtures shaped like real repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exitplan.discover import SourceFile, discover
from exitplan.kubernetes.loader import load
from exitplan.model import REDACTED, Configuration, InputFile

FIXTURES = Path(__file__).parent.parent / "fixtures" / "kubernetes"


def load_fixture(name: str):
    discovery = discover([str(FIXTURES / name)])
    return load(discovery, discovery.of_format("yaml", "json"))


def by_id(result):
    return {r.id: r for r in result.resources}


def test_microservices_bundle_gives_80_objects_in_one_configuration():
    result = load_fixture("microservices")
    assert len(result.resources) == 80
    assert result.configurations == (Configuration(".", "kubernetes", "manifests"),)
    assert result.inputs == (InputFile("kubernetes-manifests.yaml", "kubernetes", "parsed"),)
    resources = by_id(result)
    redis = resources[".#Deployment/default/redis-cart"]
    assert redis.line == 519
    assert redis.get("spec", "template", "spec", "volumes", 0, "emptyDir") == {}
    assert redis.line_of(("spec", "template", "spec", "containers", 0, "image")) == 536
    assert resources[".#Service/default/frontend"].namespace == "default"
    assert {r.type for r in result.resources} == {"Deployment", "Service"}


def test_eks_app_resources_lines_and_namespaces():
    result = load_fixture("eks")
    assert set(by_id(result)) == {
        ".#ServiceAccount/media/uploader",
        ".#Ingress/media/media",
        ".#Secret/media/media-api-keys",
        ".#StatefulSet/media/media-db",
        ".#ExternalSecret/media/media-db-credentials",
        ".#StorageClass/gp3",
        ".#StorageClass/efs",
        ".#PersistentVolumeClaim/media/media-shared",
    }
    resources = by_id(result)
    account = resources[".#ServiceAccount/media/uploader"]
    assert account.lines[("metadata", "annotations", "eks.amazonaws.com/role-arn")] == 7
    assert account.get("metadata", "annotations", "eks.amazonaws.com/role-arn") == (
        "arn:aws:iam::123456789012:role/media-uploader"
    )
    gp3 = resources[".#StorageClass/gp3"]
    assert (gp3.namespace, gp3.address, gp3.line) == (None, "StorageClass/gp3", 1)
    database = resources[".#StatefulSet/media/media-db"]
    assert database.line == 45
    assert database.lines[("spec", "volumeClaimTemplates", 0, "spec", "storageClassName")] == 73
    external = resources[".#ExternalSecret/media/media-db-credentials"]
    assert external.file == "external-secret.json"
    assert external.lines[("spec", "secretStoreRef")] == 6


def test_secret_values_never_reach_attributes():
    result = load_fixture("eks")
    secret = by_id(result)[".#Secret/media/media-api-keys"]
    assert secret.get("stringData") == {"api-key": REDACTED}
    assert secret.get("data") == {"token": REDACTED}
    assert "kubectl.kubernetes.io/last-applied-configuration" not in secret.get("metadata", "annotations")
    database = by_id(result)[".#StatefulSet/media/media-db"]
    env = database.get("spec", "template", "spec", "containers", 0, "env")
    assert env == [
        {"name": "POSTGRES_PASSWORD", "value": REDACTED},
        {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"},
    ]
    text = json.dumps([r.attributes for r in result.resources])
    for literal in (
        "sk_live_media_plaintext_key",
        "c3VwZXItc2VjcmV0LXRva2Vu",
        "AKIA-last-applied-leak",
        "pg-inline-password-123",
    ):
        assert literal not in text


def test_in_tree_volumes_and_cluster_scoped_kinds():
    resources = by_id(load_fixture("classic"))
    assert set(resources) == {
        ".#Pod/default/mongodb-aws",
        ".#PersistentVolume/mysql-gce",
        ".#Pod/legacy/sql-azure",
        ".#PersistentVolume/pg-cinder",
    }
    assert resources[".#Pod/default/mongodb-aws"].get(
        "spec", "volumes", 0, "awsElasticBlockStore", "volumeID"
    ) == ("vol-0a1b2c3d4e5f")
    assert resources[".#PersistentVolume/pg-cinder"].line == 42
    assert resources[".#Pod/legacy/sql-azure"].lines[("spec", "volumes", 0, "azureDisk", "diskName")] == 39


def test_list_items_become_resources_with_their_own_lines():
    result = load_fixture("list")
    resources = by_id(result)
    assert set(resources) == {".#ConfigMap/tools/app-settings", ".#Namespace/tools"}
    settings = resources[".#ConfigMap/tools/app-settings"]
    assert settings.line == 4
    assert settings.lines[("data", "FEATURE_X")] == 10
    assert settings.get("data") == {"FEATURE_X": "on"}
    assert resources[".#Namespace/tools"].line == 11


def test_crds_and_custom_resources_are_generic_resources():
    resources = by_id(load_fixture("crds"))
    assert set(resources) == {
        ".#CustomResourceDefinition/buckets.storage.example.com",
        ".#Bucket/billing/invoices",
        ".#ClusterIssuer/letsencrypt",
    }
    bucket = resources[".#Bucket/billing/invoices"]
    assert bucket.get("spec", "provider") == "s3"
    assert bucket.lines[("spec", "region")] == 8


def test_helm_chart_templates_are_skipped_with_the_render_command(monkeypatch):
    monkeypatch.setenv("EXITPLAN_HELM_RENDERER", "none")
    result = load_fixture("helm")
    command = "Helm template: render with `helm template <release> charts/shop | exitplan scan -`"
    hint = "not rendered: no Helm renderer (pip install 'exitplan[helm]' or put a helm binary on the PATH)"
    assert result.inputs == (
        InputFile("charts/shop/Chart.yaml", "helm-chart", "parsed", hint),
        InputFile("charts/shop/templates/deployment.yaml", "helm-template", "skipped", command),
        InputFile("charts/shop/templates/ingress.yaml", "helm-template", "skipped", command),
        InputFile("charts/shop/values.yaml", "helm-values", "parsed"),
    )
    assert result.configurations == (Configuration("charts/shop", "kubernetes", "helm-chart"),)
    (chart,) = result.resources
    assert (chart.id, chart.type, chart.file, chart.line) == (
        "charts/shop#HelmChart/shop",
        "HelmChart",
        "charts/shop/Chart.yaml",
        1,
    )
    assert (
        chart.get("values", "image", "repository")
        == "123456789012.dkr.ecr.eu-central-1.amazonaws.com/shop/web"
    )
    assert chart.get("values", "ingress", "className") == "alb"
    assert chart.get("values", "database", "password") == REDACTED
    assert chart.location_of(("values", "ingress", "className")).line == 7
    assert chart.location_of(("values", "ingress", "className")).file == "charts/shop/values.yaml"
    assert "s3cr3t-values-password" not in json.dumps(chart.attributes)


def test_stdin_is_its_own_configuration(tmp_path):
    text = (FIXTURES / "list" / "list.yaml").read_text()
    discovery = discover(["-"], stdin_text=text)
    result = load(discovery, [SourceFile(Path("-"), "-", "yaml", text)])
    assert result.configurations == (Configuration("-", "kubernetes", "stdin"),)
    assert {r.id for r in result.resources} == {"-#ConfigMap/tools/app-settings", "-#Namespace/tools"}
    assert result.inputs == (InputFile("-", "kubernetes", "parsed"),)


def test_plain_manifest_folders_form_one_configuration_below_a_kustomization(tmp_path):
    (tmp_path / "apps" / "web").mkdir(parents=True)
    (tmp_path / "apps" / "kustomization.yaml").write_text("resources:\n  - web/deploy.yaml\n")
    (tmp_path / "apps" / "web" / "deploy.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n"
    )
    (tmp_path / "apps" / "stray.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n"
    )
    (tmp_path / "tools" / "a" / "b").mkdir(parents=True)
    (tmp_path / "tools" / "a" / "b" / "job.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n  namespace: ops\n"
    )
    discovery = discover([str(tmp_path)])
    result = load(discovery, discovery.of_format("yaml", "json"))
    assert set(result.configurations) == {
        Configuration("apps", "kubernetes", "kustomization"),
        Configuration(".", "kubernetes", "manifests"),
    }
    assert {r.id for r in result.resources} == {"apps#ConfigMap/default/web", ".#ConfigMap/ops/deep"}
    stray = next(i for i in result.inputs if i.path == "apps/stray.yaml")
    assert (stray.status, stray.reason) == ("skipped", "not listed in the kustomization in apps")


def test_same_object_in_two_files_is_never_dropped(tmp_path):
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n"
    (tmp_path / "a.yaml").write_text(manifest)
    (tmp_path / "b.yaml").write_text("# copy\n" + manifest)
    discovery = discover([str(tmp_path)])
    result = load(discovery, discovery.of_format("yaml"))
    assert [(r.id, r.file, r.line) for r in result.resources] == [
        ("a.yaml#ConfigMap/default/same", "a.yaml", 1),
        ("b.yaml#ConfigMap/default/same", "b.yaml", 2),
    ]
    assert result.inputs[1] == InputFile(
        "b.yaml",
        "kubernetes",
        "parsed",
        "read as configuration b.yaml: ConfigMap/default/same is also defined in a.yaml",
    )


def test_same_object_twice_in_one_file_keeps_the_first_and_says_so(tmp_path):
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n"
    (tmp_path / "a.yaml").write_text(manifest + "---\n" + manifest)
    discovery = discover([str(tmp_path)])
    result = load(discovery, discovery.of_format("yaml"))
    (resource,) = result.resources
    assert (resource.file, resource.line) == ("a.yaml", 1)
    assert (
        result.inputs[0].reason
        == "duplicate object ConfigMap/default/same (first at a.yaml:1); kept the first"
    )


BAD = {
    ".github/workflows/ci.yml": (
        "yaml",
        "skipped",
        "not a Kubernetes manifest (GitHub Actions workflow)",
        None,
    ),
    "alias-bomb.yaml": (
        "yaml",
        "error",
        "more than 100000 nodes once aliases are expanded (an alias bomb?)",
        6,
    ),
    "binary.yaml": ("yaml", "error", "binary file (contains NUL bytes)", None),
    "broken-midfile.yaml": (
        "kubernetes",
        "error",
        "invalid YAML: did not find expected ',' or ']'",
        13,
    ),
    "dashboard.json": (  # a duplicate key: json alone would read it, the YAML loader does not
        "json",
        "skipped",
        "not a Kubernetes manifest (not JSON kubectl reads, and no apiVersion with kind)",
        None,
    ),
    "deep.yaml": ("yaml", "error", "nesting deeper than 200 levels", 6),
    "docker-compose.yml": ("yaml", "skipped", "not a Kubernetes manifest (docker-compose file)", None),
    "duplicate-keys.yaml": ("yaml", "error", "duplicate key 'type'", 7),
    "empty.yaml": ("yaml", "skipped", "empty file", None),
    "latin1.yaml": ("yaml", "error", "not valid UTF-8 (byte 0xe9)", 4),
    "package.json": ("json", "skipped", "not a Kubernetes manifest (npm package manifest)", None),
    "skaffold.yaml": ("yaml", "skipped", "not a Kubernetes manifest (skaffold configuration)", None),
    "tabs.yaml": ("yaml", "error", "invalid YAML: tab character used for indentation", 4),
    "unsafe-tag.yaml": (
        "yaml",
        "error",
        "unsafe YAML tag !!python/object/apply:os.system; nothing is constructed from tags",
        6,
    ),
}


@pytest.fixture(scope="module")
def bad_result():
    return load_fixture("bad")


@pytest.mark.parametrize("path", sorted(BAD))
def test_bad_input_is_reported_with_reason_and_line(bad_result, path):
    record = next(i for i in bad_result.inputs if i.path == path)
    assert (record.format, record.status, record.reason, record.line) == BAD[path]


def test_go_template_outside_a_chart_is_skipped(bad_result):
    record = next(i for i in bad_result.inputs if i.path == "go-template.yaml")
    assert (record.format, record.status) == ("helm-template", "skipped")
    assert record.reason.startswith("Go template")


def test_broken_document_keeps_the_documents_around_it(bad_result):
    assert {r.id for r in bad_result.resources} == {".#ConfigMap/default/first", ".#ConfigMap/default/third"}
    assert len(bad_result.inputs) == len(BAD) + 1


def test_unsafe_tag_constructs_nothing(bad_result, tmp_path):
    assert not Path("/tmp/exitplan-pwned").exists()
