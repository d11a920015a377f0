"""Coupling markers: the places in manifests and Terraform values that tie a workload to one cloud.

The catalog is data (``providers/catalog/kubernetes-markers.yaml`` and ``endpoint-patterns.yaml``),
validated and compiled once by :func:`load_markers` (in ``marker_catalog``). :func:`find_markers` walks one
resource's attributes once, turns them into *facts* (an annotation, an image, a StorageClass provisioner, a
string value, …) and looks each fact up in the compiled catalog.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from exitplan.knowledge.marker_catalog import (
    LOCKIN_LEVELS,
    MarkerCatalog,
    MarkerSpec,
    catalog_dir,
    compile_regex,
    load_markers,
    read_yaml,
)
from exitplan.knowledge.service_lookup import ServiceCatalog
from exitplan.model import REDACTED, Resource, Unknown
from exitplan.model import Path as AttrPath

_MAX_VALUE = 200
#: Copies of the whole manifest kept by kubectl: scanning them would report everything twice.
_SKIPPED_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})


@dataclass(frozen=True, order=True)
class Marker:
    resource: str
    marker: str
    cloud: str
    category: str
    path: str
    value: str
    file: str
    line: int
    confidence: str
    replacement: str
    lockin: str = "medium"  # none | low | medium | high (cinder: none, not lock-in)
    #: The managed service the value names (``Amazon SQS``), and how the service catalog classifies the
    #: Terraform type standing for it: rules judge the setting like a resource of that service.
    service: str = ""
    service_type: str = ""
    service_kind: str | None = None
    interface: str | None = None
    service_lockin: str | None = None
    setting_name: bool = False  # the marker is a setting's name (an env var name), not its value

    @property
    def identified(self) -> bool:
        return self.service_kind is not None


# --- paths ------------------------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def format_path(path: AttrPath) -> str:
    """``spec.template.spec.containers[0].env[1].value``; keys with dots or slashes in brackets."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _PLAIN_KEY.match(step):
            out += f".{step}" if out else step
        else:
            out += f'["{step}"]'
    return out


# --- finding ----------------------------------------------------------------------------------------


class Fact(NamedTuple):  # a tuple: a resource's walk makes one per string, most matching nothing
    """One thing a marker may match: ``key`` is what the place compares, ``value`` what it carries."""

    place: str
    path: AttrPath
    key: str
    value: str = ""
    spec: str | None = None  # field facts: the marker that asked for this field
    setting: str = ""  # value facts: the name of the setting holding it (env var, ConfigMap or map key)
    #: value and unknown facts: the value markers that may match the text (``value_specs``)
    candidates: tuple[MarkerSpec, ...] = ()


def find_markers(
    resource: Resource, catalog: MarkerCatalog, services: ServiceCatalog | None = None
) -> list[Marker]:
    """Every marker in ``resource``'s values, sorted, one per (marker, path).

    A string that already carries a structural marker (the IRSA annotation) is not reported again by a
    value pattern (the ARN inside it). With ``services``, a marker that names a service is classified
    as the Terraform type standing for it, and a generic endpoint marker on the same value is dropped.
    """
    found: dict[tuple[str, AttrPath], Marker] = {}
    structural: set[AttrPath] = set()
    identify = services is not None and not (
        resource.source == "terraform" and resource.service_kind in catalog.not_identified_in
    )
    for fact in facts(resource, catalog):
        if fact.place in _VALUE_PLACES and fact.path in structural:
            continue
        for spec, text in _matches(fact, catalog):
            if fact.place not in _VALUE_PLACES:
                structural.add(fact.path)
            marker = _marker(resource, spec, fact, text)
            if identify and spec.service_type:
                marker = _identified(marker, spec, services)  # type: ignore[arg-type]
            found.setdefault((spec.id, fact.path), marker)
    return sorted(_one_reading(found, catalog))


