"""Edges between Kubernetes objects: selectors, routing, references, ownership."""

from __future__ import annotations

import pytest
from factories import by_address, k8s, load_manifests

from exitplan.graph import index as index_module
from exitplan.graph.edges_kubernetes import kubernetes_edges
from exitplan.graph.index import PodIndex


def edge_set(resources):
    addresses = {r.id: r.address for r in resources}
    return {
        (addresses[e.source], addresses[e.target], e.kind, e.confidence) for e in kubernetes_edges(resources)
    }


def deployment(name, labels, namespace="shop", configuration="k8s", **spec):
    return k8s(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": [], **spec}}},
        },
        configuration=configuration,
    )


def service(name, selector, namespace="shop", configuration="k8s"):
    return k8s(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"selector": selector},
        },
        configuration=configuration,
    )


SHOP_EDGES = {
    ("Deployment/shop/api", "ConfigMap/shop/shop-config", "uses-configmap", "explicit"),
    ("Deployment/shop/api", "ExternalSecret/shop/db-credentials", "uses-secret", "explicit"),
    ("Deployment/shop/api", "PriorityClass/shop-high", "uses-priority-class", "explicit"),
    ("Deployment/shop/api", "ServiceAccount/shop/api", "runs-as", "explicit"),
    ("Deployment/shop/web", "PersistentVolumeClaim/shop/web-assets", "claims-volume", "explicit"),
    ("Deployment/shop/web", "ServiceAccount/shop/default", "runs-as", "inferred"),
    ("Deployment/shop/worker", "ConfigMap/shop/shop-config", "uses-configmap", "explicit"),
    ("Deployment/shop/worker", "ExternalSecret/shop/db-credentials", "uses-secret", "explicit"),
    ("Deployment/shop/worker", "ServiceAccount/shop/api", "runs-as", "explicit"),
    ("ExternalSecret/shop/db-credentials", "ClusterSecretStore/aws-secrets", "uses-secret-store", "explicit"),
    ("HorizontalPodAutoscaler/shop/api", "Deployment/shop/api", "scales", "explicit"),
    ("Ingress/shop/shop", "IngressClass/alb", "uses-ingress-class", "explicit"),
    ("Ingress/shop/shop", "Service/shop/api", "routes-to", "explicit"),
    ("Ingress/shop/shop", "Service/shop/web", "routes-to", "explicit"),
    # tier Exists, app DoesNotExist: only the bare debug Pod
    ("NetworkPolicy/shop/backend-ingress", "Pod/shop/debug", "applies-to", "explicit"),
    # podSelector {} selects every pod of the namespace, and none of `default`
    ("NetworkPolicy/shop/default-deny", "Deployment/shop/api", "applies-to", "explicit"),
    ("NetworkPolicy/shop/default-deny", "Deployment/shop/web", "applies-to", "explicit"),
    ("NetworkPolicy/shop/default-deny", "Deployment/shop/worker", "applies-to", "explicit"),
    ("NetworkPolicy/shop/default-deny", "Pod/shop/debug", "applies-to", "explicit"),
    ("NetworkPolicy/shop/default-deny", "StatefulSet/shop/cache", "applies-to", "explicit"),
    ("PersistentVolumeClaim/shop/web-assets", "StorageClass/efs", "uses-storage-class", "explicit"),
    ("Pod/shop/debug", "ServiceAccount/shop/default", "runs-as", "inferred"),
    # tier In [backend], app NotIn [worker]: api, and debug (which has no app label at all)
    ("PodDisruptionBudget/shop/backend", "Deployment/shop/api", "protects", "explicit"),
    ("PodDisruptionBudget/shop/backend", "Pod/shop/debug", "protects", "explicit"),
    ("RoleBinding/shop/api-config-reader", "Role/shop/config-reader", "binds-role", "explicit"),
    ("RoleBinding/shop/api-config-reader", "ServiceAccount/shop/api", "binds-subject", "explicit"),
    ("Service/shop/api", "Deployment/shop/api", "selects", "explicit"),
    ("Service/shop/web", "Deployment/shop/web", "selects", "explicit"),
    ("StatefulSet/shop/cache", "ServiceAccount/shop/default", "runs-as", "inferred"),
    ("StatefulSet/shop/cache", "StorageClass/gp3", "uses-storage-class", "explicit"),
}


