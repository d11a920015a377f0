"""The user's `.exitplan.yaml`: rule settings, waivers and workload grouping overrides.

A bad config stops the run with one line naming the key (exit code 2), unlike bad input files.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .knowledge.datafile import read_yaml

CONFIG_NAME = ".exitplan.yaml"


@dataclass(frozen=True)
class Waiver:
    rule: str
    resource: str  # glob over resource ids and addresses
    reason: str
    owner: str | None = None
    expires: dt.date | None = None

    def matches(self, rule: str, resource_id: str, address: str) -> bool:
        if self.rule not in (rule, "*"):
            return False
        return fnmatch.fnmatchcase(resource_id, self.resource) or fnmatch.fnmatchcase(address, self.resource)

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today


@dataclass(frozen=True)
class WorkloadOverride:
    name: str
    resources: tuple[str, ...]  # globs over resource ids and addresses


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = ()
    workloads: tuple[WorkloadOverride, ...] = ()
    catalog_dirs: tuple[Path, ...] = ()
    #: Per-cloud replacements of price-book keys (``egress: {aws: {tiers: [...]}}``), validated by the plan.
    egress: dict[str, Any] = field(default_factory=dict)
    transfer: Transfer = field(default_factory=lambda: Transfer())


@dataclass(frozen=True)
class Transfer:
    """The link an offline copy runs over: ``transfer: {link_gbit_s: 1, efficiency: 0.7}``."""

    link_gbit_s: float = 1.0
    efficiency: float = 0.7


def find_config(start: Path) -> Path | None:
    """`.exitplan.yaml` in ``start`` or the nearest folder above it."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    data = read_yaml(path, error=ConfigError)
    if data is None:
        return Config(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with the keys rules, waivers, workloads, catalogs")
    allowed = ("rules", "waivers", "workloads", "catalogs", "egress", "transfer")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ConfigError(f"{path}: {unknown[0]}: unknown key (expected {', '.join(allowed)})")
    return Config(
        path=path,
        rules=_rules(path, data.get("rules") or {}),
        waivers=tuple(_waiver(path, i, w) for i, w in enumerate(data.get("waivers") or [])),
        workloads=tuple(_override(path, i, w) for i, w in enumerate(data.get("workloads") or [])),
        catalog_dirs=tuple(
            (path.parent / d).resolve() for d in _strings(path, "catalogs", data.get("catalogs") or [])
        ),
        egress=_egress(path, data.get("egress") or {}),
        transfer=_transfer(path, data.get("transfer") or {}),
    )


def _egress(path: Path, value: Any) -> dict[str, Any]:
    """Checked as a whole by the price book when the plan is built (it knows the keys); here the shape."""
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ConfigError(
            f"{path}: egress: expected a mapping of cloud to price-book keys, e.g. {{aws: {{tiers: [...]}}}}"
        )
    return {str(k): dict(v) for k, v in value.items()}


def _transfer(path: Path, value: Any) -> Transfer:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: transfer: expected a mapping such as {{link_gbit_s: 1, efficiency: 0.7}}")
    unknown = sorted(set(value) - {"link_gbit_s", "efficiency"})
    if unknown:
        raise ConfigError(f"{path}: transfer.{unknown[0]}: unknown key (expected link_gbit_s, efficiency)")
    link = value.get("link_gbit_s", 1.0)
    if isinstance(link, bool) or not isinstance(link, (int, float)) or link <= 0:
        raise ConfigError(f"{path}: transfer.link_gbit_s: expected a number of Gbit/s above 0")
    efficiency = value.get("efficiency", 0.7)
    if isinstance(efficiency, bool) or not isinstance(efficiency, (int, float)) or not 0 < efficiency <= 1:
        raise ConfigError(f"{path}: transfer.efficiency: expected a fraction above 0, at most 1 (0.7 = 70 %)")
    return Transfer(float(link), float(efficiency))


def _rules(path: Path, rules: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: rules: expected a mapping of rule id to settings")
    result = {}
    for rule_id, settings in rules.items():
        where = f"{path}: rules.{rule_id}"
        if not isinstance(settings, dict):
            raise ConfigError(f"{where}: expected a mapping such as {{weight: 20}} or {{enabled: false}}")
        if "weight" in settings and (
            not isinstance(settings["weight"], int) or not 0 <= settings["weight"] <= 100
        ):
            raise ConfigError(f"{where}.weight: expected a whole number from 0 to 100")
        if "enabled" in settings and not isinstance(settings["enabled"], bool):
            raise ConfigError(f"{where}.enabled: expected true or false")
        result[str(rule_id)] = dict(settings)
    return result


def _waiver(path: Path, index: int, item: Any) -> Waiver:
    where = f"{path}: waivers[{index}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected a mapping with rule, resource and reason")
    for key in ("rule", "resource", "reason"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ConfigError(f"{where}.{key}: required (a waiver without a {key} is not accepted)")
    expires = item.get("expires")
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            raise ConfigError(f"{where}.expires: expected a date such as 2027-06-30") from None
    if expires is not None and not isinstance(expires, dt.date):
        raise ConfigError(f"{where}.expires: expected a date such as 2027-06-30")
    owner = item.get("owner")
    return Waiver(
        item["rule"], item["resource"], item["reason"].strip(), str(owner) if owner else None, expires
    )


def _override(path: Path, index: int, item: Any) -> WorkloadOverride:
    where = f"{path}: workloads[{index}]"
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise ConfigError(f"{where}.name: required")
    return WorkloadOverride(
        item["name"], tuple(_strings(path, f"workloads[{index}].resources", item.get("resources")))
    )


def _strings(path: Path, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {key}: expected a list of strings")
    return value
