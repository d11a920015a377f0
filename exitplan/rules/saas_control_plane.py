"""A SaaS product's control plane managed from Terraform.

What it detects
    Resources whose service kind is ``saas``, or that belong to a cloud the service catalog marks as a
    SaaS vendor (``saas: true`` in the cloud facts): configuration of a hosted product (monitoring,
    paging, identity, repositories, data platforms) that runs on the vendor's control plane whatever
    cloud the workloads move to.

Why it hurts portability
    Moving the workloads does not move these: the vendor can still switch them off, change terms or
    be compelled under its own jurisdiction, and the configuration exists only in its API.

How to migrate
    Decide per product: keep it as an accepted, recorded dependency (a waiver with a reason), move
    to a European vendor, or self-host the open-source equivalent; export the configuration first.

Example
    ``resource "pagerduty_service" "checkout"``
"""

from ..model import Resource
from .base import RuleContext

ID = "EP702"
NAME = "saas-control-plane"
CATEGORY = "sovereignty"
WEIGHT = 5
OPTIONS = {"service_kinds": ["saas"]}


def check(resource: Resource, context: RuleContext):
    if resource.is_data_source or resource.lockin in (None, "none"):
        return
    vendor = context.clouds.get(resource.cloud or "", {}).get("saas") is True
    if not vendor and resource.service_kind not in context.option(ID, OPTIONS, "service_kinds"):
        return
    yield context.finding(
        ID,
        WEIGHT,
        resource,
        f"{resource.type} is configuration of {resource.cloud or 'a vendor'}'s SaaS control plane, which "
        "can switch it off whatever cloud the workloads run on",
        evidence=resource.type,
    )
