"""Workloads that authenticate as a cloud IAM identity.

What it detects
    Kubernetes service accounts bound to cloud roles (IRSA ``eks.amazonaws.com/role-arn``, Azure
    workload identity, GKE workload identity), pods that read cloud credentials from the environment,
    and Terraform IAM roles, policies and service accounts that such workloads assume.

Why it hurts portability
    Every permission is expressed in the provider's IAM language and granted by its token service. At
    the target there is no such issuer: the workload has no credentials and the policies do not exist.

How to migrate
    Replace the binding with credentials the target can issue: OpenStack application credentials
    delivered by External Secrets, Vault/OpenBao Kubernetes auth, or SPIFFE/SPIRE; re-express each
    policy as the target's roles and the services' own access control.

Example
    ``metadata.annotations["eks.amazonaws.com/role-arn"]: arn:aws:iam::123456789012:role/orders-api``
"""

from ..model import Resource
from .base import RuleContext

ID = "EP501"
NAME = "cloud-identity"
CATEGORY = "identity and keys"
WEIGHT = 10
OPTIONS: dict = {}


def check(resource: Resource, context: RuleContext):
    for marker in context.markers_of(resource, "identity"):
        yield context.marker_finding(
            ID, WEIGHT, resource, marker, f"bound to {marker.cloud} IAM: {marker.replacement}"
        )
        return
    if (
        resource.source == "terraform"
        and not resource.is_data_source
        and resource.service_kind == "identity"
        and resource.type.endswith(("_role", "_service_account", "_user_assigned_identity"))
    ):
        yield context.finding(
            ID,
            WEIGHT,
            resource,
            f"{resource.type} grants permissions in {resource.cloud} IAM, which the target cannot honour",
            evidence=resource.type,
        )
