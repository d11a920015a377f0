"""Kustomize rendering: base, overlays, components, patches and generators."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exitplan.discover import discover
from exitplan.kubernetes.loader import load
from exitplan.model import REDACTED, Configuration, InputFile, Location

FIXTURES = Path(__file__).parent.parent / "fixtures" / "kubernetes"
CONTAINERS = ("spec", "template", "spec", "containers")


@pytest.fixture(scope="module")
def result():
    discovery = discover([str(FIXTURES / "kustomize")])
    return load(discovery, discovery.of_format("yaml", "json"))


@pytest.fixture(scope="module")
def resources(result):
    return {r.id: r for r in result.resources}


def test_each_kustomization_is_its_own_configuration(result):
    assert result.configurations == (
        Configuration("base", "kubernetes", "kustomization"),
        Configuration("overlays/prod", "kubernetes", "kustomization"),
        Configuration("overlays/staging", "kubernetes", "kustomization"),
    )


def test_a_base_names_the_kustomizations_that_build_on_it(result):
    included_by = {c.path: c.included_by for c in result.configurations}
    assert included_by == {
        "base": ("overlays/prod", "overlays/staging"),
        "overlays/prod": (),
        "overlays/staging": (),
    }


def test_a_base_reached_through_another_overlay_names_both(tmp_path):
    deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec: {replicas: 1}\n"
    files = {
        "base/kustomization.yaml": "resources: [api.yaml]\n",
        "base/api.yaml": deployment,
        "regional/kustomization.yaml": "resources: [../base]\nnamePrefix: eu-\n",
        "prod/kustomization.yaml": "resources: [../regional]\n",
        "lab/kustomization.yaml": "resources: [../missing]\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    discovery = discover([str(tmp_path)])
    loaded = load(discovery, discovery.of_format("yaml", "json"))
    included_by = {c.path: c.included_by for c in loaded.configurations}
    assert included_by == {"base": ("prod", "regional"), "lab": (), "prod": (), "regional": ("prod",)}


def test_resources_are_emitted_once_per_rendering_kustomization(resources):
    assert set(resources) == {
        "base#Deployment/default/orders",
        "base#Service/default/orders",
        "base#ServiceAccount/default/orders",
        "base#ConfigMap/default/orders-config",
        "base#Secret/default/orders-db",
        "overlays/prod#Deployment/shop-prod/prod-orders",
        "overlays/prod#Service/shop-prod/prod-orders",
        "overlays/prod#ServiceAccount/shop-prod/prod-orders",
        "overlays/prod#ConfigMap/shop-prod/prod-orders-config",
        "overlays/prod#Secret/shop-prod/prod-orders-db",
        "overlays/staging#Deployment/shop-staging/orders",
        "overlays/staging#Service/shop-staging/orders",
        "overlays/staging#ServiceAccount/shop-staging/orders",
        "overlays/staging#ConfigMap/shop-staging/orders-config",
        "overlays/staging#Secret/shop-staging/orders-db",
    }


def test_component_patch_adds_a_managed_database_host_with_its_origin(resources):
    deployment = resources["overlays/prod#Deployment/shop-prod/prod-orders"]
    env = deployment.get(*CONTAINERS, 0, "env")
    assert env[1] == {"name": "DB_HOST", "value": "orders.abc123.eu-west-1.rds.amazonaws.com"}
    assert deployment.location_of((*CONTAINERS, 0, "env", 1, "value")) == Location(
        "components/cloudsql/managed-db.yaml", 12
    )
    # values the patch did not change keep the base's position
    assert deployment.location_of((*CONTAINERS, 0, "name")) == Location("base/deployment.yaml", 17)
    assert (deployment.file, deployment.line) == ("base/deployment.yaml", 1)


def test_json6902_patch_appends_the_proxy_sidecar_with_inline_lines(resources):
    deployment = resources["overlays/prod#Deployment/shop-prod/prod-orders"]
    sidecar = deployment.get(*CONTAINERS, 1)
    assert sidecar["image"] == "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.8.0"
    assert deployment.location_of((*CONTAINERS, 1, "image")) == Location(
        "components/cloudsql/kustomization.yaml", 13
    )
    assert deployment.location_of((*CONTAINERS, 1, "args", 1)) == Location(
        "components/cloudsql/kustomization.yaml", 16
    )


def test_workload_identity_annotation_from_an_inline_patch(resources):
    account = resources["overlays/prod#ServiceAccount/shop-prod/prod-orders"]
    path = ("metadata", "annotations", "iam.gke.io/gcp-service-account")
    assert account.get(*path) == "orders@acme-prod.iam.gserviceaccount.com"
    assert account.location_of(path) == Location("components/workload-identity/kustomization.yaml", 10)
    assert "annotations" not in resources["overlays/staging#ServiceAccount/shop-staging/orders"].get(
        "metadata"
    )


def test_overlay_transformers_namespace_prefix_images_replicas(resources):
    deployment = resources["overlays/prod#Deployment/shop-prod/prod-orders"]
    assert deployment.get(*CONTAINERS, 0, "image") == "ghcr.io/acme/orders:1.5.2"
    assert deployment.location_of((*CONTAINERS, 0, "image")) == Location(
        "overlays/prod/kustomization.yaml", 12
    )
    assert deployment.get("spec", "replicas") == 3
    assert deployment.location_of(("spec", "replicas")) == Location("overlays/prod/replicas.yaml", 6)
    assert deployment.location_of(("metadata", "namespace")) == Location(
        "overlays/prod/kustomization.yaml", 3
    )
    spec = deployment.get("spec", "template", "spec")
    assert spec["serviceAccountName"] == "prod-orders"
    assert spec["containers"][0]["envFrom"] == [{"configMapRef": {"name": "prod-orders-config"}}]
    assert spec["containers"][0]["env"][0]["valueFrom"]["secretKeyRef"]["name"] == "prod-orders-db"
    assert (
        resources["base#Deployment/default/orders"].get(*CONTAINERS, 0, "image")
        == "ghcr.io/acme/orders:1.4.0"
    )


def test_common_labels_reach_selectors_and_templates(resources):
    service = resources["overlays/prod#Service/shop-prod/prod-orders"]
    assert service.get("spec", "selector") == {"app": "orders", "app.kubernetes.io/part-of": "orders"}
    deployment = resources["base#Deployment/default/orders"]
    assert deployment.get("spec", "selector", "matchLabels", "app.kubernetes.io/part-of") == "orders"
    assert deployment.get("spec", "template", "metadata", "labels", "app.kubernetes.io/part-of") == "orders"


def test_staging_inline_strategic_merge_patch(resources):
    deployment = resources["overlays/staging#Deployment/shop-staging/orders"]
    assert deployment.get(*CONTAINERS, 0, "env", 1, "value") == "orders-staging.postgres.svc.cluster.local"
    assert deployment.location_of((*CONTAINERS, 0, "env", 1, "value")) == Location(
        "overlays/staging/kustomization.yaml", 19
    )
    assert len(deployment.get(*CONTAINERS)) == 1


def test_generators_make_configmaps_and_redacted_secrets(resources):
    config = resources["base#ConfigMap/default/orders-config"]
    assert config.get("data") == {"LOG_LEVEL": "info"}
    assert (config.file, config.line) == ("base/kustomization.yaml", 10)
    secret = resources["overlays/prod#Secret/shop-prod/prod-orders-db"]
    assert secret.get("data") == {"DB_PASSWORD": REDACTED}
    everything = json.dumps([r.attributes for r in resources.values()])
    assert "hunter2-base-literal" not in everything


def test_inputs_name_each_files_role(result):
    roles = {i.path: (i.format, i.status) for i in result.inputs}
    assert roles["components/cloudsql/managed-db.yaml"] == ("kustomize-patch", "parsed")
    assert roles["overlays/prod/replicas.yaml"] == ("kustomize-patch", "parsed")
    assert roles["base/deployment.yaml"] == ("kubernetes", "parsed")
    assert roles["components/cloudsql/kustomization.yaml"] == ("kustomization", "parsed")
    assert (
        InputFile(
            "https://github.com/acme/platform//monitoring?ref=v1.2.0",
            "kustomization",
            "skipped",
            "remote resource listed in overlays/prod/kustomization.yaml:7; not fetched",
        )
        in result.inputs
    )
    assert all(i.reason is None for i in result.inputs if i.status == "parsed")


def test_json6902_remove_and_replace_keep_lines_in_step(tmp_path):
    (tmp_path / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: a\n          image: a:1\n"
        "        - name: b\n          image: b:1\n"
    )
    (tmp_path / "kustomization.yaml").write_text(
        "resources:\n  - deploy.yaml\npatchesJson6902:\n"
        "  - target:\n      kind: Deployment\n      name: web\n"
        "    patch: |-\n      - op: remove\n        path: /spec/template/spec/containers/0\n"
        "      - op: replace\n        path: /spec/template/spec/containers/0/image\n        value: b:2\n"
        "      - op: add\n        path: /metadata/labels\n        value: {tier: web}\n"
    )
    discovery = discover([str(tmp_path)])
    result = load(discovery, discovery.of_format("yaml"))
    (deployment,) = result.resources
    assert deployment.get(*CONTAINERS) == [{"name": "b", "image": "b:2"}]
    assert deployment.location_of((*CONTAINERS, 0, "name")) == Location("deploy.yaml", 11)
    assert deployment.location_of((*CONTAINERS, 0, "image")) == Location("kustomization.yaml", 12)
    assert deployment.get("metadata", "labels") == {"tier": "web"}
    assert deployment.location_of(("metadata", "labels", "tier")) == Location("kustomization.yaml", 15)


def test_bad_patch_path_is_noted_not_fatal(tmp_path):
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [cm.yaml, ../outside.yaml]\npatches:\n  - target: {kind: ConfigMap}\n"
        "    patch: '[{op: replace, path: /data/x, value: 1}]'\n"
    )
    discovery = discover([str(tmp_path)])
    result = load(discovery, discovery.of_format("yaml"))
    assert [r.id for r in result.resources] == [".#ConfigMap/default/c"]
    record = next(i for i in result.inputs if i.path == "kustomization.yaml")
    assert record.status == "parsed"
    assert record.reason == (
        "line 1: ../outside.yaml leads outside the repository; not read (name its folder with --allow-outside"
        " to read it); line 4: path '/data/x' does not exist"
    )
