"""The coupling-marker catalog: validation, and what find_markers reports (and does not)."""

from __future__ import annotations

import json
import shutil

import pytest
from graph.factories import by_address, k8s, load_manifests, tf

from exitplan.errors import CatalogError
from exitplan.knowledge.service_catalog import load_service_catalog
from exitplan.markers import catalog_dir, find_markers, load_markers
from exitplan.model import REDACTED


@pytest.fixture(scope="module")
def catalog():
    return load_markers()


def found(resource, catalog):
    return {(m.marker, m.path, m.value, m.line) for m in find_markers(resource, catalog)}


def ids(resource, catalog):
    return {m.marker for m in find_markers(resource, catalog)}


def test_catalog_is_consistent(catalog):
    assert len({s.id for s in catalog.specs}) == len(catalog.specs)
    assert all(s.category in catalog.categories for s in catalog.specs)
    assert all(s.replacement and "\n" not in s.replacement for s in catalog.specs)
    cinder = catalog.get("openstack-cinder-csi")
    assert (cinder.cloud, cinder.lockin) == ("openstack", "none")


def test_shop_markers_with_their_lines(catalog):
    resources = by_address(load_manifests("shop.yaml"))
    assert found(resources["ConfigMap/shop/shop-config"], catalog) == {
        ("aws-s3-url", "data.ASSETS_URL", "s3://webshop-prod-assets", 21),
        ("aws-sqs-endpoint", "data.ORDERS_QUEUE_URL", "sqs.eu-west-1.amazonaws.com", 22),
        ("aws-rds-endpoint", "data.DATABASE_HOST", "orders.c9akciq32.eu-west-1.rds.amazonaws.com", 23),
        ("aws-s3-url", "data.ARCHIVE_URL", "s3://someone-elses-bucket", 26),
        # data.NOTE mentions "rds.amazonaws.com" in prose: no host, no marker; the YAML comment is not a value
    }
    irsa = 'metadata.annotations["eks.amazonaws.com/role-arn"]'
    assert found(resources["ServiceAccount/shop/api"], catalog) == {
        ("aws-irsa", irsa, "eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/webshop-api", 7)
    }  # the ARN inside it is not reported a second time as aws-arn
    assert found(resources["Deployment/shop/api"], catalog) == {
        (
            "aws-ecr-private",
            "spec.template.spec.containers[0].image",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/webshop/api:1.4.2",
            51,
        ),
        (
            "aws-node-group-selector",
            'spec.template.spec.nodeSelector["eks.amazonaws.com/nodegroup"]',
            "eks.amazonaws.com/nodegroup=general",
            48,
        ),
    }
    assert ids(resources["Ingress/shop/shop"], catalog) == {"aws-alb-ingress-class", "aws-alb-annotation"}
    assert ids(resources["IngressClass/alb"], catalog) == {
        "aws-alb-ingress-class",
        "aws-alb-ingress-controller",
    }
    assert ids(resources["ClusterSecretStore/aws-secrets"], catalog) == {"eso-aws-provider"}
    assert ids(resources["StorageClass/gp3"], catalog) == {"aws-ebs-csi"}
    assert ids(resources["StorageClass/efs"], catalog) == {"aws-efs-csi"}
    assert ids(resources["PersistentVolumeClaim/shop/web-assets"], catalog) == set()
    assert ids(resources["Pod/shop/debug"], catalog) == {"aws-cli-image"}
    assert ids(resources["Deployment/default/api"], catalog) == set()


def pod(spec, kind="Deployment", annotations=None, labels=None):
    metadata = {"name": "app", "namespace": "shop", "annotations": annotations or {}, "labels": labels or {}}
    return k8s(
        {
            "apiVersion": "apps/v1",
            "kind": kind,
            "metadata": metadata,
            "spec": {"template": {"metadata": {"labels": labels or {}}, "spec": spec}},
        }
    )


