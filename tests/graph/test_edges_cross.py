"""Edges from Kubernetes objects to Terraform resources: identities, endpoints, secrets, nodes, clusters."""

from __future__ import annotations

import shutil

import pytest
from factories import by_address, k8s, load_manifests, tf

from exitplan.errors import CatalogError
from exitplan.graph.edges_cross import cross_layer_edges
from exitplan.graph.edges_endpoints import catalog_dir, load_names
from exitplan.model import Unknown


def edge_set(resources):
    addresses = {r.id: r.address for r in resources}
    return {
        (addresses[e.source], addresses[e.target], e.kind, e.confidence) for e in cross_layer_edges(resources)
    }


def shop_terraform(configuration="infra"):
    return [
        tf("aws_s3_bucket", "assets", {"bucket": "webshop-prod-assets"}, configuration),
        tf(
            "aws_sqs_queue",
            "orders",
            {"name": "webshop-orders", "url": Unknown("aws_sqs_queue.orders.url")},
            configuration,
        ),
        tf("aws_sqs_queue", "events", {"name": "webshop-events"}, configuration),
        tf("aws_db_instance", "orders", {"identifier": "orders", "address": Unknown("x")}, configuration),
        tf("aws_dynamodb_table", "orders", {"name": "webshop-orders-table"}, configuration),
        tf(
            "aws_iam_role",
            "api",
            {"name": "webshop-api", "arn": Unknown("aws_iam_role.api.arn")},
            configuration,
        ),
        tf("aws_ecr_repository", "api", {"name": "webshop/api"}, configuration),
        tf("aws_secretsmanager_secret", "db", {"name": "webshop/prod/db"}, configuration),
        tf("aws_efs_file_system", "shared", {"id": Unknown("aws_efs_file_system.shared.id")}, configuration),
        tf(
            "aws_eks_node_group",
            "general",
            {"node_group_name": "general", "labels": {"workload-class": "batch"}},
            configuration,
        ),
        tf("aws_eks_cluster", "main", {"name": "webshop"}, configuration, service_kind="kubernetes-cluster"),
    ]


HOSTED = {
    (workload, "aws_eks_cluster.main", "hosted-on", "inferred")
    for workload in (
        "Deployment/shop/api",
        "Deployment/shop/web",
        "Deployment/shop/worker",
        "Deployment/default/api",
        "StatefulSet/shop/cache",
        "Pod/shop/debug",
    )
}

SHOP_CROSS = {
    (
        "ServiceAccount/shop/api",
        "aws_iam_role.api",
        "assumes-identity",
        "inferred",
    ),  # ARN account unverifiable
    ("ConfigMap/shop/shop-config", "aws_s3_bucket.assets", "uses-bucket", "explicit"),
    ("ConfigMap/shop/shop-config", "aws_sqs_queue.orders", "uses-queue", "explicit"),
    ("ConfigMap/shop/shop-config", "aws_sqs_queue.events", "uses-queue", "inferred"),  # bare name
    ("ConfigMap/shop/shop-config", "aws_db_instance.orders", "uses-database", "explicit"),
    ("Deployment/shop/api", "aws_dynamodb_table.orders", "uses-table", "inferred"),
    ("Deployment/shop/api", "aws_ecr_repository.api", "pulls-image-from", "explicit"),
    ("Deployment/shop/api", "aws_eks_node_group.general", "scheduled-on", "explicit"),
    ("Deployment/shop/worker", "aws_eks_node_group.general", "scheduled-on", "explicit"),
    ("Deployment/shop/worker", "aws_sqs_queue.orders", "uses-queue", "explicit"),
    ("ExternalSecret/shop/db-credentials", "aws_secretsmanager_secret.db", "reads-secret-from", "explicit"),
    *HOSTED,
}


def test_shop_cross_layer_edges_are_exactly_the_expected_ones():
    # not linked: s3://someone-elses-bucket (no such bucket), the EFS StorageClass (file system id unknown),
    # the worker image webshop/worker (no such repository)
    assert edge_set([*load_manifests("shop.yaml"), *shop_terraform()]) == SHOP_CROSS


