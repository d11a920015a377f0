"""Group the graph into workloads: the units someone migrates (SPEC §5).

Anchors are Kubernetes controllers and Terraform compute. Every other resource joins the anchors that
need it (following dependency edges, never through another anchor or a platform resource), or, for
front objects nothing needs (Service, Ingress, HPA), the anchors it leads to. A resource joined by
several anchors is *shared*: listed in each, flagged as shared. Platform foundations (network, DNS,
node groups, …) form one ``platform`` workload per configuration; a backing service nobody uses is a
workload of its own.
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import networkx as nx

from ..errors import CatalogError
from ..knowledge.data_path import data_path
from ..knowledge.datafile import load_data_file, require
from ..model import Resource


@dataclass(frozen=True)
class Roles:
    anchor_kinds: frozenset[str]
    anchor_service_kinds: frozenset[str]
    platform_service_kinds: frozenset[str]
    backing_service_kinds: frozenset[str]


@dataclass(frozen=True)
class WavePhase:
    name: str
    service_kinds: frozenset[str]
    kubernetes_kinds: frozenset[str]


@cache
def load_roles() -> Roles:
    data = _roles_data()
    where = f"{_roles_path()}:"
    return Roles(*(frozenset(require(data, key, list, where)) for key in Roles.__dataclass_fields__))


@cache
def load_wave_phases() -> tuple[WavePhase, ...]:
    where = f"{_roles_path()}: wave_phases"
    phases = []
    for index, item in enumerate(require(_roles_data(), "wave_phases", list, str(_roles_path()) + ":")):
        if not isinstance(item, dict):
            raise CatalogError(
                f"{where}[{index}]: expected a mapping with name, service_kinds, kubernetes_kinds"
            )
        phases.append(
            WavePhase(
                require(item, "name", str, f"{where}[{index}]"),
                frozenset(require(item, "service_kinds", list, f"{where}[{index}]")),
                frozenset(require(item, "kubernetes_kinds", list, f"{where}[{index}]")),
            )
        )
    return tuple(phases)


def _roles_path():
    return data_path("providers") / "catalog" / "workload-roles.yaml"


@cache
def _roles_data() -> dict:
    return load_data_file(_roles_path())


@dataclass(frozen=True)
class Workload:
    id: str
    name: str
    configuration: str
    role: str  # "application" | "backing-service" | "platform"
    anchor: str | None
    resources: tuple[str, ...]  # sorted ids, the anchor among them
    shared: tuple[str, ...] = ()  # members other workloads use too


def is_anchor(resource: Resource, roles: Roles) -> bool:
    if resource.source == "kubernetes":
        return resource.type in roles.anchor_kinds and not resource.get("metadata", "ownerReferences")
    return not resource.is_data_source and resource.service_kind in roles.anchor_service_kinds


def is_platform(resource: Resource, roles: Roles) -> bool:
    return resource.is_data_source or resource.service_kind in roles.platform_service_kinds


def _part_of_another(
    graph: nx.DiGraph, rid: str, candidates: set[str], resources: dict[str, Resource]
) -> bool:
    """A compute resource that names another of the same kind is a part of it, not a workload: a function's
    alias, permission or event source mapping, a cluster's add-on."""
    resource = resources[rid]
    if resource.source != "terraform":
        return False
    return any(
        other in candidates and resources[other].service_kind == resource.service_kind
        for other in graph.successors(rid)
    )


def _whole_of(graph: nx.DiGraph, rid: str, anchors: set[str], resources: dict[str, Resource]) -> set[str]:
    """The anchors of the same service kind that the part ``rid`` names (directly or through other parts)."""
    kind = resources[rid].service_kind
    found, seen, frontier = set(), {rid}, [rid]
    while frontier:
        for nxt in graph.successors(frontier.pop()):
            if nxt in seen or resources[nxt].service_kind != kind:
                continue
            seen.add(nxt)
            if nxt in anchors:
                found.add(nxt)
            else:
                frontier.append(nxt)
    return found


def _reach(graph: nx.DiGraph, start: str, stop: set[str]) -> Iterable[str]:
    """Nodes reachable from ``start`` along dependency edges, not entering ``stop`` nodes."""
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for nxt in graph.successors(node):
            if nxt not in seen and nxt not in stop:
                seen.add(nxt)
                frontier.append(nxt)
    seen.discard(start)
    return seen


