"""A cloud resource the service catalog does not know, so nothing about it was assessed.

What it detects
    Terraform resources of a known cloud (the type's prefix names the provider) whose type is in none
    of the catalog's exact types or families, and registry modules of a cloud that the module catalog
    does not list.

Why it hurts portability
    Possibly not at all, possibly a great deal: without a catalog entry the resource has no service
    kind, interface or lock-in, so no other rule can judge it. It is reported so that nothing is
    silently ignored; it deducts nothing.

How to migrate
    Look the type up and decide by hand, then add it to the service catalog (``providers/catalog``,
    or a catalog directory of your own) so that the next scan assesses it.

Example
    ``resource "aws_some_new_service" "x"`` released after the catalog was written.
"""

from ..model import Resource
from .base import RuleContext

ID = "EP603"
NAME = "unclassified-resource"
CATEGORY = "platform and operations"
WEIGHT = 0
OPTIONS: dict = {}


def check(resource: Resource, context: RuleContext):
    if (
        resource.source != "terraform"
        or resource.cloud is None
        or resource.service_kind is not None
        or resource.is_data_source
    ):
        return
    yield context.finding(
        ID,
        WEIGHT,
        resource,
        f"{resource.type} of {resource.cloud} is not in the service catalog: it was not assessed",
        evidence=resource.type,
    )
