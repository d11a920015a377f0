"""EP102 managed-kubernetes-features: serverless node pools, cluster modes, add-ons, node classes."""

from dataclasses import replace

from exitplan.rules import managed_kubernetes_features as rule
from tests.factories import k8s, pod_spec, tf
from tests.rules.kit import check, findings, scan_files


def test_serverless_node_pools_and_cluster_add_ons():
    fargate = tf(
        "aws_eks_fargate_profile", "jobs", cloud="aws", service_kind="kubernetes-node-group", lockin="medium"
    )
    addon = tf("aws_eks_addon", "vpc_cni", cloud="aws", service_kind="kubernetes-cluster", lockin="medium")
    assert check(rule, fargate, addon) == {
        ("EP102", "infra#aws_eks_fargate_profile.jobs", 1),
        ("EP102", "infra#aws_eks_addon.vpc_cni", 1),
    }


def test_a_cluster_mode_flag_is_read_from_the_attributes(tmp_path):
    files = {
        "main.tf": (
            'resource "google_container_cluster" "auto" {\n'
            '  name             = "auto"\n'
            '  location         = "europe-west3"\n'
            "  enable_autopilot = true\n"
            "}\n"
        )
    }
    assert scan_files(tmp_path, files, "EP102") == {("EP102", ".#google_container_cluster.auto", 4)}


def test_node_classes_and_cloud_node_labels():
    node_class = k8s("EC2NodeClass", "default", namespace=None, spec={"amiFamily": "AL2023"})
    node_class = replace(
        node_class, attributes={**node_class.attributes, "apiVersion": "karpenter.k8s.aws/v1"}
    )
    selector = {
        "template": {"spec": {"nodeSelector": {"eks.amazonaws.com/nodegroup": "general"}, "containers": []}}
    }
    pinned = k8s("Deployment", "api", spec=selector, lines={("spec", "template", "spec", "nodeSelector"): 9})
    assert check(rule, node_class, pinned) == {
        ("EP102", "k8s#EC2NodeClass/default", 1),
        ("EP102", "k8s#Deployment/shop/api", 9),
    }
    weights = {f.resource: f.weight for f in findings(rule, node_class, pinned)}
    assert weights == {"k8s#EC2NodeClass/default": rule.WEIGHT, "k8s#Deployment/shop/api": 2}


def test_plain_clusters_and_node_pools_pass():
    cluster = tf("aws_eks_cluster", "main", cloud="aws", service_kind="kubernetes-cluster", lockin="low")
    group = tf(
        "aws_eks_node_group", "general", cloud="aws", service_kind="kubernetes-node-group", lockin="low"
    )
    magnum = tf(
        "openstack_containerinfra_cluster_v1", "k8s", cloud="openstack", service_kind="kubernetes-cluster"
    )
    web = k8s("Deployment", "web", spec=pod_spec("nginx:1.27"))
    assert check(rule, cluster, group, magnum, web) == set()
