"""One application component across its variants: what a user sees in the workload list (SPEC §5)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from exitplan import api
from exitplan.cli import main
from exitplan.graph.variants import Variant
from exitplan.graph.workloads import Workload
from exitplan.knowledge.data_stores import load_data_stores
from exitplan.model import Finding
from exitplan.scoring import score_workloads
from tests.factories import k8s, pod_spec

FIXTURES = Path(__file__).parent.parent / "fixtures" / "kubernetes"
STORE = FIXTURES / "store-overlays"
OVERLAYS = ["kustomize/base", *(f"kustomize/overlays/{e}" for e in ("development", "production", "staging"))]


def workloads(path) -> dict[str, api.WorkloadScore]:
    return {s.workload.id: s for s in api.scan([str(path)]).workloads}


def test_four_services_in_a_base_and_three_overlays_are_four_workloads_of_four_variants():
    found = workloads(STORE)
    assert sorted(found) == ["makeline-db", "order-service", "product-service", "store-front"]
    for score in found.values():
        assert [v.variant.configuration for v in score.variants] == OVERLAYS
    # The development overlay's namePrefix does not reach the name; ids stay distinct per configuration.
    front = found["store-front"].workload
    assert {v.anchor for v in front.variants} == {
        "kustomize/base#Deployment/default/store-front",
        "kustomize/overlays/development#Deployment/store-dev/dev-store-front",
        "kustomize/overlays/production#Deployment/store/store-front",
        "kustomize/overlays/staging#Deployment/store-staging/store-front",
    }
    assert [v.namespace for v in front.variants] == ["default", "store-dev", "store", "store-staging"]


def test_the_lowest_variant_gives_the_score_and_findings_name_their_variant():
    front = workloads(STORE)["store-front"]
    assert [(v.variant.configuration, v.score) for v in front.variants] == list(
        zip(OVERLAYS, [100, 100, 90, 100], strict=True)
    )
    assert front.score == 90
    assert [(f.rule, f.resource) for f in front.active] == [
        ("EP401", "kustomize/overlays/production#Service/store/store-front")
    ]


def test_json_variants_say_what_differs():
    result = CliRunner().invoke(main, ["scan", str(STORE), "--format", "json", "--no-cache"])
    report = json.loads(result.stdout)
    by_id = {w["id"]: w for w in report["workloads"]}
    production = by_id["order-service"]["variants"][2]
    assert production["configuration"] == "kustomize/overlays/production"
    assert production["differs"] == {
        "replicas": 3,
        "patches": ["kustomize/overlays/production/replicas.yaml"],
    }
    front = {v["configuration"]: v for v in by_id["store-front"]["variants"]}
    assert front["kustomize/overlays/development"]["differs"] == {
        "images": ["ghcr.io/example-store/store-front:latest"]
    }
    assert front["kustomize/overlays/production"]["differs"]["rules"] == ["EP401"]
    assert front["kustomize/overlays/production"]["score_if_enabled"] == 90
    assert [f["variant"] for f in by_id["store-front"]["findings"]] == ["kustomize/overlays/production"]
    assert by_id["makeline-db"]["state"] == "owns-state"


def test_runbook_lists_the_variants_and_where_each_finding_holds(tmp_path):
    out = tmp_path / "plan"
    result = CliRunner().invoke(main, ["plan", str(STORE), "--target", "openstack", "--out", str(out)])
    assert result.exit_code == 0, result.output
    runbook = (out / "workloads" / "store-front.md").read_text()
    assert (
        "This component is deployed in 3 variants, development, production and staging, built on the"
        " kustomize base `kustomize/base` (its row: what they share)." in runbook
    )
    assert "| production | `kustomize/overlays/production` | store | 90 (A) | stateless |" in runbook
    (row,) = [line for line in runbook.splitlines() if line.startswith("| EP401")]
    assert "| `Service/store/store-front` | production |" in row
    db = (out / "workloads" / "makeline-db.md").read_text()
    assert "| EP203" in db and "| all |" in db
    plan = (out / "EXIT-PLAN.md").read_text()
    assert "| store-front | development, production, staging (on base) | 90 |" in plan


def test_two_unrelated_examples_with_a_web_deployment_stay_two_workloads(tmp_path):
    web = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {{app: web}}\n"
        "spec:\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n"
        "      containers:\n        - name: web\n          image: {}\n"
    )
    for example in ("guestbook", "blog"):
        (tmp_path / "examples" / example).mkdir(parents=True)
        (tmp_path / "examples" / example / "web.yaml").write_text(web.format("nginx:1.27"))
    found = workloads(tmp_path)
    assert sorted(found) == ["web-blog", "web-guestbook"]
    assert [len(s.variants) for s in found.values()] == [1, 1]


def test_same_controller_in_sibling_environment_folders_is_one_workload(tmp_path):
    api_manifest = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders-api\nspec:\n  replicas: {}\n"
        "  template:\n    spec:\n      containers:\n        - name: api\n          image: orders-api:{}\n"
    )
    for env, replicas in (("staging", 1), ("production", 4)):
        (tmp_path / "deploy" / env).mkdir(parents=True)
        (tmp_path / "deploy" / env / "api.yaml").write_text(api_manifest.format(replicas, env))
    found = workloads(tmp_path)
    assert sorted(found) == ["orders-api"]
    assert [(v.variant.configuration, v.variant.replicas) for v in found["orders-api"].variants] == [
        ("deploy/production", 4),
        ("deploy/staging", 1),
    ]


def test_main_folder_and_add_on_copy_of_a_database_are_one_workload():
    found = workloads(FIXTURES / "plain-addons")
    assert sorted(found) == ["accounts-db", "frontend"]
    assert [v.variant.configuration for v in found["accounts-db"].variants] == [
        "kubernetes-manifests",
        "extras/backup/kubernetes-manifests",
    ]


def test_unused_buckets_from_for_each_join_the_platform_of_their_root(tmp_path):
    (tmp_path / "main.tf").write_text(
        """
