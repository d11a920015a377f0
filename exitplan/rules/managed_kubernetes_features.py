"""A cluster that leans on features only its managed Kubernetes offers.

What it detects
    Serverless node pools and cluster modes (a node group whose catalog lock-in is medium or high, a
    cluster with an attribute such as ``enable_autopilot = true``), cluster add-ons of the provider,
    and in the manifests the cloud's node autoscaler classes, cloud-controller custom resources, VPC
    networking objects, node selectors on the provider's node-pool labels and its observability agents.

Why it hurts portability
    The workloads themselves are plain Kubernetes, but the cluster around them is not: node
    provisioning, scaling, networking and monitoring are done by the provider's own controllers, which
    do not exist at the target. Pods stay pending or lose their network and metrics after the move.

How to migrate
    Recreate the capacity as ordinary node pools of the target cluster (Cluster API, Gardener, Magnum
    or the provider's managed Kubernetes), scale them with cluster-autoscaler's clusterapi or magnum
    provider, select nodes by labels you set yourself, and run Prometheus and Fluent Bit in the cluster.

Example
    ``resource "aws_eks_fargate_profile" "jobs"``, ``apiVersion: karpenter.k8s.aws/v1`` on an
    EC2NodeClass, ``nodeSelector: {eks.amazonaws.com/nodegroup: general}``.
"""

from ..markers import LOCKIN_LEVELS
from ..model import Resource
from .base import RuleContext

ID = "EP102"
NAME = "managed-kubernetes-features"
CATEGORY = "compute"
WEIGHT = 8
OPTIONS = {
    "marker_categories": ["autoscaling", "crd", "networking", "node-selection", "observability"],
    #: Weight of a marker whose own lock-in is only low (a node-pool label, an instance-type selector).
    "low_lockin_weight": 2,
    #: Words that, in a cluster attribute set to true, mean a serverless or fully managed cluster mode.
    "mode_words": ["autopilot", "serverless", "fargate"],
}
_CLUSTER_KINDS = ("kubernetes-cluster", "kubernetes-node-group")


def check(resource: Resource, context: RuleContext):
    categories = context.option(ID, OPTIONS, "marker_categories")
    markers = [m for m in context.markers_of(resource, *categories)]
    if markers:  # one finding per object, on its most locked-in marker
        marker = max(markers, key=lambda m: LOCKIN_LEVELS.index(m.lockin))
        weight = context.option(ID, OPTIONS, "low_lockin_weight") if marker.lockin == "low" else WEIGHT
        yield context.marker_finding(
            ID, weight, resource, marker, f"relies on {marker.cloud} {marker.category}: {marker.replacement}"
        )
        return
    if (
        resource.source != "terraform"
        or resource.is_data_source
        or resource.service_kind not in _CLUSTER_KINDS
    ):
        return
    flag = _mode_flag(resource, context.option(ID, OPTIONS, "mode_words"))
    if flag is not None:
        yield context.finding(
            ID,
            WEIGHT,
            resource,
            f"{resource.type} runs in a managed cluster mode ({flag} = true) that the target does not offer",
            path=(flag,),
            evidence=f"{flag} = true",
        )
    elif resource.lockin in ("medium", "high"):
        yield context.finding(
            ID,
            WEIGHT,
            resource,
            f"{resource.type} is a feature of {resource.cloud or 'the provider'}'s managed Kubernetes: "
            f"{resource.lockin_reason or 'the target cluster needs its own equivalent'}",
            evidence=resource.type,
        )


def _mode_flag(resource: Resource, words) -> str | None:
    for key, value in resource.attributes.items():
        if value is True and any(word in str(key).lower() for word in words):
            return str(key)
    return None