def test_via_says_what_matched_and_where():
    resources = [*load_manifests("shop.yaml"), *shop_terraform()]
    objects = by_address(resources)
    edges = {(e.source, e.target): e for e in cross_layer_edges(resources)}
    queue = edges[(objects["ConfigMap/shop/shop-config"].id, objects["aws_sqs_queue.orders"].id)]
    assert queue.via == (
        "data.ORDERS_QUEUE_URL (matches https://sqs.{region}.amazonaws.com/{account}/{name}"
        ' with name "webshop-orders")'
    )
    assert (queue.file, queue.line) == ("k8s/shop.yaml", 22)
    node = edges[(objects["Deployment/shop/api"].id, objects["aws_eks_node_group.general"].id)]
    assert node.via == (
        'spec.template.spec.nodeSelector["eks.amazonaws.com/nodegroup"]'
        " (node label eks.amazonaws.com/nodegroup=general)"
    )
    assert node.line == 48


def config_map(data, name="settings", configuration="k8s"):
    return k8s(
        {"kind": "ConfigMap", "metadata": {"name": name, "namespace": "shop"}, "data": data},
        configuration=configuration,
    )


def test_unknown_values_never_match():
    resources = [
        tf("aws_s3_bucket", "assets", {"bucket": Unknown("var.bucket")}),
        tf("aws_sqs_queue", "jobs", {"name": Unknown("local.queue"), "url": Unknown("x")}),
        config_map(
            {"BUCKET": "s3://${var.bucket}", "QUEUE": str(Unknown("local.queue")), "EMPTY": "(unknown)"}
        ),
    ]
    assert edge_set(resources) == set()


def test_lookalike_values_do_not_match():
    resources = [
        tf("aws_sqs_queue", "orders", {"name": "webshop-orders"}),
        tf("aws_s3_bucket", "assets", {"bucket": "assets"}),
        config_map(
            {
                "DLQ": "https://sqs.eu-west-1.amazonaws.com/123456789012/webshop-orders-dlq",
                "PREFIXED": "my-webshop-orders",
                "SENTENCE": "webshop-orders is the queue",
                "OTHER_BUCKET": "s3://assets-archive/x",
            }
        ),
    ]
    assert edge_set(resources) == set()


def test_same_name_in_several_terraform_configurations_links_all_inferred():
    resources = [
        tf("aws_sqs_queue", "orders", {"name": "webshop-orders"}, "envs/prod"),
        tf("aws_sqs_queue", "orders", {"name": "webshop-orders"}, "envs/staging"),
        config_map({"QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/webshop-orders"}),
    ]
    edges = list(cross_layer_edges(resources))
    assert {(e.target, e.confidence) for e in edges} == {
        ("envs/prod#aws_sqs_queue.orders", "inferred"),
        ("envs/staging#aws_sqs_queue.orders", "inferred"),
    }
    assert all("same name in 2 Terraform configurations: envs/prod, envs/staging" in e.via for e in edges)


def service_account(annotations, name="api"):
    return k8s(
        {
            "kind": "ServiceAccount",
            "metadata": {"name": name, "namespace": "shop", "annotations": annotations},
        }
    )


def test_irsa_is_explicit_when_the_arn_is_known_exactly():
    arn = "arn:aws:iam::123456789012:role/service/webshop-api"
    resources = [
        tf("aws_iam_role", "api", {"name": "webshop-api", "arn": arn}),
        service_account({"eks.amazonaws.com/role-arn": arn}),
    ]
    (found,) = cross_layer_edges(resources)
    assert (found.kind, found.confidence, found.via) == (
        "assumes-identity",
        "explicit",
        'metadata.annotations["eks.amazonaws.com/role-arn"] (equals aws_iam_role.arn)',
    )


def test_aws_role_arn_env_links_the_workload_to_the_role():
    resources = [
        tf("aws_iam_role", "api", {"name": "webshop-api"}),
        k8s(
            {
                "kind": "Job",
                "metadata": {"name": "sync", "namespace": "shop"},
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [
                                {
                                    "name": "s",
                                    "env": [
                                        {
                                            "name": "AWS_ROLE_ARN",
                                            "value": "arn:aws:iam::123456789012:role/webshop-api",
                                        }
                                    ],
                                }
                            ]
                        }
                    }
                },
            }
        ),
    ]
    assert edge_set(resources) == {("Job/shop/sync", "aws_iam_role.api", "assumes-identity", "inferred")}


