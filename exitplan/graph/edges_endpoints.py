"""How Terraform-managed resources are named from outside, and the index that finds them by a value.

The rules are data (``resource_names``, ``placeholders`` and ``node_pools`` in
``providers/catalog/endpoint-patterns.yaml``). :class:`TerraformNames` indexes every Terraform resource
once by its resolved names and exact identifiers; :meth:`TerraformNames.lookup` then answers one
Kubernetes string value with a handful of dictionary lookups and the templates whose literal part occurs
in the value. Unknown values never enter the index, so they never match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from exitplan.errors import CatalogError
from exitplan.markers import catalog_dir, compile_regex, read_yaml
from exitplan.model import Resource

NAMES_FILE = "endpoint-patterns.yaml"
_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")
_RULE_KEYS = {"edge", "names", "exact", "known_as", "name_pattern", "bare", "secret_ref", "name_confidence"}
_EDGE_KIND = re.compile(r"^[a-z][a-z-]*$")
#: Tokens in a value that may be an exact identifier: hosts, ARNs, URLs, and the last path segment.
_TOKENS = re.compile(
    r"arn:[A-Za-z0-9:/_+=.@*-]+|[a-z][a-z0-9+.-]*://[^\s\"',]+|(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}"
)
_MIN_EXACT = 6
_BARE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{2,}$")


@dataclass(frozen=True)
class Template:
    text: str
    regex: re.Pattern[str]
    literal: str  # the longest fixed part: a cheap test before the regular expression


@dataclass(frozen=True)
class NameRule:
    type: str
    edge: str
    names: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    templates: tuple[Template, ...] = ()
    bare: bool = False
    bare_key: re.Pattern[str] | None = None
    secret_ref: bool = False
    name_confidence: str = "explicit"


@dataclass(frozen=True)
class NodePoolRule:
    type: str
    labels: tuple[str, ...]
    name: str
    name_label: str


@dataclass(frozen=True)
class NameCatalog:
    rules: Mapping[str, NameRule]
    node_pools: Mapping[str, NodePoolRule]
    identity_by_name: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Match:
    """``resource`` is named by a value: how (``how``), with what confidence."""

    resource: Resource
    rule: NameRule
    how: str
    confidence: str


# --- loading ----------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def load_names(directory: Path | None = None) -> NameCatalog:
    path = (directory or catalog_dir()) / NAMES_FILE
    data = read_yaml(path)
    placeholders = _mapping(data, "placeholders", f"{path}")
    for key, pattern in placeholders.items():
        compile_regex(pattern, f"{path}: placeholders.{key}")
    rules = {
        type_: _rule(type_, raw, placeholders, f"{path}: resource_names.{type_}")
        for type_, raw in _mapping(data, "resource_names", f"{path}").items()
    }
    pools = {
        type_: _pool(type_, raw, f"{path}: node_pools.{type_}")
        for type_, raw in _mapping(data, "node_pools", f"{path}").items()
    }
    identity = {}
    for key, types in _mapping(data, "identity_by_name", f"{path}").items():
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise CatalogError(f"{path}: identity_by_name.{key}: expected a list of Terraform types")
        identity[key] = tuple(types)
    return NameCatalog(rules, pools, identity)


def _mapping(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise CatalogError(f"{where}: {key}: expected a mapping")
    return value


def _strings(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise CatalogError(f"{where}.{key}: expected a list of strings")
    return tuple(value)


def _rule(type_: str, raw: Any, placeholders: Mapping[str, str], where: str) -> NameRule:
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: expected a mapping")
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise CatalogError(f"{where}.{unknown[0]}: unknown key")
    edge = raw.get("edge")
    if not isinstance(edge, str) or not _EDGE_KIND.match(edge):
        raise CatalogError(f"{where}.edge: expected an edge kind such as uses-bucket")
    name_pattern = raw.get("name_pattern", placeholders.get("name", r"[A-Za-z0-9_.-]+"))
    compile_regex(name_pattern, f"{where}.name_pattern")
    own = {**placeholders, "name": name_pattern}
    templates = tuple(
        _template(text, own, f"{where}.known_as[{i}]")
        for i, text in enumerate(_strings(raw, "known_as", where))
    )
    bare = raw.get("bare")
    if bare is not None and (not isinstance(bare, dict) or set(bare) - {"key"}):
        raise CatalogError(f"{where}.bare: expected a mapping with an optional key")
    confidence = raw.get("name_confidence", "explicit")
    if confidence not in ("explicit", "inferred"):
        raise CatalogError(f"{where}.name_confidence: expected explicit or inferred")
    return NameRule(
        type=type_,
        edge=edge,
        names=_strings(raw, "names", where),
        exact=_strings(raw, "exact", where),
        templates=templates,
        bare=bare is not None,
        bare_key=compile_regex(bare["key"], f"{where}.bare.key") if bare and "key" in bare else None,
        secret_ref=bool(raw.get("secret_ref", False)),
        name_confidence=confidence,
    )


def _template(text: str, placeholders: Mapping[str, str], where: str) -> Template:
    parts: list[str] = []
    literals: list[str] = []
    position = 0
    for found in _PLACEHOLDER.finditer(text):
        literal = text[position : found.start()]
        parts.append(re.escape(literal))
        literals.append(literal)
        key = found.group(1)
        if key not in placeholders:
            raise CatalogError(f"{where}: unknown placeholder {{{key}}}")
        parts.append(f"(?P<name>{placeholders[key]})" if key == "name" else f"(?:{placeholders[key]})")
        position = found.end()
    parts.append(re.escape(text[position:]))
    literals.append(text[position:])
    if "{name}" not in text:
        raise CatalogError(f"{where}: a template needs {{name}}")
    pattern = r"(?<![A-Za-z0-9_.-])" + "".join(parts) + r"(?![A-Za-z0-9_-])"
    return Template(text, compile_regex(pattern, where), max(literals, key=len))


def _pool(type_: str, raw: Any, where: str) -> NodePoolRule:
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("name"), str)
        or not isinstance(raw.get("name_label"), str)
    ):
        raise CatalogError(f"{where}: expected labels, name and name_label")
    return NodePoolRule(type_, _strings(raw, "labels", where), raw["name"], raw["name_label"])


# --- the index --------------------------------------------------------------------------------------


def resolved(resource: Resource, dotted: str) -> Iterator[Any]:
    """The values at ``dotted`` in a Terraform resource; a nested block may be a dict or a list of them."""
    nodes: list[Any] = [resource.attributes]
    for step in dotted.split("."):
        following = []
        for node in nodes:
            for item in node if isinstance(node, list) else [node]:
                if isinstance(item, Mapping) and step in item:
                    following.append(item[step])
        nodes = following
    yield from nodes


class TerraformNames:
    """Every Terraform resource by its resolved names and identifiers, built once."""

    def __init__(self, resources: Iterable[Resource], catalog: NameCatalog) -> None:
        self.catalog = catalog
        self._by_name: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        self._exact: dict[str, list[tuple[Resource, str]]] = defaultdict(list)
        self._bare: dict[str, list[Resource]] = defaultdict(list)
        self._secrets: dict[str, list[Resource]] = defaultdict(list)
        templates: dict[str, tuple[Template, list[str]]] = {}
        for rule in catalog.rules.values():
            for template in rule.templates:
                templates.setdefault(template.text, (template, []))[1].append(rule.type)
        self._templates = tuple((t, tuple(types)) for t, types in templates.values())
        for resource in resources:
            rule = catalog.rules.get(resource.type)
            if resource.source == "terraform" and rule is not None:
                self._add(resource, rule)

    def _add(self, resource: Resource, rule: NameRule) -> None:
        for attribute in rule.names:
            for name in resolved(resource, attribute):
                if isinstance(name, str) and name:
                    self._by_name[(rule.type, name)].append(resource)
                    if rule.bare:
                        self._bare[name].append(resource)
                    if rule.secret_ref:
                        self._secrets[name].append(resource)
        for attribute in rule.exact:
            for value in resolved(resource, attribute):
                if isinstance(value, str) and len(value) >= _MIN_EXACT:
                    self._exact[value].append((resource, attribute))

    def named(self, type_: str, name: str) -> list[Resource]:
        return self._by_name.get((type_, name), [])

    def lookup(self, value: str, key: str = "") -> list[Match]:
        """The resources ``value`` names: exact identifiers, then templates, then a bare name."""
        matches = self._exact_matches(value) or self._template_matches(value)
        if not matches and _BARE.match(value):
            for resource in self._bare.get(value, ()):
                rule = self.catalog.rules[resource.type]
                if rule.bare_key is None or rule.bare_key.search(key):
                    matches.append(
                        Match(resource, rule, f'same name as {resource.type} "{value}"', "inferred")
                    )
        return _ambiguity(matches)

    def secret(self, name: str) -> list[Match]:
        """Secret-manager entries called ``name`` (ExternalSecret remoteRef.key, SecretProviderClass)."""
        matches = [
            Match(r, self.catalog.rules[r.type], f'secret name "{name}"', "explicit")
            for r in self._secrets.get(name, ())
        ]
        return _ambiguity(matches) or self.lookup(name)

    def _exact_matches(self, value: str) -> list[Match]:
        tokens = {value, *_TOKENS.findall(value), value.rsplit("/", 1)[-1]}
        return [
            Match(
                resource, self.catalog.rules[resource.type], f"equals {resource.type}.{attribute}", "explicit"
            )
            for token in sorted(tokens)
            for resource, attribute in self._exact.get(token, ())
        ]

    def _template_matches(self, value: str) -> list[Match]:
        matches = []
        for template, types in self._templates:
            if template.literal not in value:
                continue
            for found in template.regex.finditer(value):
                name = found.group("name")
                for type_ in types:
                    rule = self.catalog.rules[type_]
                    for resource in self._by_name.get((type_, name), ()):
                        how = f'matches {template.text} with name "{name}"'
                        matches.append(Match(resource, rule, how, rule.name_confidence))
        return matches


def _ambiguity(matches: list[Match]) -> list[Match]:
    """One match per resource; several resources for one value make every match inferred."""
    unique: dict[str, Match] = {}
    for match in matches:
        unique.setdefault(match.resource.id, match)
    if len(unique) <= 1:
        return list(unique.values())
    configurations = sorted({m.resource.configuration for m in unique.values()})
    where = (
        f"same name in {len(configurations)} Terraform configurations: {', '.join(configurations)}"
        if len(configurations) > 1
        else f"{len(unique)} resources match"
    )
    return [Match(m.resource, m.rule, f"{m.how}; {where}", "inferred") for m in unique.values()]
