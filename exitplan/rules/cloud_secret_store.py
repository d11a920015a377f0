"""Secrets kept in the cloud's secret store.

What it detects
    Secrets and parameters in a cloud's secret manager (Secrets Manager, Parameter Store, Key Vault
    secrets, Secret Manager), and in the manifests the objects that read them: External Secrets
    SecretStores with a cloud provider and secrets-store CSI SecretProviderClasses.

Why it hurts portability
    The secrets are read through the provider's API with its IAM; rotation runs on its functions. At
    the target the store is gone, so every workload that reads from it starts without credentials.

How to migrate
    Stand up the target's store (OpenBao or Vault, Barbican), copy the secrets by script, point
    External Secrets at it (``spec.provider.vault`` or ``barbican``) and rebuild rotation there.

Example
    ``resource "aws_secretsmanager_secret" "orders_db"``, a ClusterSecretStore with ``spec.provider.aws``.
"""

from ..model import Resource
from .base import RuleContext, cloud_service

ID = "EP503"
NAME = "cloud-secret-store"
CATEGORY = "identity and keys"
WEIGHT = 5
OPTIONS: dict = {}


def check(resource: Resource, context: RuleContext):
    for marker in context.markers_of(resource, "secret-store"):
        yield context.marker_finding(
            ID, WEIGHT, resource, marker, f"reads secrets from {marker.cloud}: {marker.replacement}"
        )
        return
    if not cloud_service(resource, "secret-manager"):
        return
    yield context.finding(
        ID,
        WEIGHT,
        resource,
        f"secrets held in {resource.cloud}'s secret store: "
        f"{resource.lockin_reason or 'copy them to the target store and re-point the readers'}",
        evidence=resource.type,
    )
