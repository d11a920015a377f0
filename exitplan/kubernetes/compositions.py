"""What a Crossplane claim creates: the managed resources of the Composition its type is composed by.

A claim (``kind: PostgreSQLInstance``) or composite resource names an API that a
``CompositeResourceDefinition`` declares; a ``Composition`` for that API lists the managed resources each
one gets, as ``base`` manifests (``spec.resources``, or the ``input.resources`` of a
function-patch-and-transform step). Each claim in the scan gets its own copy of those managed resources,
``<claim>/<resource name>``, at the line of the base in the Composition, linked to the claim by
``composes``. Patches are not applied: the base's values are what the records hold. Compositions whose
resources are made by other functions' code (Go, KCL, templates) give none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..model import Edge, Resource
from ..model import Path as AttrPath

COMPOSES = "composes"


def composition_edges(pairs: Sequence[tuple[Resource, Resource]]) -> Iterator[Edge]:
    for claim, made in pairs:
        yield Edge(
            claim.id,
            made.id,
            COMPOSES,
            f"Composition {made.file}:{made.line}",
            "explicit",
            made.file,
            made.line,
        )


def composition_pairs(resources: Sequence[Resource]) -> list[tuple[Resource, Resource]]:
    """(claim or composite resource, managed resource it gets) for every Composition base that applies."""
    types = _composite_types(resources)
    if not types:
        return []
    compositions: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for resource in resources:
        if resource.type == "Composition" and resource.source == "kubernetes":
            ref = resource.get("spec", "compositeTypeRef")
            if isinstance(ref, Mapping) and isinstance(ref.get("apiVersion"), str):
                compositions[(ref["apiVersion"].split("/", 1)[0], str(ref.get("kind")))].append(resource)
    made = []
    for resource in resources:
        composite = types.get((_group(resource), resource.type))
        composition = _chosen(resource, compositions.get(composite, [])) if composite else None
        if composition is not None:
            made.extend((resource, copy) for copy in _copies(resource, composition))
    return made


def _composite_types(resources: Sequence[Resource]) -> dict[tuple[str, str], tuple[str, str]]:
    """(group, kind) of each composite resource and claim an XRD declares → the composite's (group, kind)."""
    types = {}
    for xrd in (r for r in resources if r.type == "CompositeResourceDefinition"):
        group, kind = xrd.get("spec", "group"), xrd.get("spec", "names", "kind")
        if not (isinstance(group, str) and isinstance(kind, str)):
            continue
        types[(group, kind)] = (group, kind)
        claim = xrd.get("spec", "claimNames", "kind")
        if isinstance(claim, str):
            types[(group, claim)] = (group, kind)
    return types


def _group(resource: Resource) -> str:
    api = resource.get("apiVersion")
    return api.split("/", 1)[0] if isinstance(api, str) and "/" in api else ""


def _chosen(claim: Resource, candidates: list[Resource]) -> Resource | None:
    """The Composition the claim names (``compositionRef``), else the only one for its type."""
    named = claim.get("spec", "compositionRef", "name")
    if isinstance(named, str):
        return next((c for c in candidates if c.name == named), None)
    return candidates[0] if len(candidates) == 1 else None


def _copies(claim: Resource, composition: Resource) -> Iterator[Resource]:
    for index, (name, base, path) in enumerate(_bases(composition)):
        label = name or f"resource-{index}"
        kind = base.get("kind")
        if not isinstance(kind, str):
            continue
        address = f"{claim.address}/{label}"
        yield replace(
            composition,
            id=f"{claim.configuration}#{address}",
            address=address,
            configuration=claim.configuration,
            type=kind,
            name=label,
            namespace=claim.namespace,
            line=composition.line_of(path),
            attributes=base,
            lines={},
            origins={},
        )


def _bases(composition: Resource) -> Iterator[tuple[str | None, Mapping[str, Any], AttrPath]]:
    lists: list[tuple[Any, AttrPath]] = [(composition.get("spec", "resources"), ("spec", "resources"))]
    pipeline = composition.get("spec", "pipeline")
    for step, item in enumerate(pipeline if isinstance(pipeline, list) else ()):
        if isinstance(item, Mapping) and isinstance(item.get("input"), Mapping):
            lists.append((item["input"].get("resources"), ("spec", "pipeline", step, "input", "resources")))
    for items, at in lists:
        for index, item in enumerate(items if isinstance(items, list) else ()):
            base = item.get("base") if isinstance(item, Mapping) else None
            if isinstance(base, Mapping):
                name = item.get("name")
                yield (name if isinstance(name, str) else None), base, (*at, index, "base")


def uncomposed_claims(resources: Sequence[Resource], edges: Sequence[Edge]) -> list[Resource]:
    """Claims and composite resources that got no managed resource: their Composition is not in the scan,
    or functions' code builds it. An XRD in the scan declares their kind, or they carry a claim's fields."""
    types = _composite_types(resources)
    composed = {e.source for e in edges if e.kind == COMPOSES}
    return [
        r
        for r in resources
        if r.source == "kubernetes"
        and r.cloud is None
        and r.id not in composed
        and ((_group(r), r.type) in types or _claims(r))
    ]


def _claims(resource: Resource) -> bool:
    spec = resource.get("spec")
    fields = ("compositionRef", "compositionSelector", "writeConnectionSecretToRef")
    return isinstance(spec, Mapping) and any(k in spec for k in fields)