def _anchors_ahead(
    graph: nx.DiGraph, start: str, anchors: set[str], platform: set[str], owned, kinds: dict[str, str | None]
) -> set[str]:
    """Who a front object belongs to, going down its dependency edges: the anchors it leads to, or else
    the owners of the most specific resource of its own service kind it configures (a bucket's
    versioning joins the bucket's owners, a role policy its role's, not everyone who shares the key
    the policy also names)."""
    found: set[str] = set()
    attached: list[set[str]] = []
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for nxt in graph.successors(node):
            if nxt in seen or nxt in platform:
                continue
            seen.add(nxt)
            if nxt in anchors:
                found.add(nxt)
            elif owned.get(nxt):
                if kinds.get(nxt) == kinds.get(start):  # it configures nxt (versioning → bucket)
                    attached.append(owned[nxt])
            else:
                frontier.append(nxt)
    if found or not attached:
        return found
    fewest = min(len(owners) for owners in attached)
    return set().union(*(owners for owners in attached if len(owners) == fewest))


def group_workloads(graph: nx.DiGraph, roles: Roles | None = None) -> tuple[Workload, ...]:
    roles = roles or load_roles()
    resources: dict[str, Resource] = {node: graph.nodes[node]["resource"] for node in graph.nodes}
    candidates = {rid for rid, r in resources.items() if is_anchor(r, roles)}
    anchors = {rid for rid in candidates if not _part_of_another(graph, rid, candidates, resources)}
    # A part (a function's event source mapping, a cluster's add-on) belongs to the anchor it names and
    # brings what it needs along; nothing else pulls it in (a StorageClass does not own the CSI add-on).
    part_of = {rid: _whole_of(graph, rid, anchors, resources) for rid in sorted(candidates - anchors)}
    parts = {rid for rid, whole in part_of.items() if whole}
    platform = {rid for rid, r in resources.items() if rid not in anchors | parts and is_platform(r, roles)}
    stop = anchors | parts | platform

    owners: dict[str, set[str]] = defaultdict(set)
    for part in sorted(parts):
        owners[part] |= part_of[part]
    for start in sorted(anchors | parts):
        for node in _reach(graph, start, stop):
            owners[node] |= {start} if start in anchors else part_of[start]
    # Front objects nothing needs (a Service, an event source mapping) join the anchors they lead to,
    # and bring along what they need that no anchor reached (the queue behind the mapping).
    reached = {node for node, found in owners.items() if found}
    fronts = [rid for rid in sorted(resources) if rid not in stop and rid not in reached]
    owned = {node: set(found) for node, found in owners.items() if found}
    kinds = {rid: r.service_kind for rid, r in resources.items()}
    for rid in fronts:
        owners[rid] = _anchors_ahead(graph, rid, anchors, platform, owned, kinds)
    pulled: set[str] = set()  # nodes that only fronts lead to: they go with those fronts
    for rid in fronts:
        for node in _reach(graph, rid, stop) if owners[rid] else ():
            if node not in reached and (not owners[node] or node in pulled):
                owners[node] = owners[node] | owners[rid]
                pulled.add(node)

    members: dict[str, set[str]] = {anchor: {anchor} for anchor in anchors}
    shared: dict[str, set[str]] = defaultdict(set)
    orphans: list[str] = []
    platform_by_config: dict[str, set[str]] = defaultdict(set)
    for rid in sorted(resources):
        if rid in anchors:
            continue
        if rid in platform:
            platform_by_config[resources[rid].configuration].add(rid)
            continue
        found = owners.get(rid, set())
        for anchor in found:
            members[anchor].add(rid)
            if len(found) > 1:
                shared[anchor].add(rid)
        if not found:
            orphans.append(rid)

    drafts: list[tuple[str, str, str, str | None, set[str], set[str]]] = []
    for anchor in sorted(anchors):
        resource = resources[anchor]
        drafts.append(
            (
                _anchor_name(resource),
                resource.configuration,
                "application",
                anchor,
                members[anchor],
                shared[anchor],
            )
        )
    for group in _orphan_groups(graph, orphans, resources):
        main = resources[group[0]]
        if any(
            resources[rid].stateful or resources[rid].service_kind in roles.backing_service_kinds
            for rid in group
        ):
            drafts.append(
                (_anchor_name(main), main.configuration, "backing-service", main.id, set(group), set())
            )
        else:
            platform_by_config[main.configuration].update(group)
    for configuration, ids in sorted(platform_by_config.items()):
        ids = {rid for rid in ids if not resources[rid].is_data_source}
        if ids:
            drafts.append(("platform", configuration, "platform", None, ids, set()))
    return _with_unique_ids(drafts)


