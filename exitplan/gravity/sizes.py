"""How much data each store holds, read from the code, and how long copying it takes.

Sizes come from the argument that decides them (the ``.tfvars`` line that overrides a variable's default,
not the default), in the unit the provider documents, converted to GB (10^9 bytes; 1 GiB = 1.0737 GB).
Where the code cannot know (object buckets, DynamoDB, Aurora), the size is None and the store carries the
read-only command that measures it, plus the id of the human-input region where a person writes the
number; a number written there (``750 GB``, ``1.5 TiB``) is used from then on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..config import Transfer
from ..knowledge.instance_types import InstanceTypes
from ..knowledge.size_rules import UNITS, CountAt, SizeRule, SizeRules
from ..model import Resource, Unknown

GB = 10**9
#: Kubernetes quantity suffixes (resource.k8s.io quantities), in bytes.
_QUANTITY = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
_QUANTITY.update({"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60})
_QUANTITY_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)([kMGTPE]i?|Ki)?\s*$")
#: A size a person writes: a number (``.`` or ``,`` as the decimal mark; ``,`` or a space before groups of
#: three digits) and a unit, B/KB/MB/GB/TB/PB or KiB/MiB/GiB/TiB/PiB (case-insensitive; "Gi", "G" too).
_HUMAN_RE = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[ ,]\d{3})+|\d+)(?:[.,](\d+))?\s*([kmgtp]i?b?|b)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class DataSize:
    resource: str  # resource id
    size_gb: float | None
    size_source: str  # where the size was read, or why it is unknown
    measure: str | None = None  # the read-only command that measures it
    region: str | None = None  # human-input region id, when the code cannot know the size
    volume: bool = True  # False: moves as configuration or drains (keys, DNS, queues)
    transfer_hours: float | None = None
    #: Set when the store exists only if a switch in the code is turned on (``count = var.x ? 1 : 0``):
    #: the condition's text and place. Such a store is listed, not counted in totals or egress.
    conditional: str | None = None


def quantity_bytes(value: Any) -> int | None:
    """A Kubernetes quantity (``10Gi``, ``500M``, ``1.5Ti``) in bytes; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    match = _QUANTITY_RE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    return int(float(match[1]) * _QUANTITY[match[2] or ""])


def parse_human_size(text: str) -> float | None:
    """GB in what a person wrote (``750 GB``, ``1.5 TiB``, ``2,5 TB``, ``1 200 GiB``); None without one.

    The first number followed by a unit counts; a unit with ``i`` is binary (GiB = 2^30 bytes), without
    it decimal (GB = 10^9 bytes); a bare ``G``/``T`` is taken as decimal."""
    for match in _HUMAN_RE.finditer(text):
        whole, fraction, unit = match[1], match[2], match[3]
        number = float(re.sub(r"[ ,]", "", whole) + (f".{fraction}" if fraction else ""))
        key = unit.upper().replace("IB", "iB")
        key = key if key.endswith("B") else key + "B"
        key = key[0] + key[1:].replace("I", "i")
        if key in UNITS:
            return round(number * UNITS[key] / GB, 3)
    return None


def region_id(resource_id: str, taken: set[str]) -> str:
    """A human-input region id for a store's size, unique among ``taken``."""
    slug = re.sub(r"[^a-z0-9.]+", "-", resource_id.lower()).strip("-.") or "store"
    base, number = f"data/{slug}/size", 2
    found = base
    while found in taken:
        found, number = f"{base}-{number}", number + 1
    taken.add(found)
    return found


def transfer_hours(size_gb: float, transfer: Transfer) -> float:
    """Hours to copy ``size_gb`` over the link at its efficiency (GB × 8 / effective Gbit/s)."""
    return round(size_gb * 8 / (transfer.link_gbit_s * transfer.efficiency) / 3600, 2)


def value_at(resource: Resource, path: tuple) -> Any:
    """The attribute at ``path``; a block index (``ebs_options.0``) also reads a module input that is one
    object (``ebs_options = {volume_size = 64}``)."""
    value: Any = resource.attributes
    for step in path:
        if isinstance(step, int) and isinstance(value, Mapping):
            continue
        if isinstance(value, Mapping) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and -len(value) <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or isinstance(value, Unknown):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _fmt(number: float) -> str:
    return f"{number:g}" if number < 1e6 else f"{number:.0f}"


def _where(resource: Resource, path: tuple) -> str:
    return str(resource.value_location(path))


def _count(resource: Resource, counts: tuple[CountAt, ...]) -> tuple[int, str]:
    for count in counts:
        value = _number(value_at(resource, count.path))
        if value is not None and value >= 1:
            return int(
                value
            ), f" × {int(value)} ({'.'.join(map(str, count.path))}, {_where(resource, count.path)})"
    if counts:
        return counts[0].default, ""
    return 1, ""


def _name(resource: Resource, paths: tuple, label: str) -> str:
    for path in paths:
        value = value_at(resource, path)
        if isinstance(value, str) and value and "${" not in value and "(sensitive" not in value:
            return value
    return f"<{label} of {resource.address}>"


def _measure(resource: Resource, rule: SizeRule) -> str | None:
    if rule.measure is None:
        return None
    text = rule.measure.replace("{name}", _name(resource, rule.name, "name"))
    return text.replace("{group}", _name(resource, rule.group, "resource group"))


