"""Workloads that need GPUs or other accelerators.

What it detects
    Pods that request accelerators (``nvidia.com/gpu``, ``amd.com/gpu``, TPUs, inference chips), and
    Terraform VMs, node groups and scale groups whose instance type, machine type, VM size or flavor
    comes with an accelerator, or that attach one (sizes in ``providers/catalog/accelerators.yaml``).

Why it hurts portability
    Accelerator capacity is scarce: many European providers offer few GPU flavors in few regions, and
    one cloud's own chips (TPUs, Inferentia) exist nowhere else. Nothing moves before capacity exists.

How to migrate
    Check and reserve the target's GPU flavors and quotas early; run the NVIDIA (or AMD) GPU operator
    on the new node pool; rebuild models compiled for one cloud's chips for a GPU.

Example
    ``resources.limits["nvidia.com/gpu"]: 1``, ``instance_types = ["g5.xlarge"]``.
"""

import re
from functools import cache

from ..errors import CatalogError
from ..knowledge.data_path import data_path
from ..knowledge.datafile import load_data_file, require
from ..model import Resource
from .base import RuleContext

ID = "EP103"
NAME = "accelerator-dependency"
CATEGORY = "compute"
WEIGHT = 8
OPTIONS: dict = {}


@cache
def accelerators() -> dict:
    """accelerators.yaml, checked: service kinds and attribute names as sets, size patterns compiled."""
    path = data_path("providers") / "catalog" / "accelerators.yaml"
    data = load_data_file(path)
    loaded: dict = {
        key: frozenset(require(data, key, list, f"{path}:"))
        for key in ("service_kinds", "attributes", "blocks")
    }
    try:
        loaded["patterns"] = tuple(
            re.compile(p, re.I) for p in require(data, "instance_types", list, f"{path}:")
        )
    except (re.error, TypeError) as error:
        raise CatalogError(f"{path}: instance_types: invalid regular expression: {error}") from None
    return loaded


def check(resource: Resource, context: RuleContext):
    for marker in context.markers_of(resource, "gpu"):
        yield context.marker_finding(
            ID, WEIGHT, resource, marker, f"needs accelerator capacity at the target: {marker.replacement}"
        )
        return
    data = accelerators()
    if (
        resource.source != "terraform"
        or resource.is_data_source
        or resource.service_kind not in data["service_kinds"]
    ):
        return
    hit = _accelerator_at(resource.attributes, data["attributes"], data["patterns"], data["blocks"])
    if hit is not None:
        path, evidence = hit
        yield context.finding(
            ID,
            WEIGHT,
            resource,
            f"{resource.type} runs on accelerators ({evidence}): the target must offer the same capacity",
            path=path,
            evidence=evidence,
        )


def _accelerator_at(node, attributes, patterns, blocks, path=()):
    """(path, evidence) of the first accelerator size or block inside ``node``; None without one."""
    if isinstance(node, str):
        names = [step for step in path if isinstance(step, str)]
        if names and names[-1] in attributes and any(p.search(node) for p in patterns):
            return path, f"{names[-1]} = {node}"
        return None
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if key in blocks and value not in (None, False, [], {}, ""):
            return (*path, key), f"{key} block"
        hit = _accelerator_at(value, attributes, patterns, blocks, (*path, key))
        if hit is not None:
            return hit
    return None
