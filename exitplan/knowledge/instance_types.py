"""Hyperscaler instance types, database classes and cache node types → vCPU, memory and GPUs.

The data is ``providers/catalog/instance-types.yaml``: exact entries per cloud, then ordered rules for the
families whose sizes follow a pattern (``db.<EC2 type>``, ``Standard_D<N>s_v5``, ``db-custom-<vCPU>-<MiB>``).
A type neither lists nor matches is unknown: ``lookup`` returns None and the caller says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from .catalog_document import CatalogDocument, KeyPath, kind_of
from .data_path import data_path
from .datafile import read_yaml

CLOUDS = ("aws", "azure", "gcp")
_TYPE_KEYS = frozenset(
    {
        "vcpu",
        "memory_gib",
        "gpus",
        "gpu_model",
        "arch",
        "verified",
        "same_as",
        "shared_core",
        "fractional_vcpu",
    }
)
_RULE_KEYS = frozenset(
    {
        "pattern",
        "same_as",
        "vcpu_group",
        "size_group",
        "memory_gib_per_vcpu",
        "memory_mib_group",
        "max_vcpu",
        "exceptions",
        "note",
        "checked_against",
        "arm64_suffix",
        "verified",
    }
)
#: AWS size words: ``medium`` = 1 vCPU, ``large`` = 2, ``xlarge`` = 4, ``<N>xlarge`` = 4 × N.
_AWS_SIZES = {"medium": 1, "large": 2, "xlarge": 4}


@dataclass(frozen=True)
class Size:
    vcpu: int
    memory_gib: float
    gpus: int = 0
    gpu_model: str | None = None
    verified: bool = True
    derived_by: str | None = None  # the rule's pattern when the size was derived, not listed
    arch: str = "x86_64"


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    same_as: int | None
    vcpu_group: int | None
    size_group: int | None
    per_vcpu: float | Mapping[str, float] | None
    memory_mib_group: int | None
    max_vcpu: int | None
    exceptions: Mapping[str, float]
    arm64_suffix: str | None = None  # group 1 ending in this names an arm64 family (AWS Graviton: "g")
    verified: bool = True  # False: the rule itself was not checked against a provider table


@dataclass(frozen=True)
class InstanceTypes:
    as_of: str
    sources: Mapping[str, str]
    types: Mapping[str, Mapping[str, Size]]  # cloud → type name → size
    rules: Mapping[str, tuple[_Rule, ...]]

    def lookup(self, cloud: str | None, name: Any) -> Size | None:
        """The size of ``name`` on ``cloud``, listed or derived by a family rule; None when unknown."""
        if not isinstance(name, str) or cloud not in self.types:
            return None
        return self._lookup(cloud, name, 0)

    def _lookup(self, cloud: str, name: str, depth: int) -> Size | None:
        listed = self.types[cloud].get(name)
        if listed is not None or depth > 2:
            return listed
        for rule in self.rules.get(cloud, ()):
            match = rule.pattern.fullmatch(name)
            if match is None:
                continue
            if rule.same_as is not None:
                found = self._lookup(cloud, match[rule.same_as], depth + 1)
                if found is not None:
                    return found if rule.verified else replace(found, verified=False)
                continue
            size = _derive(rule, name, match)
            if size is not None:
                return size if rule.verified else replace(size, verified=False)
        return None


def _derive(rule: _Rule, name: str, match: re.Match[str]) -> Size | None:
    if rule.size_group is not None:
        word = match[rule.size_group]
        if word in _AWS_SIZES:
            vcpu = _AWS_SIZES[word]
        else:
            count = word.removesuffix("xlarge")
            if not count.isdecimal():
                return None
            vcpu = 4 * int(count)
    elif rule.vcpu_group is not None:
        vcpu = int(match[rule.vcpu_group])
    else:
        return None
    if rule.max_vcpu is not None and vcpu > rule.max_vcpu and name not in rule.exceptions:
        return None
    if name in rule.exceptions:
        memory = rule.exceptions[name]
    elif rule.memory_mib_group is not None:
        memory = int(match[rule.memory_mib_group]) / 1024
    elif isinstance(rule.per_vcpu, Mapping):
        ratio = rule.per_vcpu.get(match[1][:1])
        if ratio is None:
            return None
        memory = vcpu * ratio
    elif rule.per_vcpu is not None:
        memory = vcpu * rule.per_vcpu
    else:
        return None
    arm = rule.arm64_suffix is not None and match[1].endswith(rule.arm64_suffix)
    return Size(vcpu, memory, 0, None, True, rule.pattern.pattern, "arm64" if arm else "x86_64")


@cache
def load_instance_types(path: Path | None = None) -> InstanceTypes:
    path = path or data_path("providers") / "catalog" / "instance-types.yaml"
    doc = CatalogDocument(path, read_yaml(path))
    data = doc.data
    as_of = doc.string(data.get("as_of"), ("as_of",))
    sources = doc.mapping(data.get("sources"), ("sources",))
    for key, value in sources.items():
        doc.string(value, ("sources", key))
    types_data = doc.mapping(data.get("types"), ("types",))
    doc.known_keys(types_data, frozenset(CLOUDS), ("types",))
    types = {
        cloud: {
            name: _size(doc, entry, ("types", cloud, name))
            for name, entry in doc.mapping(types_data.get(cloud, {}), ("types", cloud)).items()
        }
        for cloud in CLOUDS
    }
    rules_data = doc.mapping(data.get("rules", {}), ("rules",))
    doc.known_keys(rules_data, frozenset(CLOUDS), ("rules",))
    rules = {}
    for cloud, entries in rules_data.items():
        if not isinstance(entries, list):
            doc.fail(("rules", cloud), f"must be a list of rules, found {kind_of(entries)}")
        rules[cloud] = tuple(_rule(doc, entry, ("rules", cloud, i)) for i, entry in enumerate(entries))
    for cloud, sizes in types.items():
        for name, size in sizes.items():
            same_as = types_data[cloud][name].get("same_as") if cloud in types_data else None
            if same_as is not None and same_as in sizes and sizes[same_as] != size:
                doc.fail(("types", cloud, name, "same_as"), f"{same_as} has a different size")
    return InstanceTypes(as_of, sources, types, rules)


def _number(
    doc: CatalogDocument, value: Any, path: KeyPath, *, whole: bool = False, zero: bool = False
) -> Any:
    ok = isinstance(value, int) if whole else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok or value < 0 or (value == 0 and not zero):
        wanted = "a whole number" if whole else "a number"
        doc.fail(path, f"must be {wanted}{' ≥ 0' if zero else ' > 0'}, found {kind_of(value)}")
    return value


def _size(doc: CatalogDocument, entry: Any, path: KeyPath) -> Size:
    entry = doc.mapping(entry, path)
    doc.known_keys(entry, _TYPE_KEYS, path)
    for key in ("vcpu", "memory_gib", "gpus"):
        if key not in entry:
            doc.fail((*path, key), "missing")
    verified = entry.get("verified", True)
    if not isinstance(verified, bool):
        doc.fail((*path, "verified"), f"must be true or false, found {kind_of(verified)}")
    model = entry.get("gpu_model")
    arch = entry.get("arch", "x86_64")
    if arch not in ("x86_64", "arm64"):
        doc.fail((*path, "arch"), f"must be x86_64 or arm64, found {kind_of(arch)}")
    return Size(
        _number(doc, entry["vcpu"], (*path, "vcpu"), whole=True),
        _number(doc, entry["memory_gib"], (*path, "memory_gib")),
        _number(doc, entry["gpus"], (*path, "gpus"), whole=True, zero=True),
        doc.string(model, (*path, "gpu_model")) if model is not None else None,
        verified,
        arch=arch,
    )


def _group(doc: CatalogDocument, entry: dict, key: str, path: KeyPath, groups: int) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= groups:
        doc.fail((*path, key), f"must name a group of the pattern (1..{groups}), found {kind_of(value)}")
    return value


def _rule(doc: CatalogDocument, entry: Any, path: KeyPath) -> _Rule:
    entry = doc.mapping(entry, path)
    doc.known_keys(entry, _RULE_KEYS, path)
    text = doc.string(entry.get("pattern"), (*path, "pattern"))
    try:
        pattern = re.compile(text)
    except re.error as exc:
        doc.fail((*path, "pattern"), f"not a regular expression: {exc}")
    groups = pattern.groups
    same_as = _group(doc, entry, "same_as", path, groups)
    vcpu_group = _group(doc, entry, "vcpu_group", path, groups)
    size_group = _group(doc, entry, "size_group", path, groups)
    mib_group = _group(doc, entry, "memory_mib_group", path, groups)
    per_vcpu = entry.get("memory_gib_per_vcpu")
    if isinstance(per_vcpu, Mapping):
        per_vcpu = {
            k: _number(doc, v, (*path, "memory_gib_per_vcpu", k))
            for k, v in doc.mapping(per_vcpu, (*path, "memory_gib_per_vcpu")).items()
        }
    elif per_vcpu is not None:
        per_vcpu = _number(doc, per_vcpu, (*path, "memory_gib_per_vcpu"))
    if same_as is None:
        if vcpu_group is None and size_group is None:
            doc.fail(path, "needs same_as, vcpu_group or size_group")
        if per_vcpu is None and mib_group is None:
            doc.fail(path, "needs memory_gib_per_vcpu or memory_mib_group")
    exceptions = {
        name: _number(doc, v, (*path, "exceptions", name))
        for name, v in doc.mapping(entry.get("exceptions", {}), (*path, "exceptions")).items()
    }
    max_vcpu = entry.get("max_vcpu")
    if max_vcpu is not None:
        _number(doc, max_vcpu, (*path, "max_vcpu"), whole=True)
    for key in ("note", "checked_against"):
        if key in entry:
            doc.string(entry[key], (*path, key))
    suffix = entry.get("arm64_suffix")
    if suffix is not None:
        doc.string(suffix, (*path, "arm64_suffix"))
    verified = entry.get("verified", True)
    if not isinstance(verified, bool):
        doc.fail((*path, "verified"), f"must be true or false, found {kind_of(verified)}")
    return _Rule(
        pattern, same_as, vcpu_group, size_group, per_vcpu, mib_group, max_vcpu, exceptions, suffix, verified
    )
