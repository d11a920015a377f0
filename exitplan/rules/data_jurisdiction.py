"""Data held by a provider whose home jurisdiction is outside the EU.

What it detects
    Resources that hold persistent data (databases, tables, buckets, queues, volumes, secrets, logs,
    and Kubernetes volumes provisioned by a cloud's storage driver) at a provider whose legal seat, as recorded in the service catalog, is outside the EU and the
    countries with an EU adequacy decision. Providers with no recorded jurisdiction (an OpenStack cloud
    is whoever operates it) are not judged. Images and keys are left to their own rules.

Why it hurts portability
    Sovereignty is about who can be compelled to hand over or cut off the data. A provider seated in
    the US answers to US law (the CLOUD Act, FISA 702) for data in every region it runs, EU regions
    included; an EU region is a location, not a jurisdiction.

How to migrate
    Move the data to a provider seated in the EU (or one you operate), encrypted with keys you hold;
    until then, record the exposure as an accepted risk with a reason and an expiry.

Example
    ``resource "aws_db_instance" "orders"`` in ``eu-central-1``: US jurisdiction.
"""

from ..model import Resource
from .base import RuleContext

ID = "EP701"
NAME = "data-jurisdiction"
CATEGORY = "sovereignty"
WEIGHT = 10
OPTIONS = {
    #: Jurisdictions not reported: the EU (as "EU" or a member state), the EEA, and adequacy countries.
    "accepted_jurisdictions": [
        *("EU", "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LV"),
        *("LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "CH", "GB"),
    ],
    "skip_kinds": ["container-registry", "key-management"],
}


def storage_cloud(resource: Resource, context: RuleContext) -> str | None:
    """Where a Kubernetes object's volumes live: the cloud of its own or its StorageClass's storage driver."""
    candidates = [
        resource,
        *(context.resources[d] for d in context.needs.get(resource.id, ()) if d in context.resources),
    ]
    for candidate in candidates:
        if candidate is resource or candidate.type == "StorageClass":
            for marker in context.markers_of(candidate, "storage"):
                return marker.cloud
    return None


def check(resource: Resource, context: RuleContext):
    if resource.is_data_source or not resource.stateful:
        return
    if resource.service_kind in context.option(ID, OPTIONS, "skip_kinds"):
        return
    cloud = resource.cloud or (storage_cloud(resource, context) if resource.source == "kubernetes" else None)
    if cloud is None:
        return
    seat = context.clouds.get(cloud, {}).get("jurisdiction")
    if not seat or seat == "unknown" or seat in context.option(ID, OPTIONS, "accepted_jurisdictions"):
        return
    where = f"in {resource.region}" if resource.region else "in a region the code does not state"
    held = f"on {cloud} volumes" if resource.cloud is None else f"held by {cloud}"
    yield context.finding(
        ID,
        WEIGHT,
        resource,
        f"data {where} {held}, under {seat} jurisdiction: {seat} law reaches it "
        "whatever the region (for US providers the CLOUD Act)",
        evidence=f"{cloud}: {seat}",
    )