def test_shop_edges_are_exactly_the_expected_ones():
    # Ingress backend `legacy` has no Service: no edge. Deployment/default/api is never selected.
    assert edge_set(load_manifests("shop.yaml")) == SHOP_EDGES


def test_edge_names_the_attribute_path_and_its_line():
    resources = load_manifests("shop.yaml")
    objects = by_address(resources)
    edges = {(e.source, e.target, e.kind): e for e in kubernetes_edges(resources)}
    found = edges[
        (objects["Deployment/shop/api"].id, objects["ExternalSecret/shop/db-credentials"].id, "uses-secret")
    ]
    assert found.via == (
        "spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.name "
        "(Secret db-credentials created by ExternalSecret)"
    )
    assert (found.file, found.line) == ("k8s/shop.yaml", 61)
    routes = edges[(objects["Ingress/shop/shop"].id, objects["Service/shop/api"].id, "routes-to")]
    assert routes.via == "spec.rules[0].http.paths[0].backend.service.name"
    assert routes.line == 201


def test_service_selects_only_in_its_own_namespace():
    resources = [
        deployment("api", {"app": "api"}, namespace="shop"),
        deployment("api", {"app": "api"}, namespace="default"),
        service("api", {"app": "api"}, namespace="shop"),
        service("api", {"app": "api"}, namespace="default"),
    ]
    assert edge_set(resources) == {
        ("Service/shop/api", "Deployment/shop/api", "selects", "explicit"),
        ("Service/default/api", "Deployment/default/api", "selects", "explicit"),
    }


def test_objects_without_namespace_share_the_default_one():
    bare = k8s(
        {
            "kind": "Deployment",
            "metadata": {"name": "api"},
            "spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {}}},
        }
    )
    assert edge_set([bare, service("api", {"app": "api"}, namespace="default")]) == {
        ("Service/default/api", "Deployment/api", "selects", "explicit")
    }


def test_service_selector_needs_every_label_and_an_empty_one_selects_nothing():
    resources = [
        deployment("api", {"app": "api", "tier": "backend"}),
        deployment("api-canary", {"app": "api", "track": "canary"}),
        service("api", {"app": "api", "tier": "backend"}),
        service("external", {}),
    ]
    assert edge_set(resources) == {("Service/shop/api", "Deployment/shop/api", "selects", "explicit")}


def test_edges_stay_inside_one_configuration():
    resources = [
        deployment("api", {"app": "api"}, configuration="overlays/prod"),
        service("api", {"app": "api"}, configuration="overlays/staging"),
    ]
    assert edge_set(resources) == set()


@pytest.mark.parametrize(
    ("expressions", "selected"),
    [
        ([{"key": "tier", "operator": "In", "values": ["backend", "data"]}], {"api", "cache"}),
        ([{"key": "tier", "operator": "NotIn", "values": ["backend"]}], {"web", "cache", "plain"}),
        ([{"key": "canary", "operator": "Exists"}], {"web"}),
        ([{"key": "tier", "operator": "DoesNotExist"}], {"plain"}),
        (
            [{"key": "tier", "operator": "Exists"}, {"key": "canary", "operator": "DoesNotExist"}],
            {"api", "cache"},
        ),
        ([{"key": "tier", "operator": "Sometimes"}], set()),
    ],
)
def test_match_expressions(expressions, selected):
    workloads = [
        deployment("api", {"tier": "backend"}),
        deployment("web", {"tier": "frontend", "canary": "true"}),
        deployment("cache", {"tier": "data"}),
        deployment("plain", {"app": "plain"}),
    ]
    budget = k8s(
        {
            "kind": "PodDisruptionBudget",
            "metadata": {"name": "pdb", "namespace": "shop"},
            "spec": {"selector": {"matchExpressions": expressions}},
        }
    )
    found = {
        target.split("/")[-1] for _s, target, kind, _c in edge_set([*workloads, budget]) if kind == "protects"
    }
    assert found == selected


