"""Images pulled from a cloud's own container registry.

What it detects
    Containers whose image reference points at a cloud's registry (ECR, ACR, Artifact Registry,
    Container Registry), one finding per workload controller, and the registries themselves declared
    in Terraform. Images from a cloud's public mirror weigh less: they pull anywhere.

Why it hurts portability
    Pulls authenticate with the provider's IAM (node roles, token helpers), so at the target every
    pull fails, and the images, tags and signatures exist only in that registry until copied.

How to migrate
    Run a registry the estate controls (Harbor, Zot, or the target provider's registry), copy the
    images with ``skopeo sync`` or ``crane copy`` (signatures and SBOMs too), rewrite the image
    references (kustomize ``images:`` or Helm values) and use pull secrets instead of node roles.

Example
    ``image: 123456789012.dkr.ecr.eu-central-1.amazonaws.com/webshop/orders-api:1.8.2``
"""

from ..markers import LOCKIN_LEVELS
from ..model import Resource
from .base import RuleContext, cloud_service

ID = "EP601"
NAME = "cloud-registry"
CATEGORY = "platform and operations"
WEIGHT = 5
#: Weight of a pull from a public mirror the cloud runs (marker lock-in low): it works anywhere, but
#: depends on a registry the estate does not control.
OPTIONS = {"low_lockin_weight": 2}


def check(resource: Resource, context: RuleContext):
    markers = [m for m in context.markers_of(resource, "registry")]
    if markers:  # one finding per controller, on its most locked-in image: its images move together
        marker = max(markers, key=lambda m: LOCKIN_LEVELS.index(m.lockin))
        weight = context.option(ID, OPTIONS, "low_lockin_weight") if marker.lockin == "low" else WEIGHT
        yield context.marker_finding(
            ID, weight, resource, marker, f"pulls images from {marker.cloud}'s registry: {marker.replacement}"
        )
        return
    if not cloud_service(resource, "container-registry"):
        return
    yield context.finding(
        ID,
        WEIGHT,
        resource,
        f"{resource.type} keeps images in {resource.cloud}'s registry: "
        f"{resource.lockin_reason or 'copy the images and rewrite the references'}",
        evidence=resource.type,
    )