locals {
  services = ["orders", "users", "billing", "search"]
  purposes = ["logs", "media"]
  buckets  = toset(flatten([for s in local.services : [for p in local.purposes : "${s}-${p}"]]))
}

resource "aws_s3_bucket" "service" {
  for_each = local.buckets
  bucket   = "shop-${each.key}"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
"""
    )
    found = workloads(tmp_path)
    assert sorted(found) == ["platform"]
    buckets = [rid for rid in found["platform"].workload.resources if "aws_s3_bucket" in rid]
    assert len(buckets) == 8


def test_names_are_component_names_of_at_most_40_characters(tmp_path):
    long = "payment-gateway-reconciliation-worker-for-european-markets"
    for env in ("dev", "prod"):
        (tmp_path / "services" / "payments" / "k8s" / "overlays" / env).mkdir(parents=True)
        (tmp_path / "services" / "payments" / "k8s" / "overlays" / env / "worker.yaml").write_text(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {long}\n  labels: {{app: {long}}}\n"
        )
    (name,) = workloads(tmp_path)
    assert name == "payment-gateway-reconciliation-worker"
    assert len(name) <= 40


def test_workload_state_is_its_most_demanding_variant():
    web = k8s("Deployment", "web", configuration="overlays/dev", spec=pod_spec("shop/web:1"))
    cache = k8s(
        "Deployment",
        "web",
        configuration="overlays/prod",
        spec=pod_spec("redis:7", volumes=[{"emptyDir": {}}]),
    )
    variants = (Variant("overlays/dev", web.id, (web.id,)), Variant("overlays/prod", cache.id, (cache.id,)))
    workload = Workload("web", "web", "overlays/dev", "application", web.id, (cache.id, web.id), (), variants)
    finding = Finding("EP401", web.id, "f", 1, "cloud load balancer", 10)
    by_id = {web.id: web, cache.id: cache}
    stores = api.data_stores([workload], by_id, [], load_data_stores())
    (score,) = score_workloads([workload], by_id, [finding], {}, stores)
    assert [(v.score, v.state) for v in score.variants] == [(90, "stateless"), (100, "ephemeral-state")]
    assert (score.score, score.state) == (90, "ephemeral-state")


def test_counted_instances_are_one_workload_and_for_each_keys_name_theirs(tmp_path):
    (tmp_path / "main.tf").write_text(
        """
resource "aws_instance" "k8s_node" {
  count         = 2
  ami           = "ami-123"
  instance_type = "t3.large"
}

resource "aws_lambda_function" "worker" {
  for_each      = toset(["invoices", "receipts"])
  function_name = "worker-${each.key}"
  role          = "arn:aws:iam::123456789012:role/worker"
  runtime       = "python3.12"
  handler       = "main.handler"
  filename      = "worker.zip"
}
"""
    )
    found = workloads(tmp_path)
    assert sorted(n for n in found if n != "platform") == ["invoices-worker", "k8s-node", "receipts-worker"]
    # replicas of one block: one component, anchored on its first instance, holding them all
    node = found["k8s-node"].workload
    assert node.anchor == ".#aws_instance.k8s_node[0]"
    assert node.resources == (".#aws_instance.k8s_node[0]", ".#aws_instance.k8s_node[1]")


def _release(chart: str, name: str = "cert-manager") -> str:
    return (
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
        f"metadata:\n  name: {name}\nspec:\n  chart:\n    spec:\n      chart: {chart}\n"
        "      sourceRef:\n        kind: HelmRepository\n        name: charts\n"
    )


def test_releases_of_one_chart_in_two_clusters_folders_are_one_component(tmp_path):
    # kubernetes/main and kubernetes/staging: one cluster per folder, as GitOps repositories keep them
    for cluster, chart in (("main", "cert-manager"), ("staging", "cert-manager"), ("lab", "cert-manager")):
        folder = tmp_path / "kubernetes" / cluster / "apps" / "cert-manager"
        folder.mkdir(parents=True)
        (folder / "helmrelease.yaml").write_text(_release(chart))
        (folder / "kustomization.yaml").write_text("resources:\n  - helmrelease.yaml\n")
    found = workloads(tmp_path)
    # lab is no environment's name: its release stays apart, and each name says which folder it is in
    assert sorted(found) == ["cert-manager-lab", "cert-manager-main"]
    assert [v.variant.configuration for v in found["cert-manager-main"].variants] == [
        "kubernetes/main/apps/cert-manager",
        "kubernetes/staging/apps/cert-manager",
    ]


def test_releases_of_the_same_name_and_another_chart_stay_apart(tmp_path):
    for cluster, chart in (("main", "cert-manager"), ("staging", "cert-manager-webhook-ovh")):
        folder = tmp_path / "kubernetes" / cluster / "apps" / "cert-manager"
        folder.mkdir(parents=True)
        (folder / "helmrelease.yaml").write_text(_release(chart))
    assert len(workloads(tmp_path)) == 2
