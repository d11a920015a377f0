"""provided-by: Kubernetes objects → the Terraform resource that installs their driver or controller."""

from dataclasses import replace

from exitplan.graph.edges_addons import addon_edges
from tests.factories import k8s, tf


def _with(resource, **attributes):
    return replace(resource, attributes={**resource.attributes, **attributes})


def test_storage_class_and_ingress_link_to_the_add_on_and_chart_that_serve_them():
    ebs = _with(k8s("StorageClass", "gp3", namespace=None), provisioner="ebs.csi.aws.com")
    cinder = _with(k8s("StorageClass", "standard", namespace=None), provisioner="cinder.csi.openstack.org")
    alb = _with(k8s("Ingress", "web"), spec={"ingressClassName": "alb"})
    nginx = _with(k8s("Ingress", "admin"), spec={"ingressClassName": "nginx"})
    addon = tf("aws_eks_addon", "ebs_csi", attributes={"addon_name": "aws-ebs-csi-driver"})
    vpc_cni = tf("aws_eks_addon", "vpc_cni", attributes={"addon_name": "vpc-cni"})
    controller = tf("helm_release", "lbc", attributes={"chart": "aws-load-balancer-controller"})
    edges = addon_edges([ebs, cinder, alb, nginx, addon, vpc_cni, controller])
    assert sorted((e.source, e.target, e.kind, e.confidence, e.via) for e in edges) == [
        (
            alb.id,
            controller.id,
            "provided-by",
            "inferred",
            "spec.ingressClassName (aws-load-balancer-controller)",
        ),
        (ebs.id, addon.id, "provided-by", "inferred", "provisioner (aws-ebs-csi-driver)"),
    ]


def test_kind_alone_is_enough_for_custom_resources_of_a_controller():
    external = k8s("ExternalSecret", "db")
    release = tf("helm_release", "eso", attributes={"chart": "external-secrets"})
    assert [(e.source, e.target) for e in addon_edges([external, release])] == [(external.id, release.id)]