def terraform_size(resource: Resource, rule: SizeRule, types: InstanceTypes) -> DataSize:
    times, times_text = _count(resource, rule.times)
    note = f"; {rule.note}" if rule.note else ""
    for size in rule.sizes:
        value = _number(value_at(resource, size.path))
        if value is None:
            continue
        gb = round(value * UNITS[size.unit] * times / GB, 3)
        attribute = ".".join(map(str, size.path))
        source = f"{_where(resource, size.path)}: {attribute} = {_fmt(value)} {size.unit}{times_text}"
        if rule.grows_to is not None:
            limit = _number(value_at(resource, rule.grows_to.path))
            if limit is not None and limit > value:
                grows = ".".join(map(str, rule.grows_to.path))
                source += f"; may grow to {_fmt(limit)} {rule.grows_to.unit} ({grows}, {_where(resource, rule.grows_to.path)})"
        return DataSize(resource.id, gb, source + note)
    if rule.memory_of is not None:
        node_type = value_at(resource, rule.memory_of)
        size = types.lookup(resource.cloud, node_type)
        attribute = ".".join(map(str, rule.memory_of))
        if size is not None:
            gb = round(size.memory_gib * 2**30 * times / GB, 3)
            flag = " (unverified size)" if not size.verified else ""
            source = f"{_where(resource, rule.memory_of)}: {attribute} = {node_type}, {_fmt(size.memory_gib)} GiB{flag}{times_text}"
            return DataSize(resource.id, gb, source + note)
        shown = node_type if isinstance(node_type, str) else "unknown"
        return DataSize(
            resource.id,
            None,
            f"{attribute} = {shown}: not in the instance-type table",
            _measure(resource, rule),
        )
    reason = "the code does not state the size" + (f" ({rule.note})" if rule.note else "")
    return DataSize(resource.id, None, reason, _measure(resource, rule))


def kubernetes_size(resource: Resource) -> DataSize | None:
    """A claim's requested storage; a StatefulSet's claim templates × its replicas. None: not a store."""
    if resource.type == "PersistentVolumeClaim":
        path = ("spec", "resources", "requests", "storage")
        requested = resource.get(*path)
        found = quantity_bytes(requested)
        if found is None:
            return DataSize(
                resource.id, None, "spec.resources.requests.storage is not set", _kubectl_pvc(resource)
            )
        where = resource.location_of(path)
        return DataSize(resource.id, round(found / GB, 3), f"{where}: requests.storage = {requested}")
    if resource.type != "StatefulSet":
        return None
    templates = resource.get("spec", "volumeClaimTemplates", default=[])
    if not isinstance(templates, list) or not templates:
        return DataSize(
            resource.id,
            None,
            "no volumeClaimTemplates: its data is in the claims it mounts, or in the pod",
            volume=False,
        )
    replicas = _number(resource.get("spec", "replicas"))
    count = int(replicas) if replicas is not None and replicas >= 1 else 1
    total, parts = 0, []
    for index, template in enumerate(templates):
        path = ("spec", "volumeClaimTemplates", index, "spec", "resources", "requests", "storage")
        requested = resource.get(*path)
        found = quantity_bytes(requested)
        if found is None:
            return DataSize(
                resource.id,
                None,
                f"volumeClaimTemplates[{index}] requests no storage",
                _kubectl_pvc(resource),
            )
        total += found
        name = template.get("metadata", {}).get("name", index) if isinstance(template, Mapping) else index
        parts.append(f"{resource.location_of(path)}: {name} requests {requested}")
    replicas_where = (
        f"replicas, {resource.location_of(('spec', 'replicas'))}"
        if replicas is not None
        else "replicas default"
    )
    source = "; ".join(parts) + f" × {count} ({replicas_where})"
    return DataSize(resource.id, round(total * count / GB, 3), source)


def _kubectl_pvc(resource: Resource) -> str:
    """The claim's bound capacity; for a StatefulSet, its claims (named <template>-<set>-<ordinal>)."""
    namespace = f" -n {resource.namespace}" if resource.namespace else ""
    if resource.type == "PersistentVolumeClaim":
        return f"kubectl get pvc {resource.name}{namespace} -o jsonpath='{{.status.capacity.storage}}'"
    columns = "NAME:.metadata.name,CAPACITY:.status.capacity.storage"
    return f"kubectl get pvc{namespace} -o custom-columns={columns} | grep -- '-{resource.name}-'"


def store_size(resource: Resource, rules: SizeRules, types: InstanceTypes) -> DataSize | None:
    """The size of one stateful resource as the code states it; None when it is not a data store."""
    if resource.source == "kubernetes":
        return kubernetes_size(resource)
    rule = rules.terraform.get(resource.type)
    if rule is not None:
        return terraform_size(resource, rule, types)
    if resource.service_kind in rules.no_volume_kinds:
        return DataSize(resource.id, None, rules.no_volume_kinds[resource.service_kind], volume=False)
    return DataSize(
        resource.id, None, f"no size rule for {resource.type}: measure it in the provider's console"
    )


def with_human_input(
    sizes: list[DataSize], written: Mapping[str, str], transfer: Transfer
) -> tuple[DataSize, ...]:
    """Region ids for the sizes the code does not know, the numbers people wrote there, transfer times."""
    taken: set[str] = set()
    result = []
    for size in sizes:
        if size.size_gb is None and size.volume and not size.conditional:
            region = region_id(size.resource, taken)
            number = parse_human_size(written.get(region, ""))
            size = replace(size, region=region)
            if number is not None:
                size = replace(
                    size, size_gb=number, size_source=f"written by hand in EXIT-PLAN.md ({region})"
                )
        if size.size_gb is not None:
            size = replace(size, transfer_hours=transfer_hours(size.size_gb, transfer))
        if size.conditional:
            size = replace(size, size_source=f"{size.size_source}; only if {size.conditional} (not counted)")
        result.append(size)
    return tuple(result)
