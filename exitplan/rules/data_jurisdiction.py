"""Data held by a provider whose home jurisdiction is outside the EU.

What it detects
    Resources that hold persistent data (databases, tables, buckets, queues, volumes, secrets, logs)
    at a provider whose legal seat, as recorded in the service catalog, is outside the EU and the
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


def check(resource: Resource, context: RuleContext):
    if resource.is_data_source or not resource.stateful or resource.cloud is None:
        return
    if resource.service_kind in context.option(ID, OPTIONS, "skip_kinds"):
        return
    seat = context.clouds.get(resource.cloud, {}).get("jurisdiction")
    if not seat or seat == "unknown" or seat in context.option(ID, OPTIONS, "accepted_jurisdictions"):
        return
    where = f"in {resource.region}" if resource.region else "in a region the code does not state"
    yield context.finding(
        ID,
        WEIGHT,
        resource,
        f"data {where} held by {resource.cloud}, under {seat} jurisdiction: {seat} law reaches it "
        "whatever the region (for US providers the CLOUD Act)",
        evidence=f"{resource.cloud}: {seat}",
    )
