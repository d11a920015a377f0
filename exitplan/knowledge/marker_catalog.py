"""The marker catalog: load, validate and compile the coupling markers kept as data.

The files are ``providers/catalog/kubernetes-markers.yaml`` and ``endpoint-patterns.yaml``;
:func:`load_markers` turns them into a :class:`MarkerCatalog`, and a problem raises ``CatalogError`` naming
the file and key path. Finding markers in resources is ``markers``' job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from exitplan.errors import CatalogError
from exitplan.knowledge.data_path import data_path
from exitplan.knowledge.datafile import load_data_file
from exitplan.knowledge.regex_needles import needles

SCHEMA_VERSION = 1
MARKER_FILES = ("kubernetes-markers.yaml", "endpoint-patterns.yaml")
LOCKIN_LEVELS = ("none", "low", "medium", "high")
CONFIDENCES = ("explicit", "inferred")

#: Places compared by exact key / by key prefix / by a regular expression searched in the text.
EXACT_PLACES = ("annotation", "label", "env")
PREFIX_PLACES = {"annotation_prefix": "annotation", "label_prefix": "label"}
SEARCH_PLACES = ("image", "value", "env_pattern")
#: Places whose names compare exactly, or as ``^regex`` or ``*.suffix``.
NAME_PLACES = (
    "resource_name",
    "node_selector",
    "provisioner",
    "csi_driver",
    "volume_type",
    "ingress_class",
    "ingress_controller",
    "gateway_class",
    "gateway_controller",
    "api_group",
)
PLACES = (*EXACT_PLACES, *PREFIX_PLACES, *SEARCH_PLACES, *NAME_PLACES, "field")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class MarkerSpec:
    id: str
    cloud: str
    category: str
    lockin: str
    replacement: str
    confidence: str
    place: str
    key: str | None = None  # annotation, label, env: the key (or its prefix)
    prefix: bool = False
    pattern: re.Pattern[str] | None = None  # for search and name places
    value: re.Pattern[str] | None = None
    kinds: frozenset[str] = frozenset()  # field markers
    field_path: tuple[str, ...] = ()
    #: value markers: the setting's name (env var, ConfigMap or map key) must match too
    setting: re.Pattern[str] | None = None
    #: the managed service the marker names, and the Terraform type (with attributes) that stands for it
    service: str | None = None
    service_type: str | None = None
    service_attributes: tuple[tuple[str, str], ...] = ()


_VALUE_MEMO = 50_000


@dataclass(frozen=True)
class MarkerCatalog:
    specs: tuple[MarkerSpec, ...]
    categories: tuple[str, ...]
    #: Terraform service kinds whose values are not identified as a service (an IAM policy names ARNs to
    #: grant access to them; the policy's actions are judged by their own rule).
    not_identified_in: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        by_place: dict[str, list[MarkerSpec]] = {}
        for spec in self.specs:
            by_place.setdefault(spec.place, []).append(spec)
        object.__setattr__(self, "_by_place", {k: tuple(v) for k, v in by_place.items()})
        object.__setattr__(self, "_value_gates", {})
        object.__setattr__(self, "_value_memo", {})

    def value_specs(self, text: str, categories: frozenset[str] | None = None) -> tuple[MarkerSpec, ...]:
        """The value markers (of ``categories``, or all) that may match somewhere in ``text``: those whose
        required literal text (``knowledge/regex_needles.py``) is in it. Searching every pattern in every
        string is slow: most patterns start with a character class, so they try a match at each position.
        Texts repeat (regions, flags, names: about five readings of each on real repositories), so each
        answer is remembered, up to ``_VALUE_MEMO`` texts."""
        memo = self._value_memo  # type: ignore[attr-defined]
        key = (text, categories)
        found = memo.get(key)
        if found is None:
            if len(memo) >= _VALUE_MEMO:
                memo.clear()
            found = memo[key] = self._value_specs(text, categories)
        return found

    def _value_specs(self, text: str, categories: frozenset[str] | None) -> tuple[MarkerSpec, ...]:
        any_needle, every_needle, gates = self._value_gate(categories)
        if any_needle is not None and any_needle.search(text) is None:
            return ()
        present = {needle for needle in every_needle if needle in text}
        return tuple(spec for spec, needed in gates if needed is None or not present.isdisjoint(needed))

    def _value_gate(self, categories: frozenset[str] | None) -> tuple[re.Pattern[str] | None, tuple, tuple]:
        """One search for any needle, every needle, and each value marker's needles; per category set
        asked for (a handful of constants in the code)."""
        known = self._value_gates  # type: ignore[attr-defined]
        gate = known.get(categories)
        if gate is None:
            gates = tuple(
                (spec, needles(spec.pattern) if spec.pattern is not None else None)
                for spec in self.by_place("value")
                if categories is None or spec.category in categories
            )
            every_needle = tuple(sorted({n for _, needed in gates for n in needed or ()}))
            gated = bool(gates) and all(needed for _, needed in gates)  # a text without one matches none
            any_needle = re.compile("|".join(map(re.escape, every_needle))) if gated else None
            gate = known[categories] = (any_needle, every_needle, gates)
        return gate

    def by_place(self, place: str) -> tuple[MarkerSpec, ...]:
        return self._by_place.get(place, ())  # type: ignore[attr-defined]

    def get(self, marker_id: str) -> MarkerSpec | None:
        return next((s for s in self.specs if s.id == marker_id), None)

    def get_service(self, marker_id: str) -> str | None:
        """The service marker ``marker_id`` names, if any."""
        services = self.__dict__.get("_services")
        if services is None:
            services = {s.id: s.service for s in self.specs}
            object.__setattr__(self, "_services", services)
        return services.get(marker_id)


def catalog_dir() -> Path:
    """The directory of the built-in catalogs (installed package data, or the checkout)."""
    return data_path("providers") / "catalog"


def read_yaml(path: Path) -> dict[str, Any]:
    """A catalog file's top-level mapping, after checking ``schema_version``."""
    return load_data_file(path, SCHEMA_VERSION)