def test_gke_and_azure_workload_identity():
    resources = [
        tf("google_service_account", "api", {"account_id": "shop-api", "email": Unknown("x")}),
        tf("azurerm_user_assigned_identity", "api", {"name": "api", "client_id": Unknown("x")}),
        tf(
            "azurerm_user_assigned_identity",
            "worker",
            {"name": "worker-identity", "client_id": "0f1e2d3c-aaaa"},
        ),
        service_account({"iam.gke.io/gcp-service-account": "shop-api@webshop-prod.iam.gserviceaccount.com"}),
        service_account({"azure.workload.identity/client-id": "11111111-2222-3333-4444-555555555555"}),
        service_account({"azure.workload.identity/client-id": "0f1e2d3c-aaaa"}, name="worker"),
    ]
    found = {(e.source, e.target, e.confidence) for e in cross_layer_edges(resources)}
    assert found == {
        ("k8s#ServiceAccount/shop/api", "infra#google_service_account.api", "explicit"),
        # the client id is only known after apply: matched by the ServiceAccount's name
        ("k8s#ServiceAccount/shop/api", "infra#azurerm_user_assigned_identity.api", "inferred"),
        ("k8s#ServiceAccount/shop/worker", "infra#azurerm_user_assigned_identity.worker", "explicit"),
    }


def test_storage_class_and_volume_handles_link_by_known_id_only():
    resources = [
        tf("aws_efs_file_system", "shared", {"id": "fs-0a1b2c3d4e5f67890"}),
        tf("aws_ebs_volume", "data", {"id": "vol-0123456789abcdef0"}),
        tf("aws_ebs_volume", "unknown", {"id": Unknown("aws_ebs_volume.unknown.id")}),
        k8s(
            {
                "kind": "StorageClass",
                "metadata": {"name": "efs"},
                "provisioner": "efs.csi.aws.com",
                "parameters": {"fileSystemId": "fs-0a1b2c3d4e5f67890"},
            }
        ),
        k8s(
            {
                "kind": "PersistentVolume",
                "metadata": {"name": "data"},
                "spec": {"awsElasticBlockStore": {"volumeID": "aws://eu-west-1a/vol-0123456789abcdef0"}},
            }
        ),
        k8s(
            {
                "kind": "PersistentVolume",
                "metadata": {"name": "other"},
                "spec": {"csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-0fffffffffffffff0"}},
            }
        ),
    ]
    assert edge_set(resources) == {
        ("StorageClass/efs", "aws_efs_file_system.shared", "uses-file-system", "explicit"),
        ("PersistentVolume/data", "aws_ebs_volume.data", "binds-cloud-volume", "explicit"),
    }


def test_table_names_link_only_from_a_setting_named_like_a_table():
    resources = [
        tf("aws_dynamodb_table", "orders", {"name": "orders-v2"}),
        k8s(
            {
                "kind": "Deployment",
                "metadata": {"name": "api", "namespace": "shop"},
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [
                                {
                                    "name": "api",
                                    "env": [
                                        {"name": "ORDERS_TABLE_NAME", "value": "orders-v2"},
                                        {"name": "RELEASE", "value": "orders-v2"},
                                    ],
                                }
                            ]
                        }
                    }
                },
            }
        ),
    ]
    edges = list(cross_layer_edges(resources))
    assert [(e.kind, e.confidence, e.via.split(" ")[0]) for e in edges] == [
        ("uses-table", "inferred", "spec.template.spec.containers[0].env[0].value")
    ]


def test_secret_provider_class_objects_and_gcp_paths():
    objects = '- objectName: "webshop/prod/db"\n  objectType: "secretsmanager"\n'
    resources = [
        tf("aws_secretsmanager_secret", "db", {"name": "webshop/prod/db"}),
        tf("google_secret_manager_secret", "token", {"secret_id": "api-token"}),
        tf("google_pubsub_topic", "events", {"name": "shop-events"}),
        k8s(
            {
                "kind": "SecretProviderClass",
                "metadata": {"name": "db", "namespace": "shop"},
                "spec": {"provider": "aws", "parameters": {"objects": objects}},
            }
        ),
        k8s(
            {
                "kind": "ExternalSecret",
                "metadata": {"name": "token", "namespace": "shop"},
                "spec": {"dataFrom": [{"extract": {"key": "projects/webshop-prod/secrets/api-token"}}]},
            }
        ),
        config_map({"TOPIC": "projects/webshop-prod/topics/shop-events"}),
    ]
    assert edge_set(resources) == {
        ("SecretProviderClass/shop/db", "aws_secretsmanager_secret.db", "reads-secret-from", "explicit"),
        ("ExternalSecret/shop/token", "google_secret_manager_secret.token", "reads-secret-from", "explicit"),
        ("ConfigMap/shop/settings", "google_pubsub_topic.events", "uses-topic", "explicit"),
    }