def test_values_that_only_look_similar_carry_no_marker(catalog):
    resource = pod(
        {
            "containers": [
                {
                    "name": "a",
                    "image": "registry.example.com/gcr.io-mirror/app:1",
                    "env": [
                        {"name": "DOCS", "value": "see https://example.com/rds.amazonaws.com-notes"},
                        {"name": "HOST", "value": "orders.rds.amazonaws.com.example.org"},
                        {"name": "PROFILE", "value": "arn-like:aws:iam"},
                        {"name": "ACTION", "value": "s3:GetObject"},
                        {"name": "LABEL", "value": "sqs:sendmessage"},
                    ],
                }
            ]
        }
    )
    assert find_markers(resource, catalog) == []


def test_secret_values_are_never_reported(catalog):
    resource = pod(
        {
            "containers": [
                {
                    "name": "a",
                    "env": [
                        {
                            "name": "DATABASE_URL",
                            "value": "postgres://shop:hunter2@orders.abc.eu-west-1.rds.amazonaws.com:5432/shop",
                        },
                        {"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::123456789012:role/x"},
                        {"name": "TOKEN", "value": REDACTED},
                    ],
                }
            ]
        }
    )
    markers = find_markers(resource, catalog)
    assert all("hunter2" not in m.value for m in markers)
    assert {(m.marker, m.value) for m in markers} == {
        ("aws-rds-endpoint", "orders.abc.eu-west-1.rds.amazonaws.com"),
        ("aws-irsa-env", "AWS_ROLE_ARN"),
        ("aws-arn", "arn:aws:iam::123456789012:role/x"),
    }
    secret = k8s(
        {
            "kind": "Secret",
            "metadata": {"name": "s", "namespace": "shop"},
            "stringData": {"host": "orders.abc.eu-west-1.rds.amazonaws.com"},
        }
    )
    assert find_markers(secret, catalog) == []


def test_pod_level_markers(catalog):
    resource = pod(
        {
            "nodeSelector": {"node.kubernetes.io/instance-type": "m5.large"},
            "affinity": {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {"matchExpressions": [{"key": "cloud.google.com/gke-spot", "operator": "Exists"}]}
                        ]
                    }
                }
            },
            "containers": [
                {
                    "name": "model",
                    "image": "europe-docker.pkg.dev/p/r/model:1",
                    "resources": {"limits": {"nvidia.com/gpu": 1}},
                },
                {
                    "name": "proxy",
                    "image": "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0",
                    "args": ["--structured-logs", "webshop-prod:europe-west4:orders"],
                },
            ],
            "volumes": [{"name": "legacy", "awsElasticBlockStore": {"volumeID": "vol-1"}}],
        },
        labels={"azure.workload.identity/use": "true"},
    )
    assert ids(resource, catalog) == {
        "aws-instance-type-selector",
        "gcp-node-pool-selector",
        "gcp-artifact-registry",
        "nvidia-gpu",
        "gcp-gcr",
        "gcp-cloud-sql-proxy",
        "gcp-cloud-sql-connection-name",
        "aws-ebs-in-tree",
        "azure-workload-identity-label",
    }


def test_crds_classes_and_openstack_native_markers(catalog):
    bucket = k8s(
        {
            "apiVersion": "s3.services.k8s.aws/v1alpha1",
            "kind": "Bucket",
            "metadata": {"name": "b", "namespace": "shop"},
        }
    )
    assert ids(bucket, catalog) == {"aws-ack-crd"}
    cinder = k8s(
        {"kind": "StorageClass", "metadata": {"name": "standard"}, "provisioner": "cinder.csi.openstack.org"}
    )
    (native,) = find_markers(cinder, catalog)
    assert (native.marker, native.cloud, native.lockin) == ("openstack-cinder-csi", "openstack", "none")
    gateway = k8s(
        {
            "kind": "Gateway",
            "metadata": {"name": "g", "namespace": "shop"},
            "spec": {"gatewayClassName": "gke-l7-global-external-managed"},
        }
    )
    assert ids(gateway, catalog) == {"gcp-gateway-class"}
    dns = k8s(
        {
            "kind": "Deployment",
            "metadata": {"name": "external-dns", "namespace": "kube-system"},
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "d",
                                "image": "registry.k8s.io/external-dns/external-dns:v0.14.0",
                                "args": ["--source=ingress", "--provider=aws"],
                            }
                        ]
                    }
                }
            },
        }
    )
    assert ids(dns, catalog) == {"external-dns-cloud-provider"}
    legacy = k8s(
        {
            "kind": "Ingress",
            "metadata": {
                "name": "i",
                "namespace": "shop",
                "annotations": {"kubernetes.io/ingress.class": "gce"},
            },
        }
    )
    assert ids(legacy, catalog) == {"gcp-gce-ingress-class"}