def _orphan_groups(graph: nx.DiGraph, orphans: list[str], resources: dict[str, Resource]) -> list[list[str]]:
    """Unused resources grouped with what they configure (a secret and its versions): connected by edges
    between resources of one service kind. The main resource, the one the others point to, comes first."""
    pool = set(orphans)
    linked = nx.Graph()
    linked.add_nodes_from(orphans)
    for rid in orphans:
        for nxt in graph.successors(rid):
            if nxt in pool and resources[nxt].service_kind == resources[rid].service_kind:
                linked.add_edge(rid, nxt)
    groups = []
    for component in nx.connected_components(linked):
        members = sorted(component)
        main = [rid for rid in members if not any(n in component for n in graph.successors(rid))]
        groups.append(sorted(members, key=lambda rid: (rid not in main, rid)))
    return sorted(groups)


def _with_unique_ids(drafts) -> tuple[Workload, ...]:
    counts: dict[str, int] = defaultdict(int)
    for name, *_ in drafts:
        counts[name] += 1
    workloads = []
    taken: set[str] = set()
    for name, configuration, role, anchor, ids, shared_ids in drafts:
        wid = name if counts[name] == 1 else f"{name}-{slug(configuration) or 'root'}"
        base, n = wid, 2
        while wid in taken:
            wid, n = f"{base}-{n}", n + 1
        taken.add(wid)
        workloads.append(
            Workload(wid, name, configuration, role, anchor, tuple(sorted(ids)), tuple(sorted(shared_ids)))
        )
    return tuple(sorted(workloads, key=lambda w: w.id))


_GENERIC_NAMES = frozenset(
    {"this", "main", "default", "primary", "cluster", "app", "service", "function", "worker"}
)


def _anchor_name(resource: Resource) -> str:
    """A readable workload name: the object's name, with module instance keys for Terraform."""
    if resource.source == "kubernetes":
        return slug(resource.name)
    parts = [key for _, key in re.findall(r'module\.([\w-]+)(?:\["?([^"\]]+)"?\])?', resource.address) if key]
    name = resource.name
    if not parts and name in _GENERIC_NAMES:
        name = f"{resource.type.split('_', 1)[-1]}-{name}"
    return slug("-".join([*parts, name]))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def apply_overrides(workloads: Sequence[Workload], overrides: Sequence, resources: dict[str, Resource]):
    """Move the resources each override names (globs over ids and addresses) into a workload of that name."""
    if not overrides:
        return tuple(workloads)
    claimed: dict[str, str] = {}
    for override in overrides:
        for rid, resource in resources.items():
            if rid not in claimed and any(
                fnmatch.fnmatchcase(rid, pattern) or fnmatch.fnmatchcase(resource.address, pattern)
                for pattern in override.resources
            ):
                claimed[rid] = override.name
    result = []
    for workload in workloads:
        kept = tuple(rid for rid in workload.resources if rid not in claimed)
        if kept:
            anchor = workload.anchor if workload.anchor in kept else None
            shared = tuple(rid for rid in workload.shared if rid in kept)
            result.append(
                Workload(
                    workload.id, workload.name, workload.configuration, workload.role, anchor, kept, shared
                )
            )
    taken = {w.id for w in result}
    for override in overrides:
        ids = tuple(sorted(rid for rid, name in claimed.items() if name == override.name))
        if not ids:
            continue
        anchors = [w.anchor for w in workloads if w.anchor in ids]
        wid = slug(override.name)
        while wid in taken:
            wid += "-override"
        taken.add(wid)
        result.append(
            Workload(
                wid,
                override.name,
                resources[ids[0]].configuration,
                "application",
                anchors[0] if anchors else None,
                ids,
            )
        )
    return tuple(sorted(result, key=lambda w: w.id))
