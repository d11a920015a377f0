"""Crossplane managed resources are cloud resources under a Kubernetes name.

Upbound's providers are generated from the Terraform providers (Upjet): ``s3.aws.upbound.io/Bucket`` is
``aws_s3_bucket``, ``sql.gcp.upbound.io/DatabaseInstance`` is ``google_sql_database_instance``,
``ec2.aws.upbound.io/VPC`` is ``aws_vpc``, and the fields under ``spec.forProvider`` are the Terraform
arguments in camelCase. So a managed resource is judged as the Terraform type it stands for, found in the
service catalog: ``<provider>_<group>_<kind>``, then ``<provider>_<kind>`` (EC2's instances and networks),
with the group names Terraform spells differently (RDS is ``db``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..model import Resource

#: ``<group>.<provider>.upbound.io`` (``.m.upbound.io``: Crossplane v2's namespaced managed resources).
_API = re.compile(r"^([a-z0-9]+)\.(aws|gcp|azure|azuread)\.(?:m\.)?upbound\.io/")
_PREFIXES = {"aws": "aws", "gcp": "google", "azure": "azurerm", "azuread": "azuread"}
#: Groups whose Terraform types use another word.
_GROUP_WORDS = {"rds": ("db", "rds"), "elbv2": ("lb", "alb"), "cloudwatchlogs": ("cloudwatch_log",)}
_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def cluster_scoped(api_version: object) -> bool:
    """Whether objects of this apiVersion have no namespace: Crossplane's own groups and its providers'
    (``s3.aws.upbound.io``, ``kubernetes.crossplane.io``), but for the namespaced ``.m.`` groups of
    Crossplane v2 and its namespaced Usage (``protection.crossplane.io``)."""
    if not isinstance(api_version, str) or "/" not in api_version:
        return False
    labels = api_version.rsplit("/", 1)[0].split(".")
    crossplane = labels[-2:] in (["upbound", "io"], ["crossplane", "io"])
    return crossplane and "m" not in labels and labels[0] != "protection"


def terraform_type(resource: Resource, known: Callable[[str], bool]) -> str | None:
    """The Terraform type a managed resource stands for, the first candidate ``known`` accepts."""
    api = resource.get("apiVersion")
    found = _API.match(api) if isinstance(api, str) else None
    if found is None:
        return None
    return next((t for t in _candidates(found.group(1), found.group(2), resource.type) if known(t)), None)


def _candidates(group: str, provider: str, kind: str) -> Iterator[str]:
    prefix, name = _PREFIXES[provider], _WORD.sub("_", kind).lower()
    for word in _GROUP_WORDS.get(group, (group,)):
        yield f"{prefix}_{word}_{name}"
    yield f"{prefix}_{name}"


def arguments(resource: Resource) -> dict[str, Any]:
    """``spec.forProvider`` with snake_case keys, as the catalog's variants name Terraform's arguments."""
    given = resource.get("spec", "forProvider")
    return {_WORD.sub("_", k).lower(): v for k, v in given.items()} if isinstance(given, Mapping) else {}


def region(resource: Resource) -> str | None:
    given = arguments(resource)
    found = given.get("region") or given.get("location")
    return found if isinstance(found, str) else None