def _one_reading(found: Mapping[tuple[str, AttrPath], Marker], catalog: MarkerCatalog) -> Iterator[Marker]:
    """One reading of each value: a marker that identified its service hides the generic endpoint
    markers on the same value; a service's marker that was not identified (identification off, or an
    IAM policy) gives way to a generic marker on the same value, so the value is not reported twice."""
    named = {path for (_, path), marker in found.items() if marker.identified}
    generic = {(path, m.category) for (_, path), m in found.items() if not catalog.get_service(m.marker)}
    for (_, path), marker in found.items():
        hidden = path in named and marker.category == _ENDPOINT
        doubled = bool(catalog.get_service(marker.marker)) and (path, marker.category) in generic
        if marker.identified or not (hidden or doubled):
            yield marker


_ENDPOINT = "managed-service-endpoint"


def _identified(marker: Marker, spec: MarkerSpec, services: ServiceCatalog) -> Marker:
    entry = services.classify_type(spec.service_type or "", dict(spec.service_attributes)).entry
    if entry is None:
        return marker
    return replace(
        marker,
        service=spec.service or "",
        service_type=spec.service_type or "",
        service_kind=entry.kind,
        interface=entry.interface,
        service_lockin=entry.lockin,
    )


#: Facts searched by value patterns: known strings, and the source text of values Terraform cannot know.
_VALUE_PLACES = ("value", "unknown")
#: The only category searched in the source text of an unknown value: a policy document that interpolates
#: an ARN is unknown as a whole, yet the actions it grants are written in it. Other patterns (host names,
#: ARNs) would match references such as ``aws_db_instance.x.address``, which are no values.
_UNKNOWN_TEXT_CATEGORIES = frozenset({"iam-action"})


def _matches(fact: Fact, catalog: MarkerCatalog) -> Iterator[tuple[MarkerSpec, str]]:
    if fact.place == "unknown":
        for spec in fact.candidates:
            hit = _value_hit(spec.pattern, fact.key)
            if hit is not None:
                yield spec, hit
        return
    for spec in fact.candidates if fact.place == "value" else catalog.by_place(fact.place):
        if spec.key is not None:  # annotation, label, env: exact key or prefix
            hit = fact.key.startswith(spec.key) if spec.prefix else fact.key == spec.key
            if hit and _value_ok(spec, fact):
                yield spec, fact.key if spec.place == "env" else _shown(fact)
        elif spec.place == "field":
            if spec.id == fact.spec and _value_ok(spec, fact):
                yield spec, fact.value or fact.key
        elif spec.place == "value":
            hit = _value_hit(spec.pattern, fact.key)
            if hit is not None and (spec.setting is None or spec.setting.search(fact.setting)):
                yield spec, hit
        elif spec.pattern is not None and spec.pattern.search(fact.key) and _value_ok(spec, fact):
            yield spec, _shown(fact)


#: What may not follow a value match: more of a host name (``….rds.amazonaws.com.example.org``).
_CONTINUES = re.compile(r"[A-Za-z0-9_-]|\.[A-Za-z0-9]")


def _value_hit(pattern: re.Pattern[str] | None, text: str) -> str | None:
    """The first match of ``pattern`` in ``text`` that ends where a token ends."""
    for hit in pattern.finditer(text) if pattern is not None else ():
        if hit.group(0) and not _CONTINUES.match(text, hit.end()):
            return hit.group(0)
    return None


def _value_ok(spec: MarkerSpec, fact: Fact) -> bool:
    return spec.value is None or bool(spec.value.search(fact.value))


def _shown(fact: Fact) -> str:
    if fact.place in ("annotation", "label", "node_selector") and fact.value:
        if REDACTED in fact.value:
            return fact.key
        return f"{fact.key}={fact.value}"[:_MAX_VALUE]
    return fact.key[:_MAX_VALUE]