def test_gateway_api_routes():
    resources = [
        service("api", {"app": "api"}),
        k8s({"kind": "GatewayClass", "metadata": {"name": "envoy"}, "spec": {"controllerName": "x/y"}}),
        k8s(
            {
                "kind": "Gateway",
                "metadata": {"name": "public", "namespace": "infra"},
                "spec": {"gatewayClassName": "envoy"},
            }
        ),
        k8s(
            {
                "kind": "HTTPRoute",
                "metadata": {"name": "api", "namespace": "shop"},
                "spec": {
                    "parentRefs": [{"name": "public", "namespace": "infra"}, {"name": "missing"}],
                    "rules": [{"backendRefs": [{"name": "api", "port": 80}, {"name": "gone"}]}],
                },
            }
        ),
        k8s(
            {
                "kind": "GRPCRoute",
                "metadata": {"name": "rpc", "namespace": "shop"},
                "spec": {
                    "parentRefs": [{"name": "public", "namespace": "infra"}],
                    "rules": [{"backendRefs": [{"kind": "Service", "name": "api"}]}],
                },
            }
        ),
    ]
    assert edge_set(resources) == {
        ("Gateway/infra/public", "GatewayClass/envoy", "uses-gateway-class", "explicit"),
        ("HTTPRoute/shop/api", "Gateway/infra/public", "attached-to", "explicit"),
        ("HTTPRoute/shop/api", "Service/shop/api", "routes-to", "explicit"),
        ("GRPCRoute/shop/rpc", "Gateway/infra/public", "attached-to", "explicit"),
        ("GRPCRoute/shop/rpc", "Service/shop/api", "routes-to", "explicit"),
    }


def test_cronjob_volumes_owners_volumes_and_bindings():
    cronjob = k8s(
        {
            "kind": "CronJob",
            "metadata": {"name": "report", "namespace": "shop"},
            "spec": {
                "jobTemplate": {
                    "spec": {
                        "template": {
                            "spec": {
                                "serviceAccountName": "reporter",
                                "imagePullSecrets": [{"name": "registry"}],
                                "volumes": [
                                    {"name": "c", "configMap": {"name": "report-config"}},
                                    {"name": "s", "secret": {"secretName": "report-token"}},
                                ],
                                "containers": [
                                    {"name": "r", "envFrom": [{"secretRef": {"name": "report-token"}}]}
                                ],
                            }
                        }
                    }
                }
            },
        }
    )
    job = k8s(
        {
            "kind": "Job",
            "metadata": {
                "name": "report-1",
                "namespace": "shop",
                "ownerReferences": [{"kind": "CronJob", "name": "report"}],
            },
            "spec": {"template": {"spec": {"containers": []}}},
        }
    )
    resources = [
        cronjob,
        job,
        k8s({"kind": "ConfigMap", "metadata": {"name": "report-config", "namespace": "shop"}}),
        k8s({"kind": "Secret", "metadata": {"name": "report-token", "namespace": "shop"}}),
        k8s({"kind": "Secret", "metadata": {"name": "registry", "namespace": "shop"}}),
        k8s({"kind": "ServiceAccount", "metadata": {"name": "reporter", "namespace": "shop"}}),
        k8s(
            {
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": "data", "namespace": "shop"},
                "spec": {"volumeName": "pv-data", "storageClassName": "cinder"},
            }
        ),
        k8s(
            {
                "kind": "PersistentVolume",
                "metadata": {"name": "pv-data"},
                "spec": {"storageClassName": "cinder"},
            }
        ),
        k8s(
            {
                "kind": "StorageClass",
                "metadata": {"name": "cinder"},
                "provisioner": "cinder.csi.openstack.org",
            }
        ),
        k8s(
            {
                "kind": "VerticalPodAutoscaler",
                "metadata": {"name": "report", "namespace": "shop"},
                "spec": {"targetRef": {"kind": "CronJob", "name": "report"}},
            }
        ),
        k8s({"kind": "ClusterRole", "metadata": {"name": "reader"}}),
        k8s(
            {
                "kind": "ClusterRoleBinding",
                "metadata": {"name": "reader"},
                "roleRef": {"kind": "ClusterRole", "name": "reader"},
                "subjects": [
                    {"kind": "ServiceAccount", "name": "reporter", "namespace": "shop"},
                    {"kind": "ServiceAccount", "name": "reporter", "namespace": "other"},
                    {"kind": "User", "name": "reporter"},
                ],
            }
        ),
    ]
    assert edge_set(resources) == {
        ("CronJob/shop/report", "ConfigMap/shop/report-config", "uses-configmap", "explicit"),
        ("CronJob/shop/report", "Secret/shop/report-token", "uses-secret", "explicit"),
        ("CronJob/shop/report", "Secret/shop/registry", "uses-secret", "explicit"),
        ("CronJob/shop/report", "ServiceAccount/shop/reporter", "runs-as", "explicit"),
        ("Job/shop/report-1", "CronJob/shop/report", "owned-by", "explicit"),
        ("PersistentVolumeClaim/shop/data", "PersistentVolume/pv-data", "binds-volume", "explicit"),
        ("PersistentVolumeClaim/shop/data", "StorageClass/cinder", "uses-storage-class", "explicit"),
        ("PersistentVolume/pv-data", "StorageClass/cinder", "uses-storage-class", "explicit"),
        ("VerticalPodAutoscaler/shop/report", "CronJob/shop/report", "scales", "explicit"),
        ("ClusterRoleBinding/reader", "ClusterRole/reader", "binds-role", "explicit"),
        ("ClusterRoleBinding/reader", "ServiceAccount/shop/reporter", "binds-subject", "explicit"),
    }