def compile_regex(text: Any, where: str) -> re.Pattern[str]:
    if not isinstance(text, str) or not text:
        raise CatalogError(f"{where}: expected a regular expression")
    try:
        return re.compile(text)
    except re.error as exc:
        raise CatalogError(f"{where}: invalid regular expression: {exc}") from None


def _optional_regex(text: Any, where: str) -> re.Pattern[str] | None:
    return None if text is None else compile_regex(text, where)


def _name_pattern(text: Any, where: str) -> re.Pattern[str]:
    """Exact name, ``^regex``, or ``*.suffix`` (one or more subdomains)."""
    if not isinstance(text, str) or not text:
        raise CatalogError(f"{where}: expected a name")
    if text.startswith("^"):
        return compile_regex(text, where)
    if text.startswith("*."):
        return re.compile(r"^(?:[A-Za-z0-9-]+\.)+" + re.escape(text[2:]) + "$")
    return re.compile("^" + re.escape(text) + "$")


def _text(entry: Mapping[str, Any], key: str, where: str, choices: tuple[str, ...] = ()) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{where}.{key}: expected a non-empty string")
    if choices and value not in choices:
        raise CatalogError(f"{where}.{key}: expected one of {', '.join(choices)}, found {value!r}")
    return value


def _spec(entry: Any, where: str, categories: tuple[str, ...]) -> MarkerSpec:
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping")
    allowed = {"id", "cloud", "category", "lockin", "replacement", "confidence", "match", "service"}
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise CatalogError(f"{where}.{unknown[0]}: unknown key")
    marker_id = _text(entry, "id", where)
    if not _ID.match(marker_id):
        raise CatalogError(f"{where}.id: expected lower-case letters, digits and dashes, found {marker_id!r}")
    replacement = _text(entry, "replacement", where)
    if "\n" in replacement.strip():
        raise CatalogError(f"{where}.replacement: expected one line")
    match = entry.get("match")
    if not isinstance(match, dict):
        raise CatalogError(f"{where}.match: expected a mapping")
    places = [key for key in match if key not in ("with_value", "with_setting")]
    if len(places) != 1 or places[0] not in PLACES:
        raise CatalogError(f"{where}.match: expected exactly one of {', '.join(PLACES)}")
    place = places[0]
    fields: dict[str, Any] = {
        "id": marker_id,
        "cloud": _text(entry, "cloud", where),
        "category": _text(entry, "category", where, categories),
        "lockin": _text(entry, "lockin", where, LOCKIN_LEVELS),
        "replacement": replacement.strip(),
        "confidence": _text(entry, "confidence", where, CONFIDENCES) if "confidence" in entry else "explicit",
        "value": _optional_regex(match.get("with_value"), f"{where}.match.with_value"),
        "setting": _optional_regex(match.get("with_setting"), f"{where}.match.with_setting"),
        **_service(entry.get("service"), f"{where}.service"),
    }
    if fields["setting"] is not None and place != "value":
        raise CatalogError(f"{where}.match.with_setting: only a value match takes a setting name")
    return MarkerSpec(**fields, **_place(place, match[place], f"{where}.match.{place}"))


