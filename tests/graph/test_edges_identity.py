"""Workload identity bindings in Terraform → the ServiceAccounts and pods that act as the identity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from factories import k8s, tf

from exitplan.api import scan
from exitplan.errors import CatalogError
from exitplan.graph.edges_cross import cross_layer_edges
from exitplan.graph.edges_identity import HOLE, known_texts, load_bindings
from exitplan.markers import catalog_dir
from exitplan.model import Unknown

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "workload-identity"


@pytest.fixture(scope="module")
def report():
    return scan([str(FIXTURE)])


def identity_edges(report):
    return {
        (e.source, e.target, e.confidence, e.file, e.line)
        for e in report.edges
        if e.kind == "assumes-identity"
    }


def test_the_three_bindings_link_their_service_accounts_with_evidence(report):
    assert identity_edges(report) == {
        # Azure: the subject names store:orders exactly
        (
            ".#ServiceAccount/store/orders",
            "infra#azurerm_federated_identity_credential.orders",
            "explicit",
            "infra/azure.tf",
            22,
        ),
        # Azure: "system:serviceaccount:${var.k8s_namespace}:ai-service", the namespace unknown in code
        (
            ".#ServiceAccount/store/ai-service",
            "infra#azurerm_federated_identity_credential.ai_service",
            "inferred",
            "infra/azure.tf",
            13,
        ),
        # GKE: the project comes from a variable default, so the member is known
        (
            ".#ServiceAccount/store/cart",
            "infra#google_service_account_iam_member.cart_workload_identity",
            "explicit",
            "infra/gke.tf",
            9,
        ),
        # EKS Pod Identity: no ServiceAccount object in the repository, so the pod that runs as it
        (
            ".#Deployment/store/billing",
            "infra#aws_eks_pod_identity_association.billing",
            "inferred",
            "infra/eks.tf",
            16,
        ),
    }


def test_via_shows_what_was_known_and_what_not(report):
    via = {e.target: e.via for e in report.edges if e.kind == "assumes-identity"}
    assert via["infra#azurerm_federated_identity_credential.ai_service"] == (
        "azurerm_federated_identity_credential.ai_service.subject = system:serviceaccount:${…}:ai-service "
        "(names this ServiceAccount; namespace or name not known in code)"
    )
    assert via["infra#google_service_account_iam_member.cart_workload_identity"] == (
        "google_service_account_iam_member.cart_workload_identity.member = "
        "serviceAccount:store-prod.svc.id.goog[store/cart] (names this ServiceAccount)"
    )


def test_the_workload_reaches_the_cloud_identity_through_its_account(report):
    members = {s.workload.name: set(s.workload.resources) for s in report.workloads}
    assert {
        "infra#azurerm_federated_identity_credential.orders",
        "infra#azurerm_user_assigned_identity.store",
    } <= (members["orders"])
    assert {"infra#aws_eks_pod_identity_association.billing", "infra#aws_iam_role.billing"} <= members[
        "billing"
    ]


def test_a_namespace_known_in_code_must_match_and_an_unknown_name_links_nothing(report):
    sources = {e.source for e in report.edges if e.kind == "assumes-identity"}
    assert ".#ServiceAccount/staging/orders" not in sources  # the subject says store:orders
    # members = [".svc.id.goog[store/${var.reports_account}]"]: which account is not known at all
    assert "infra#google_service_account_iam_binding.reports" not in {
        e.target for e in report.edges if e.kind == "assumes-identity"
    }


def service_account(name, namespace="shop", configuration="k8s"):
    return k8s(
        {"kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace}},
        configuration=configuration,
    )


def test_a_partly_known_name_matches_as_a_pattern_in_every_configuration():
    binding = tf(
        "azurerm_federated_identity_credential",
        "api",
        {"subject": Unknown('"system:serviceaccount:shop:${local.prefix}-api"')},
    )
    resources = [
        binding,
        service_account("store-api", configuration="overlays/prod"),
        service_account("store-api", configuration="overlays/dev"),
        service_account("store-web", configuration="overlays/prod"),
        service_account("store-api", namespace="other"),
    ]
    found = {(e.source, e.confidence) for e in cross_layer_edges(resources) if e.kind == "assumes-identity"}
    assert found == {
        ("overlays/prod#ServiceAccount/shop/store-api", "inferred"),
        ("overlays/dev#ServiceAccount/shop/store-api", "inferred"),
    }


def test_pod_identity_with_both_fields_known_is_explicit_and_an_account_object_wins_over_its_pods():
    association = tf(
        "aws_eks_pod_identity_association", "api", {"namespace": "shop", "service_account": "api"}
    )
    deployment = k8s(
        {
            "kind": "Deployment",
            "metadata": {"name": "api", "namespace": "shop"},
            "spec": {"template": {"spec": {"serviceAccountName": "api", "containers": []}}},
        }
    )
    found = {
        (e.source, e.confidence)
        for e in cross_layer_edges([association, deployment, service_account("api")])
        if e.kind == "assumes-identity"
    }
    assert found == {("k8s#ServiceAccount/shop/api", "explicit")}


def test_known_texts_turn_interpolations_into_holes():
    assert list(known_texts(Unknown('"a:${var.x}:b"'))) == [f"a:{HOLE}:b"]
    assert list(known_texts(Unknown('["x.svc.id.goog[${format("%s", var.ns)}/api]", var.more]'))) == [
        f"x.svc.id.goog[{HOLE}/api]"
    ]
    assert list(known_texts(Unknown("var.namespace"))) == []
    assert list(known_texts(["a", "b"])) == ["a", "b"]


def test_binding_catalog_errors_name_the_file_and_key(tmp_path):
    shutil.copy(catalog_dir() / "endpoint-patterns.yaml", tmp_path / "endpoint-patterns.yaml")
    path = tmp_path / "endpoint-patterns.yaml"
    text = path.read_text()
    old = "templates: ['system:serviceaccount:{namespace}:{name}']"
    path.write_text(text.replace(old, "templates: ['system:serviceaccount:{name}']", 1))
    with pytest.raises(
        CatalogError, match=r"workload_identity\.azurerm_federated_identity_credential\.templates"
    ):
        load_bindings(tmp_path)


def test_a_manifest_without_a_namespace_matches_any_namespace_inferred():
    # the azd shape: kustomize overlays with no namespace, applied with -n pets; Terraform names pets
    binding = tf(
        "azurerm_federated_identity_credential", "ai", {"subject": "system:serviceaccount:pets:ai-service"}
    )
    unplaced = k8s(
        {"kind": "ServiceAccount", "metadata": {"name": "ai-service"}}, configuration="overlays/azd"
    )
    elsewhere = service_account("ai-service", namespace="shop")
    (found,) = [e for e in cross_layer_edges([binding, unplaced, elsewhere]) if e.kind == "assumes-identity"]
    assert (found.source, found.confidence) == ("overlays/azd#ServiceAccount/ai-service", "inferred")
    assert found.via.endswith("(names this ServiceAccount; the manifest sets no namespace)")
