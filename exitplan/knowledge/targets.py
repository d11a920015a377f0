"""Target provider catalogs: what each migration target offers per service kind.

One YAML file per target lives in ``providers/`` (``providers/ovhcloud.yaml`` …). A user can add
targets, or replace a built-in one entirely, with files of the same shape in their own directories.
Every file is validated on load; the first problem stops the run with one line that names the file
and the key path (``providers/x.yaml: services.cache.managed: expected true or false``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from exitplan.errors import CatalogError
from exitplan.knowledge.data_path import data_path
from exitplan.knowledge.datafile import read_yaml
from exitplan.knowledge.flavors import FlavorList, flavor_list_beside
from exitplan.knowledge.service_catalog import INTERFACES

SCHEMA_VERSION = 1

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TERRAFORM_TYPE = re.compile(r"^[a-z][a-z0-9_]*$")

_TOP_KEYS = ("schema_version", "name", "title", "as_of", "provider", "services")
_PROVIDER_KEYS = (
    "legal_seat",
    "jurisdiction",
    "eu_only_ownership",
    "openstack_based",
    "certifications",
    "regions",
    "terraform",
    "docs",
)
_OFFERING_KEYS = (
    "offering",
    "managed",
    "terraform_type",
    "interfaces",
    "method",
    "tools",
    "gaps",
    "docs",
    "instead",
    "variants",
)


@dataclass(frozen=True)
class Certification:
    name: str
    verified: bool
    source: str | None = None


@dataclass(frozen=True)
class Region:
    id: str
    location: str


@dataclass(frozen=True)
class Offering:
    """What a target offers for one service kind.

    ``offering`` is None when the target has no equivalent; ``instead`` then says what to do. An
    offering that is not ``managed`` is open source the team runs itself (usually on the target's
    Kubernetes). ``variants`` hold the offering for a specific interface where it differs from the
    main one (MariaDB beside PostgreSQL, …), keyed by interface.
    """

    kind: str
    offering: str | None
    managed: bool
    terraform_type: str | None
    interfaces: tuple[str, ...]
    method: str
    tools: tuple[str, ...]
    gaps: tuple[str, ...]
    docs: str | None
    instead: str | None
    variants: Mapping[str, Offering] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def status(self) -> str:
        """``managed``, ``self-run`` or ``none``."""
        if self.offering is None:
            return "none"
        return "managed" if self.managed else "self-run"


@dataclass(frozen=True)
class Target:
    name: str
    title: str
    as_of: str
    legal_seat: str
    jurisdiction: str
    eu_only_ownership: bool | None
    openstack_based: bool
    certifications: tuple[Certification, ...]
    regions: tuple[Region, ...]
    terraform_source: str
    terraform_also: tuple[str, ...]
    docs: str | None
    services: Mapping[str, Offering]
    origin: str = ""  # the file it was loaded from, as shown in messages
    flavors: FlavorList | None = None  # its VM sizes, from flavors/<name>.yaml beside the catalog

    def offering_for(self, service_kind: str, interface: str | None = None) -> Offering | None:
        """The offering for a service kind, or None when the catalog does not cover the kind.

        With an ``interface``, a variant for that interface wins over the kind's main offering; an
        interface the target does not speak still gets the main offering (the migration then changes
        protocol, which ``Offering.interfaces`` lets the caller see).
        """
        offering = self.services.get(service_kind)
        if offering is None or interface is None:
            return offering
        return offering.variants.get(interface, offering)


# --- loading -----------------------------------------------------------------------------------------


def builtin_dir() -> Path:
    """The directory that holds the built-in catalogs."""
    return data_path("providers")


def load_targets(extra_dirs: Sequence[Path] = ()) -> dict[str, Target]:
    """All target catalogs, sorted by name.

    A file in one of ``extra_dirs`` replaces the built-in catalog of the same name entirely; later
    directories win over earlier ones.
    """
    files = _catalog_files(extra_dirs)
    kinds = _service_kinds()
    return {name: _load_file(path, label, kinds) for name, (path, label) in sorted(files.items())}


def load_target(name: str, extra_dirs: Sequence[Path] = ()) -> Target:
    files = _catalog_files(extra_dirs)
    if name not in files:
        available = ", ".join(sorted(files))
        raise CatalogError(f"unknown target '{name}'; available: {available}")
    path, label = files[name]
    return _load_file(path, label, _service_kinds())


def _catalog_files(extra_dirs: Sequence[Path]) -> dict[str, tuple[Path, str]]:
    """Catalog name → (path, label used in messages)."""
    found: dict[str, tuple[Path, str]] = {}
    for path in sorted(builtin_dir().glob("*.yaml")):
        found[path.stem] = (path, f"providers/{path.name}")
    for directory in extra_dirs:
        directory = Path(directory)
        if not directory.is_dir():
            raise CatalogError(f"{directory}: catalog directory not found")
        for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
            found[path.stem] = (path, str(path))
    return found


def _read_yaml(path: Path, label: str) -> Any:
    return read_yaml(path, label)


def _service_kinds() -> frozenset[str]:
    label = "providers/catalog/service-kinds.yaml"
    data = _read_yaml(builtin_dir() / "catalog" / "service-kinds.yaml", label)
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), dict):
        raise CatalogError(f"{label}: kinds: expected a mapping")
    return frozenset(data["kinds"])


def _load_file(path: Path, label: str, kinds: frozenset[str]) -> Target:
    target = _Validator(label).target(_read_yaml(path, label), path.stem, kinds)
    return replace(target, flavors=flavor_list_beside(path, label, target.name))


# --- validation --------------------------------------------------------------------------------------


class _Validator:
    """Turns one parsed catalog into a Target, or raises CatalogError naming file and key path."""

    def __init__(self, label: str) -> None:
        self.label = label

    def fail(self, where: str, message: str) -> CatalogError:
        return CatalogError(f"{self.label}: {where}: {message}" if where else f"{self.label}: {message}")

    def mapping(self, value: Any, where: str, allowed: Sequence[str]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, "expected a mapping")
        for key in value:
            if key not in allowed:
                raise self.fail(_join(where, str(key)), "unknown key")
        return value

    def required(self, data: dict, key: str, where: str) -> Any:
        if key not in data:
            raise self.fail(_join(where, key), "missing")
        return data[key]

    def text(self, value: Any, where: str, *, nullable: bool = False) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "expected a non-empty string" + (" or null" if nullable else ""))
        return value

    def flag(self, value: Any, where: str, *, nullable: bool = False) -> bool | None:
        if value is None and nullable:
            return None
        if not isinstance(value, bool):
            raise self.fail(where, "expected true or false" + (" or null" if nullable else ""))
        return value

    def texts(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(where, "expected a list of strings")
        items = []
        for index, item in enumerate(value):
            item_where = f"{where}[{index}]"
            items.append(self.text(item, item_where))
        return tuple(items)

    def interfaces(self, value: Any, where: str) -> tuple[str, ...]:
        names = self.texts(_as_list(value), where)
        for index, name in enumerate(names):
            if name not in INTERFACES:
                raise self.fail(f"{where}[{index}]", f"unknown interface '{name}'")
        return names

    def target(self, data: Any, file_name: str, kinds: frozenset[str]) -> Target:
        data = self.mapping(data, "", _TOP_KEYS)
        version = self.required(data, "schema_version", "")
        if version != SCHEMA_VERSION or isinstance(version, bool):
            raise self.fail("schema_version", f"expected {SCHEMA_VERSION}, got {version!r}")
        name = self.text(self.required(data, "name", ""), "name")
        if name != file_name:
            raise self.fail("name", f"'{name}' does not match the file name '{file_name}'")
        if not _NAME.match(name):
            raise self.fail("name", "expected lower-case letters, digits and dashes")
        title = self.text(self.required(data, "title", ""), "title")
        as_of = self.required(data, "as_of", "")
        as_of = as_of.isoformat() if hasattr(as_of, "isoformat") else as_of
        if not isinstance(as_of, str) or not _DATE.match(as_of):
            raise self.fail("as_of", "expected a date as YYYY-MM-DD")

        provider = self.mapping(self.required(data, "provider", ""), "provider", _PROVIDER_KEYS)
        terraform = self.mapping(
            self.required(provider, "terraform", "provider"), "provider.terraform", ("source", "also")
        )
        services = self.required(data, "services", "")
        if not isinstance(services, dict):
            raise self.fail("services", "expected a mapping of service kind to offering")
        for kind in services:
            if kind not in kinds:
                raise self.fail(f"services.{kind}", f"unknown service kind '{kind}'")
        offerings = {
            kind: self.offering(kind, value, f"services.{kind}") for kind, value in sorted(services.items())
        }
        return Target(
            name=name,
            title=title,
            as_of=as_of,
            legal_seat=self.text(self.required(provider, "legal_seat", "provider"), "provider.legal_seat"),
            jurisdiction=self.text(
                self.required(provider, "jurisdiction", "provider"), "provider.jurisdiction"
            ),
            eu_only_ownership=self.flag(
                self.required(provider, "eu_only_ownership", "provider"),
                "provider.eu_only_ownership",
                nullable=True,
            ),
            openstack_based=self.flag(
                self.required(provider, "openstack_based", "provider"), "provider.openstack_based"
            ),
            certifications=self.certifications(provider.get("certifications")),
            regions=self.regions(provider.get("regions")),
            terraform_source=self.text(
                self.required(terraform, "source", "provider.terraform"), "provider.terraform.source"
            ),
            terraform_also=self.texts(terraform.get("also"), "provider.terraform.also"),
            docs=self.text(provider.get("docs"), "provider.docs", nullable=True),
            services=MappingProxyType(offerings),
            origin=self.label,
        )

    def certifications(self, value: Any) -> tuple[Certification, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail("provider.certifications", "expected a list")
        result = []
        for index, item in enumerate(value):
            where = f"provider.certifications[{index}]"
            item = self.mapping(item, where, ("name", "verified", "source"))
            verified = self.flag(self.required(item, "verified", where), f"{where}.verified")
            source = self.text(item.get("source"), f"{where}.source", nullable=True)
            if verified and source is None:
                raise self.fail(f"{where}.source", "required when verified is true")
            name = self.text(self.required(item, "name", where), f"{where}.name")
            result.append(Certification(name, verified, source))
        return tuple(result)

    def regions(self, value: Any) -> tuple[Region, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail("provider.regions", "expected a list")
        result = []
        for index, item in enumerate(value):
            where = f"provider.regions[{index}]"
            item = self.mapping(item, where, ("id", "location"))
            region_id = self.text(self.required(item, "id", where), f"{where}.id")
            location = self.text(self.required(item, "location", where), f"{where}.location")
            result.append(Region(region_id, location))
        return tuple(result)

    def offering(self, kind: str, value: Any, where: str, base: Offering | None = None) -> Offering:
        allowed = _OFFERING_KEYS if base is None else tuple(k for k in _OFFERING_KEYS if k != "variants")
        data = self.mapping(value, where, allowed)

        def pick(key: str, default: Any) -> Any:
            if key in data:
                return data[key]
            if base is not None:
                return getattr(base, key)
            return default

        if base is None:
            offering = self.text(self.required(data, "offering", where), f"{where}.offering", nullable=True)
            managed = self.flag(self.required(data, "managed", where), f"{where}.managed")
            method = self.text(self.required(data, "method", where), f"{where}.method")
        else:
            offering = self.text(pick("offering", None), f"{where}.offering", nullable=True)
            managed = self.flag(pick("managed", None), f"{where}.managed")
            method = self.text(pick("method", None), f"{where}.method")
        terraform_type = self.text(pick("terraform_type", None), f"{where}.terraform_type", nullable=True)
        if terraform_type is not None and not _TERRAFORM_TYPE.match(terraform_type):
            raise self.fail(f"{where}.terraform_type", f"invalid resource type '{terraform_type}'")
        interfaces = pick("interfaces", None)
        if base is not None and "interfaces" not in data:
            interfaces = [where.rsplit(".", 1)[-1]]
        instead = self.text(pick("instead", None), f"{where}.instead", nullable=True)
        if offering is None and instead is None:
            raise self.fail(f"{where}.instead", "required when offering is null")
        if offering is None and managed:
            raise self.fail(f"{where}.managed", "must be false when offering is null")
        result = Offering(
            kind=kind,
            offering=offering,
            managed=managed,
            terraform_type=terraform_type,
            interfaces=self.interfaces(interfaces, f"{where}.interfaces"),
            method=method,
            tools=self.texts(_as_list(pick("tools", None)), f"{where}.tools"),
            gaps=self.texts(_as_list(pick("gaps", None)), f"{where}.gaps"),
            docs=self.text(pick("docs", None), f"{where}.docs", nullable=True),
            instead=instead,
        )
        variants = data.get("variants") if base is None else None
        if variants is None:
            return result
        if not isinstance(variants, dict):
            raise self.fail(f"{where}.variants", "expected a mapping of interface to offering")
        built = {}
        for interface, variant in sorted(variants.items()):
            variant_where = f"{where}.variants.{interface}"
            if interface not in INTERFACES:
                raise self.fail(variant_where, f"unknown interface '{interface}'")
            built[interface] = self.offering(kind, variant, variant_where, base=result)
        return replace(result, variants=MappingProxyType(built))


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _as_list(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
