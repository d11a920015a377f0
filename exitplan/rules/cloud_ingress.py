"""Traffic enters through the cloud's own load balancer or ingress controller.

What it detects
    Ingress classes and controllers of one cloud (AWS Load Balancer Controller ``alb``, GCE, Azure
    Application Gateway), their annotations, cloud load-balancer annotations on Services, and CRDs such
    as TargetGroupBinding or BackendConfig.

Why it hurts portability
    Listener rules, certificates, health checks and WAF bindings live in provider-specific annotations
    that no other controller reads. At the target the objects apply but route nothing.

How to migrate
    Use a portable controller (ingress-nginx, Traefik, HAProxy, Envoy Gateway) behind the target's load
    balancer (Octavia on OpenStack), move TLS to cert-manager, and translate the annotations.

Example
    ``spec.ingressClassName: alb`` with ``alb.ingress.kubernetes.io/scheme: internet-facing``.
"""

from ..model import Resource
from .base import RuleContext

ID = "EP401"
NAME = "cloud-ingress"
CATEGORY = "network and edge"
WEIGHT = 10
OPTIONS: dict = {}


def check(resource: Resource, context: RuleContext):
    for marker in context.markers_of(resource, "ingress", "load-balancer"):
        yield context.marker_finding(
            ID, WEIGHT, resource, marker, f"{marker.cloud} {marker.category} coupling: {marker.replacement}"
        )
        return  # one finding per resource: the annotations of one controller are one decision