def test_azure_hosts_and_registries():
    resources = [
        tf("azurerm_storage_account", "assets", {"name": "webshopassets"}),
        tf("azurerm_servicebus_namespace", "bus", {"name": "webshop-bus"}),
        tf("azurerm_container_registry", "acr", {"name": "webshopacr"}),
        tf("google_artifact_registry_repository", "apps", {"repository_id": "apps"}),
        config_map(
            {
                "BLOB": "https://webshopassets.blob.core.windows.net/images",
                "BUS": "Endpoint=sb://webshop-bus.servicebus.windows.net/;SharedAccessKeyName=x",
            }
        ),
        k8s(
            {
                "kind": "Deployment",
                "metadata": {"name": "api", "namespace": "shop"},
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [
                                {"name": "a", "image": "webshopacr.azurecr.io/api:1"},
                                {
                                    "name": "b",
                                    "image": "europe-west4-docker.pkg.dev/webshop-prod/apps/worker:2",
                                },
                            ]
                        }
                    }
                },
            }
        ),
    ]
    assert edge_set(resources) == {
        ("ConfigMap/shop/settings", "azurerm_storage_account.assets", "uses-bucket", "explicit"),
        ("ConfigMap/shop/settings", "azurerm_servicebus_namespace.bus", "uses-queue", "explicit"),
        ("Deployment/shop/api", "azurerm_container_registry.acr", "pulls-image-from", "explicit"),
        ("Deployment/shop/api", "google_artifact_registry_repository.apps", "pulls-image-from", "explicit"),
    }


def test_node_pools_by_custom_label_and_pool_name():
    resources = [
        tf(
            "google_container_node_pool",
            "gpu",
            {"name": "gpu-pool", "node_config": [{"labels": {"accel": "t4"}}]},
        ),
        tf(
            "azurerm_kubernetes_cluster_node_pool", "batch", {"name": "batch", "node_labels": {"accel": "t4"}}
        ),
        k8s(
            {
                "kind": "Deployment",
                "metadata": {"name": "train", "namespace": "ml"},
                "spec": {
                    "template": {"spec": {"nodeSelector": {"cloud.google.com/gke-nodepool": "gpu-pool"}}}
                },
            }
        ),
        k8s(
            {
                "kind": "Deployment",
                "metadata": {"name": "infer", "namespace": "ml"},
                "spec": {"template": {"spec": {"nodeSelector": {"accel": "t4"}}}},
            }
        ),
    ]
    assert edge_set(resources) == {
        ("Deployment/ml/train", "google_container_node_pool.gpu", "scheduled-on", "explicit"),
        ("Deployment/ml/infer", "google_container_node_pool.gpu", "scheduled-on", "inferred"),
        ("Deployment/ml/infer", "azurerm_kubernetes_cluster_node_pool.batch", "scheduled-on", "inferred"),
    }


def workload(configuration):
    return k8s(
        {
            "kind": "Deployment",
            "metadata": {"name": "api", "namespace": "shop"},
            "spec": {"template": {"spec": {}}},
        },
        configuration=configuration,
    )


def test_hosted_on_picks_the_cluster_matching_a_folder_or_none():
    clusters = [
        tf(
            "aws_eks_cluster",
            "main",
            {"name": "webshop-prod"},
            "envs/prod",
            service_kind="kubernetes-cluster",
        ),
        tf(
            "aws_eks_cluster",
            "main",
            {"name": "webshop-staging"},
            "envs/staging",
            service_kind="kubernetes-cluster",
        ),
        tf("aws_eks_cluster", "tools", {"name": "tools"}, "platform", service_kind="kubernetes-cluster"),
    ]
    resources = [
        *clusters,
        workload("k8s/overlays/prod"),
        workload("clusters/tools/apps"),
        workload("k8s/base"),
    ]
    found = {(e.source, e.target) for e in cross_layer_edges(resources)}
    assert found == {
        ("k8s/overlays/prod#Deployment/shop/api", "envs/prod#aws_eks_cluster.main"),
        ("clusters/tools/apps#Deployment/shop/api", "platform#aws_eks_cluster.tools"),
    }


def test_name_catalog_errors_name_the_file_and_key(tmp_path):
    for name in ("kubernetes-markers.yaml", "endpoint-patterns.yaml"):
        shutil.copy(catalog_dir() / name, tmp_path / name)
    path = tmp_path / "endpoint-patterns.yaml"
    path.write_text(path.read_text().replace("'s3://{name}'", "'s3://{bucket}'"))
    with pytest.raises(
        CatalogError,
        match=r"endpoint-patterns.yaml: resource_names.aws_s3_bucket.known_as\[0\]: "
        r"unknown placeholder \{bucket\}",
    ):
        load_names(tmp_path)
