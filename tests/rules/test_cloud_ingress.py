"""EP401 cloud-ingress: the cloud's own ingress controller and load-balancer annotations."""

from exitplan.rules import cloud_ingress as rule
from tests.factories import k8s
from tests.rules.kit import check


def ingress(name, ingress_class, annotations=None):
    resource = k8s(
        "Ingress", name, spec={"ingressClassName": ingress_class}, lines={("spec", "ingressClassName"): 12}
    )
    if annotations:
        resource.attributes["metadata"]["annotations"] = annotations
    return resource


def test_a_cloud_ingress_class_is_reported():
    assert check(rule, ingress("web", "alb")) == {("EP401", "k8s#Ingress/shop/web", 12)}


def test_a_cloud_controller_annotation_is_reported_once_per_object():
    annotations = {
        "alb.ingress.kubernetes.io/scheme": "internet-facing",
        "alb.ingress.kubernetes.io/target-type": "ip",
    }
    assert check(rule, ingress("web", "nginx", annotations)) == {("EP401", "k8s#Ingress/shop/web", 1)}


def test_portable_and_openstack_controllers_pass():
    assert check(rule, ingress("web", "nginx"), ingress("lb", "openstack")) == set()