def _service(raw: Any, where: str) -> dict[str, Any]:
    """``service: {name: Amazon SQS, as: aws_sqs_queue, with: {kind: OpenAI}}`` → the spec's fields."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - {"name", "as", "with"}:
        raise CatalogError(f"{where}: expected a mapping with name, as and an optional with")
    name, type_ = _text(raw, "name", where), _text(raw, "as", where)
    if not re.fullmatch(r"[a-z][a-z0-9]*_[a-z0-9_]+", type_):
        raise CatalogError(f"{where}.as: expected a Terraform resource type, found {type_!r}")
    attributes = raw.get("with", {})
    if not isinstance(attributes, dict) or not all(isinstance(v, str) for v in attributes.values()):
        raise CatalogError(f"{where}.with: expected a mapping of attribute names to strings")
    return {
        "service": name,
        "service_type": type_,
        "service_attributes": tuple(sorted((str(k), v) for k, v in attributes.items())),
    }


def _place(place: str, raw: Any, where: str) -> dict[str, Any]:
    if place in EXACT_PLACES or place in PREFIX_PLACES:
        if not isinstance(raw, str) or not raw:
            raise CatalogError(f"{where}: expected a key")
        return {"place": PREFIX_PLACES.get(place, place), "key": raw, "prefix": place in PREFIX_PLACES}
    if place in SEARCH_PLACES:
        return {"place": "env" if place == "env_pattern" else place, "pattern": compile_regex(raw, where)}
    if place in NAME_PLACES:
        return {"place": place, "pattern": _name_pattern(raw, where)}
    if not isinstance(raw, dict) or set(raw) != {"kinds", "path"}:
        raise CatalogError(f"{where}: expected a mapping with kinds and path")
    kinds = raw["kinds"]
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
        raise CatalogError(f"{where}.kinds: expected a list of kinds")
    if not isinstance(raw["path"], str) or not raw["path"]:
        raise CatalogError(f"{where}.path: expected a dotted path")
    return {"place": "field", "kinds": frozenset(kinds), "field_path": tuple(raw["path"].split("."))}


def parse_markers(path: Path, data: Mapping[str, Any], categories: tuple[str, ...]) -> list[MarkerSpec]:
    entries = data.get("markers")
    if not isinstance(entries, list):
        raise CatalogError(f"{path}: markers: expected a list")
    return [_spec(entry, f"{path}: markers[{i}]", categories) for i, entry in enumerate(entries)]


def parse_categories(path: Path, data: Mapping[str, Any]) -> tuple[str, ...]:
    categories = data.get("categories")
    if not isinstance(categories, list) or not all(isinstance(c, str) and _ID.match(c) for c in categories):
        raise CatalogError(f"{path}: categories: expected a list of lower-case names")
    return tuple(categories)


@lru_cache(maxsize=8)
def load_markers(directory: Path | None = None) -> MarkerCatalog:
    """The validated marker catalog; ``CatalogError`` names the file and key path of a problem."""
    directory = directory or catalog_dir()
    first, *others = (directory / name for name in MARKER_FILES)
    first_data = read_yaml(first)
    categories = parse_categories(first, first_data)
    specs = parse_markers(first, first_data, categories)
    skipped: set[str] = set()
    for path in others:
        data = read_yaml(path)
        specs += parse_markers(path, data, categories)
        kinds = data.get("not_identified_in", [])
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise CatalogError(f"{path}: not_identified_in: expected a list of service kinds")
        skipped.update(kinds)
    seen: set[str] = set()
    for spec in specs:
        if spec.id in seen:
            raise CatalogError(f"{directory}: markers: duplicate id {spec.id!r}")
        seen.add(spec.id)
    return MarkerCatalog(tuple(specs), categories, frozenset(skipped))