def test_terraform_values_and_iam_actions(catalog):
    policy = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["dynamodb:PutItem", "sqs:SendMessage", "s3:GetObject"],
                    "Resource": "*",
                }
            ]
        }
    )
    role_policy = tf("aws_iam_policy", "api", {"name": "api", "policy": policy})
    (action,) = find_markers(role_policy, catalog)  # one marker per (marker, path): the first action
    assert (action.marker, action.path, action.value) == (
        "aws-iam-proprietary-action",
        "policy",
        "dynamodb:PutItem",
    )
    assert (
        find_markers(tf("aws_iam_policy", "read", {"policy": '{"Action": ["s3:GetObject"]}'}), catalog) == []
    )
    function = tf(
        "aws_lambda_function",
        "api",
        {
            "function_name": "api",
            "environment": [{"variables": {"DB_HOST": "orders.abc.eu-west-1.rds.amazonaws.com"}}],
        },
    )
    (host,) = find_markers(function, catalog)
    assert (host.marker, host.path, host.confidence) == (
        "aws-rds-endpoint",
        "environment[0].variables.DB_HOST",
        "explicit",
    )
    config_map = tf(
        "kubernetes_config_map",
        "settings",
        {"metadata": [{"name": "settings"}], "data": {"QUEUE": "https://sqs.eu-west-1.amazonaws.com/1/jobs"}},
    )
    assert ids(config_map, catalog) == {"aws-sqs-endpoint"}


def write_catalog(tmp_path, replace):
    for name in ("kubernetes-markers.yaml", "endpoint-patterns.yaml"):
        shutil.copy(catalog_dir() / name, tmp_path / name)
    path = tmp_path / "kubernetes-markers.yaml"
    text = path.read_text()
    old, new = replace
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return tmp_path


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        (
            ("lockin: high", "lockin: severe"),
            r"markers\[0\]\.lockin: expected one of none, low, medium, high",
        ),
        (("category: identity", "category: identities"), r"markers\[0\]\.category: expected one of"),
        (
            ("match: {annotation: eks.amazonaws.com/role-arn}", "match: {annotaton: x}"),
            r"markers\[0\]\.match: expected exactly one of",
        ),
        (
            ("match: {image: '^public", "match: {image: '^(public"),
            r"markers\[\d+\]\.match\.image: invalid regular",
        ),
        (("id: aws-irsa-env", "id: aws-irsa"), r"duplicate id 'aws-irsa'"),
        (("schema_version: 1", "schema_version: 2"), r"schema_version: expected 1, found 2"),
    ],
)
def test_catalog_errors_name_the_file_and_key_path(tmp_path, replace, message):
    directory = write_catalog(tmp_path, replace)
    with pytest.raises(CatalogError, match=message) as error:
        load_markers(directory)
    assert str(tmp_path) in str(error.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "service: {name: Amazon SQS, as: aws_sqs_queue}",
            "service: {name: Amazon SQS, as: SQS}",
            r"markers\[\d+\]\.service\.as: expected a Terraform resource type, found 'SQS'",
        ),
        (
            "service: {name: Amazon SQS, as: aws_sqs_queue}",
            "service: {name: Amazon SQS, type: aws_sqs_queue}",
            r"markers\[\d+\]\.service: expected a mapping with name, as and an optional with",
        ),
        (
            "with_setting: '(?i)spanner'",
            "with_setting: '(?i)spanner('",
            r"markers\[\d+\]\.match\.with_setting: invalid regular expression",
        ),
        (
            "not_identified_in: [identity, dns, network]",
            "not_identified_in: identity",
            r"not_identified_in: expected a list",
        ),
    ],
)
def test_service_keys_of_endpoint_markers_are_validated(tmp_path, old, new, message):
    for name in ("kubernetes-markers.yaml", "endpoint-patterns.yaml"):
        shutil.copy(catalog_dir() / name, tmp_path / name)
    path = tmp_path / "endpoint-patterns.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(CatalogError, match=message) as error:
        load_markers(tmp_path)
    assert "endpoint-patterns.yaml" in str(error.value)