def _marker(resource: Resource, spec: MarkerSpec, fact: Fact, text: str) -> Marker:
    where = resource.location_of(fact.path)
    return Marker(
        resource=resource.id,
        marker=spec.id,
        cloud=spec.cloud,
        category=spec.category,
        path=format_path(fact.path),
        value=text[:_MAX_VALUE],
        file=where.file,
        line=where.line,
        confidence=spec.confidence,
        replacement=spec.replacement,
        lockin=spec.lockin,
        setting_name=fact.place == "env",
    )


# --- facts: one walk over a resource's attributes ---------------------------------------------------

#: Kubernetes fields naming a class, controller or driver, per kind: place → path.
_KIND_FIELDS: dict[str, tuple[tuple[str, AttrPath], ...]] = {
    "StorageClass": (("provisioner", ("provisioner",)),),
    "Ingress": (("ingress_class", ("spec", "ingressClassName")),),
    "IngressClass": (("ingress_class", ("metadata", "name")), ("ingress_controller", ("spec", "controller"))),
    "Gateway": (("gateway_class", ("spec", "gatewayClassName")),),
    "GatewayClass": (
        ("gateway_class", ("metadata", "name")),
        ("gateway_controller", ("spec", "controllerName")),
    ),
    "CSIDriver": (("csi_driver", ("metadata", "name")),),
    "VolumeSnapshotClass": (("csi_driver", ("driver",)),),
}
_LEGACY_INGRESS_CLASS = "kubernetes.io/ingress.class"
_CONTAINER_LISTS = frozenset(
    {"containers", "initContainers", "ephemeralContainers", "container", "init_container"}
)


def facts(resource: Resource, catalog: MarkerCatalog) -> Iterator[Fact]:
    """What a marker can match in ``resource``, in document order."""
    attributes = resource.attributes
    if resource.source == "kubernetes":
        yield from _kubernetes_facts(resource)
    yield from _field_facts(resource, catalog)
    skip = ("data", "stringData") if resource.source == "kubernetes" and resource.type == "Secret" else ()
    found: list[Fact] = []
    for key, value in attributes.items():
        if key not in skip:
            _walk(value, (key,), resource, catalog, key, found)
    yield from found


def _kubernetes_facts(resource: Resource) -> Iterator[Fact]:
    api_version = resource.get("apiVersion")
    if isinstance(api_version, str) and "/" in api_version:
        yield Fact("api_group", ("apiVersion",), api_version.split("/", 1)[0])
    for place, path in _KIND_FIELDS.get(resource.type, ()):
        value = resource.get(*path)
        if isinstance(value, str):
            yield Fact(place, path, value)
    legacy = resource.get("metadata", "annotations", _LEGACY_INGRESS_CLASS)
    if resource.type == "Ingress" and isinstance(legacy, str):
        yield Fact("ingress_class", ("metadata", "annotations", _LEGACY_INGRESS_CLASS), legacy)


def _field_facts(resource: Resource, catalog: MarkerCatalog) -> Iterator[Fact]:
    for spec in catalog.by_place("field"):
        if resource.type in spec.kinds:
            for path, value in _resolve(resource.attributes, spec.field_path, ()):
                text = value if isinstance(value, str) else ""
                yield Fact("field", path, format_path(path), text, spec.id)


def _resolve(node: Any, steps: tuple[str, ...], path: AttrPath) -> Iterator[tuple[AttrPath, Any]]:
    if not steps:
        yield path, node
        return
    step, rest = steps[0], steps[1:]
    if step == "*" and isinstance(node, list):
        for index, item in enumerate(node):
            yield from _resolve(item, rest, (*path, index))
    elif isinstance(node, Mapping) and step in node:
        yield from _resolve(node[step], rest, (*path, step))