def test_secret_created_by_external_secret_and_secret_provider_class_volume():
    resources = [
        k8s(
            {
                "kind": "ExternalSecret",
                "metadata": {"name": "db", "namespace": "shop"},
                "spec": {"secretStoreRef": {"name": "vault"}, "target": {"name": "db-credentials"}},
            }
        ),
        k8s({"kind": "SecretStore", "metadata": {"name": "vault", "namespace": "shop"}}),
        k8s({"kind": "Secret", "metadata": {"name": "db-credentials", "namespace": "shop"}}),
        k8s({"kind": "SecretProviderClass", "metadata": {"name": "aws-db", "namespace": "shop"}}),
        deployment(
            "api",
            {"app": "api"},
            volumes=[
                {
                    "name": "s",
                    "csi": {
                        "driver": "secrets-store.csi.k8s.io",
                        "volumeAttributes": {"secretProviderClass": "aws-db"},
                    },
                },
                {"name": "d", "secret": {"secretName": "db-credentials"}},
            ],
        ),
    ]
    assert edge_set(resources) == {
        ("ExternalSecret/shop/db", "SecretStore/shop/vault", "uses-secret-store", "explicit"),
        ("Secret/shop/db-credentials", "ExternalSecret/shop/db", "created-by", "explicit"),
        ("Deployment/shop/api", "SecretProviderClass/shop/aws-db", "uses-secret-provider-class", "explicit"),
        ("Deployment/shop/api", "Secret/shop/db-credentials", "uses-secret", "explicit"),
    }


def test_selection_intersects_indexed_candidates_instead_of_scanning(monkeypatch):
    workloads = [deployment(f"app-{i}", {"app": f"app-{i}", "tier": "backend"}) for i in range(2000)]
    pods = PodIndex(workloads)
    checked = []
    real = index_module._holds
    monkeypatch.setattr(
        index_module, "_holds", lambda labels, term: checked.append(term) or real(labels, term)
    )
    chosen = pods.select(workloads[0], {"app": "app-7", "tier": "backend"}, empty_selects_all=False)
    assert [r.name for r in chosen] == ["app-7"]
    assert len(checked) == 2  # one candidate, two terms: the other 1,999 were never looked at