def test_a_value_marker_with_a_setting_name_holds_only_under_that_name(catalog):
    services = load_service_catalog()
    path = "projects/shop-prod/instances/main/databases/carts"
    config_map = k8s(
        {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"SPANNER_DB": path, "CLOUDSQL_DB": path}}
    )
    markers = {(m.path, m.marker, m.service) for m in find_markers(config_map, catalog, services)}
    assert markers == {
        ("data.SPANNER_DB", "gcp-spanner-database-path", "Cloud Spanner"),
        ("data.CLOUDSQL_DB", "gcp-resource-path", ""),
    }


def test_identified_markers_hide_the_generic_one_on_the_same_value(catalog):
    services = load_service_catalog()
    arn = "arn:aws:sqs:eu-west-1:123456789012:jobs"
    config_map = k8s({"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"QUEUE": arn}})
    assert ids(config_map, catalog) == {"aws-arn"}  # without the service catalog: the generic reading
    (marker,) = find_markers(config_map, catalog, services)
    assert (marker.marker, marker.service_kind, marker.interface) == (
        "aws-sqs-arn",
        "message-queue",
        "proprietary",
    )
    policy = tf("aws_iam_policy", "p", {"policy": f'{{"Resource": "{arn}"}}'}, service_kind="identity")
    assert [m.marker for m in find_markers(policy, catalog, services)] == ["aws-arn"]


def test_gpu_node_selectors_are_gpu_markers():
    deployment = k8s(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "infer", "namespace": "ml"},
            "spec": {
                "template": {
                    "spec": {
                        "nodeSelector": {
                            "cloud.google.com/gke-accelerator": "nvidia-l4",
                            "node.kubernetes.io/instance-type": "g5.2xlarge",
                        },
                        "containers": [{"name": "model", "image": "vllm/vllm-openai:v0.6.3"}],
                    }
                }
            },
        }
    )
    found = {(m.marker, m.category) for m in find_markers(deployment, load_markers())}
    assert ("gke-accelerator-selector", "gpu") in found
    assert ("aws-gpu-instance-selector", "gpu") in found


def test_iam_actions_in_unknown_policies_are_found(catalog, tmp_path):
    from exitplan.discover import discover
    from exitplan.terraform import loader as terraform

    (tmp_path / "main.tf").write_text(
        'resource "aws_dynamodb_table" "t" {\n  name = "carts"\n}\n'
        'resource "aws_iam_role_policy" "api" {\n'
        '  name   = "api"\n'
        "  policy = <<EOF\n"
        '{"Statement": [{"Effect": "Allow", "Action": ["dynamodb:PutItem"],\n'
        '  "Resource": "${aws_dynamodb_table.t.arn}"}]}\n'
        "EOF\n"
        "}\n"
        'resource "aws_iam_role_policy" "json" {\n'
        "  policy = jsonencode({\n"
        '    # "sqs:SendMessage" was granted here once\n'
        '    Statement = [{ Action = ["sns:Publish"], Resource = aws_sns_topic.x.arn }]\n'
        "  })\n"
        "}\n"
        'resource "aws_ssm_parameter" "db" {\n'
        "  value       = aws_db_instance.x.address\n"
        '  description = "${var.name}.c9akciq32.eu-west-1.rds.amazonaws.com"\n'
        '  tags        = { arn = "arn:aws:sqs:${var.region}:123456789012:jobs" }\n'
        "}\n"
    )
    resources = {r.address: r for r in terraform.load(discover([str(tmp_path)])).resources}
    assert found(resources["aws_iam_role_policy.api"], catalog) == {
        ("aws-iam-proprietary-action", "policy", "dynamodb:PutItem", 6)
    }
    # the action in the comment is not reported; the one in the code is
    assert found(resources["aws_iam_role_policy.json"], catalog) == {
        ("aws-iam-proprietary-action", "policy", "sns:Publish", 12)
    }
    # only IAM actions are searched in unknown text: no host name, ARN or endpoint from a reference
    assert find_markers(resources["aws_ssm_parameter.db"], catalog) == []