def _walk(
    node: Any, path: AttrPath, resource: Resource, catalog: MarkerCatalog, setting: str, out: list[Fact]
) -> None:
    """Append the facts under ``node`` to ``out``; ``setting`` is the nearest key above it (an env
    entry's ``name``). A string no value marker may match is no value fact. (A list, not a generator:
    values nest deep, and each ``yield from`` level costs on every fact that passes through it.)"""
    kind = type(node)
    if kind is str:
        if REDACTED not in node:
            if path[-1] == "image" and _in_container(path):
                out.append(Fact("image", path, node))
            candidates = catalog.value_specs(node)
            if candidates:
                out.append(Fact("value", path, node, setting=setting, candidates=candidates))
    elif kind is dict or isinstance(node, Mapping):
        out.extend(_mapping_facts(node, path, resource))
        named = isinstance(path[-1], int) and isinstance(node.get("name"), str)
        skipped = _SKIPPED_ANNOTATIONS if path[-1] == "annotations" else ()
        for key, item in node.items():
            if key not in skipped:
                inner = node["name"] if named and key == "value" else str(key)
                _walk(item, (*path, str(key)), resource, catalog, inner, out)
    elif kind is list or kind is tuple or isinstance(node, list | tuple):
        for index, item in enumerate(node):
            _walk(item, (*path, index), resource, catalog, setting, out)
    elif isinstance(node, Unknown) and node.expression and REDACTED not in node.expression:
        text = _without_comments(node.expression)
        candidates = catalog.value_specs(text, _UNKNOWN_TEXT_CATEGORIES)
        if candidates:
            out.append(Fact("unknown", path, text, candidates=candidates))
    elif isinstance(node, str):  # a str subclass
        _walk(str(node), path, resource, catalog, setting, out)


def _in_container(path: AttrPath) -> bool:
    return len(path) >= 3 and path[-3] in _CONTAINER_LISTS


def _mapping_facts(node: Mapping[str, Any], path: AttrPath, resource: Resource) -> Iterator[Fact]:
    last = path[-1]
    if last in ("annotations", "labels") and "metadata" in path[-3:]:
        place = "annotation" if last == "annotations" else "label"
        for key, value in node.items():
            yield Fact(place, (*path, str(key)), str(key), value if isinstance(value, str) else "")
    elif last == "nodeSelector":
        for key, value in node.items():
            yield Fact("node_selector", (*path, str(key)), str(key), value if isinstance(value, str) else "")
    elif last in ("limits", "requests") and len(path) >= 2 and path[-2] == "resources":
        for key in node:
            yield Fact("resource_name", (*path, str(key)), str(key))
    elif last == "csi" and isinstance(node.get("driver"), str):
        yield Fact("csi_driver", (*path, "driver"), node["driver"])
    if isinstance(last, int) and len(path) >= 2:
        yield from _list_item_facts(node, path, resource)
    if path == ("spec",) and resource.type == "PersistentVolume":
        for key in node:
            yield Fact("volume_type", ("spec", str(key)), str(key))


def _list_item_facts(node: Mapping[str, Any], path: AttrPath, resource: Resource) -> Iterator[Fact]:
    parent = path[-2]
    if parent == "env" and isinstance(node.get("name"), str):
        yield Fact("env", (*path, "name"), node["name"])
    elif parent == "volumes":
        for key in node:
            if key != "name":
                yield Fact("volume_type", (*path, str(key)), str(key))
    elif parent == "matchExpressions" and "nodeAffinity" in path and isinstance(node.get("key"), str):
        values = node.get("values")
        if isinstance(values, list) and values:
            for index, value in enumerate(values):
                yield Fact("node_selector", (*path, "values", index), node["key"], str(value))
        else:
            yield Fact("node_selector", (*path, "key"), node["key"])


_HCL_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|//[^\n]*|/\*.*?\*/', re.S)


def _without_comments(text: str) -> str:
    """The source text of an expression without its HCL comments (a heredoc's text is all content)."""
    if text.startswith("<<"):
        return text
    return _HCL_TOKENS.sub(lambda m: m.group(0) if m.group(0).startswith('"') else " ", text)


__all__ = [
    "LOCKIN_LEVELS",
    "Fact",
    "Marker",
    "MarkerCatalog",
    "MarkerSpec",
    "catalog_dir",
    "compile_regex",
    "facts",
    "find_markers",
    "format_path",
    "load_markers",
    "read_yaml",
]
