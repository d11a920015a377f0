"""Capacity to rebuild: the machine sizes in the code → vCPU, memory and GPUs, times their counts, each
mapped to the target's nearest flavor (SCS names on OpenStack, the provider's own list otherwise)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..knowledge.capacity_sources import AttrPath, CapacitySource
from ..knowledge.flavors import CustomSize, Flavor, FlavorList
from ..knowledge.instance_types import InstanceTypes, Size
from ..model import Resource, Unknown
from .sizes import value_at


@dataclass(frozen=True)
class CapacityRow:
    resource: str  # resource id
    instance_type: str | None  # None: the code does not fix it
    type_source: str  # where the type was read (file:line), or why it is unknown
    count: int | None  # desired or fixed count; None when unknown
    min: int | None = None
    max: int | None = None
    vcpu: int | None = None  # per instance
    memory_gib: float | None = None
    gpus: int | None = None
    gpu_model: str | None = None
    size_verified: bool = True
    arch: str = "x86_64"
    alternatives: tuple[str, ...] = ()  # further instance types of a node group
    target_flavor: str | None = None
    flavor_verified: bool | None = None
    flavor_note: str | None = None
    count_note: str | None = None  # how the count was made up (a Multi-AZ standby, replicas per shard)
    conditional: bool = False  # exists only if a switch in the code is turned on: not in the totals


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or isinstance(value, Unknown):
        return None
    return int(value)


def _get(resource: Resource, path: AttrPath | None) -> Any:
    return value_at(resource, path) if path is not None else None


def _instance_type(resource: Resource, source: CapacitySource) -> tuple[str | None, tuple[str, ...], str]:
    for path in source.type_paths:
        value = value_at(resource, path)
        where = str(resource.value_location(path))
        if isinstance(value, list):
            names = [v for v in value if isinstance(v, str)]
            if names:
                return names[0], tuple(names[1:]), where
            if value:
                continue
        elif isinstance(value, str) and "${" not in value:
            return value, (), where
        elif isinstance(value, Unknown):
            return None, (), f"{where}: {'.'.join(map(str, path))} is {value} (unknown until Terraform runs)"
    if source.default_type:
        return source.default_type, (), f"{resource.location}: provider default"
    return None, (), f"{resource.location}: no instance type in the code"


def _counts(
    resource: Resource, source: CapacitySource
) -> tuple[int | None, int | None, int | None, str | None]:
    minimum, maximum = _count(_get(resource, source.min)), _count(_get(resource, source.max))
    if source.desired is not None or source.min is not None:
        desired = _count(_get(resource, source.desired))
        return (desired if desired is not None else minimum), minimum, maximum, None
    count = next((c for c in (_count(value_at(resource, p)) for p in source.count) if c is not None), 1)
    note = None
    if source.replicas_plus_one is not None:
        replicas = _count(_get(resource, source.replicas_plus_one)) or 0
        if replicas:
            note = f"{count} × (1 + {replicas} replicas)"
        count *= replicas + 1
    if source.standby_when is not None and _get(resource, source.standby_when) is True:
        note = f"{count} + standby"
        count += 1
    return count, None, None, note


def capacity_row(resource: Resource, source: CapacitySource, types: InstanceTypes) -> CapacityRow:
    name, alternatives, where = _instance_type(resource, source)
    count, minimum, maximum, count_note = _counts(resource, source)
    size: Size | None = types.lookup(resource.cloud, name) if name else None
    if size is None:
        note = "not in the instance-type table: size it by hand" if name else None
        return CapacityRow(
            resource.id, name, where, count, minimum, maximum, alternatives=alternatives, flavor_note=note
        )
    return CapacityRow(
        resource.id,
        name,
        where,
        count,
        minimum,
        maximum,
        size.vcpu,
        size.memory_gib,
        size.gpus,
        size.gpu_model,
        size.verified,
        size.arch,
        alternatives,
        count_note=count_note,
    )


def with_flavor(row: CapacityRow, flavors: FlavorList | None) -> CapacityRow:
    """The row with the target's nearest flavor, or a note saying why there is none."""
    if row.vcpu is None or row.memory_gib is None:
        return row
    if flavors is None:
        return replace(row, flavor_note="the target has no flavor list")
    found = flavors.nearest(row.vcpu, row.memory_gib, row.gpus or 0, row.arch, row.gpu_model)
    if isinstance(found, Flavor):
        return replace(row, target_flavor=found.name, flavor_verified=found.verified)
    if isinstance(found, CustomSize):
        memory = -(-row.memory_gib // found.memory_step_gib) * found.memory_step_gib
        name = f"{found.terraform_type}: {row.vcpu} cores, {memory:g} GiB"
        return replace(row, target_flavor=name, flavor_verified=found.verified)
    if row.gpus:
        note = flavors.gpu_note or f"no flavor with {row.gpus} GPU(s) in the list"
        return replace(row, flavor_note=note)
    return replace(row, flavor_note="larger than every flavor in the list: split it or ask the provider")


def capacity(
    resources: Sequence[Resource],
    sources: Mapping[str, CapacitySource],
    types: InstanceTypes,
    flavors: FlavorList | None,
) -> tuple[CapacityRow, ...]:
    rows = []
    for resource in resources:
        if resource.source != "terraform" or resource.is_data_source:
            continue
        source = sources.get(resource.type)
        if source is not None:
            rows.append(with_flavor(capacity_row(resource, source, types), flavors))
    return tuple(sorted(rows, key=lambda r: r.resource))


def totals(all_rows: Sequence[CapacityRow]) -> dict[str, float]:
    """vCPU, memory and GPUs at the desired counts, over the rows whose size is known and that exist
    with the values in the code."""
    rows = all_rows
    rows = [r for r in rows if not r.conditional]
    known = [r for r in rows if r.vcpu is not None and r.count is not None]
    return {
        "vcpu": sum(r.vcpu * r.count for r in known),
        "memory_gib": round(sum(r.memory_gib * r.count for r in known), 2),
        "gpus": sum((r.gpus or 0) * r.count for r in known),
        "unknown": len(rows) - len(known),
        "conditional": len(all_rows) - len(rows),
    }
