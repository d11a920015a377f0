"""Group the graph into workloads: the units someone migrates (SPEC §5).

Anchors are Kubernetes controllers and Terraform compute. Every other resource joins the anchors that
need it (following dependency edges, never through another anchor or a platform resource), or, for
front objects nothing needs (Service, Ingress, HPA), the anchors it leads to. A resource joined by
several anchors is *shared*: listed in each, flagged as shared. Platform foundations (network, DNS,
node groups, …) form one ``platform`` workload per configuration; a backing service nobody uses joins it.

A resource switched off in the code (``conditional``) is never an anchor: it joins the workloads of the
deployed resources that name it (their "optional in the code"), else those of the deployed resources it
configures, else its configuration's platform, and brings the switched-off resources it names along. A
deployed resource never becomes a member of a workload only through switched-off ones.
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..knowledge.operator_stores import operator_kind
from ..kubernetes.gitops import remote_chart
from ..model import Resource
from .needs import Needs
from .orphans import adopt_orphans, orphan_groups
from .roles import Roles, WavePhase, load_roles, load_wave_phases
from .variants import Draft, Evidence, Variant, common_folder, fold, variant_of
from .workload_names import anchor_name, component_name, instance_key, module_calls, slug, unique_names

#: Edges that order the migration (the plan's waves follow them) but say nothing of what belongs together:
#: a Flux Kustomization that waits for another is not a part of what the other deploys.
ORDERING_EDGES = frozenset({"depends-on"})

__all__ = [
    "ORDERING_EDGES",
    "Roles",
    "WavePhase",
    "Workload",
    "group_workloads",
    "load_roles",
    "load_wave_phases",
]


@dataclass(frozen=True)
class Workload:
    id: str
    name: str
    configuration: str
    role: str  # "application" | "platform"
    anchor: str | None
    resources: tuple[str, ...]  # sorted ids, the anchor among them
    shared: tuple[str, ...] = ()  # members other workloads use too
    #: The component as each configuration deploys it; one for a workload found in one configuration.
    variants: tuple[Variant, ...] = ()


def is_anchor(resource: Resource, roles: Roles) -> bool:
    if resource.source == "kubernetes":
        anchors = (
            resource.type in roles.anchor_kinds
            or remote_chart(resource) is not None
            or operator_kind(resource) is not None  # a data store an operator runs
        )
        return anchors and not resource.get("metadata", "ownerReferences")
    return (
        not resource.is_data_source
        and resource.service_kind in roles.anchor_service_kinds
        and resource.type not in roles.supporting_types
    )


def is_platform(resource: Resource, roles: Roles) -> bool:
    return resource.is_data_source or resource.service_kind in roles.platform_service_kinds


def _part_of_another(graph: Needs, rid: str, candidates: set[str], resources: dict[str, Resource]) -> bool:
    """A compute resource that names another of the same kind is a part of it, not a workload: a function's
    alias, permission or event source mapping, a cluster's add-on."""
    resource = resources[rid]
    if resource.source != "terraform":
        return False
    return any(
        other in candidates and resources[other].service_kind == resource.service_kind
        for other in graph.successors(rid)
    )


def _whole_of(graph: Needs, rid: str, anchors: set[str], resources: dict[str, Resource]) -> set[str]:
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


def _reach(graph: Needs, start: str, stop: set[str], conditional: set[str] = frozenset()) -> Iterable[str]:
    """Nodes reachable from ``start`` along dependency edges, not entering ``stop`` nodes; from a resource
    switched off in the code only other switched-off ones are entered (a flag's resources go together,
    the deployed ones they name are not pulled in through them)."""
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        switched = node in conditional
        for nxt in graph.successors(node):
            if nxt not in seen and nxt not in stop and (not switched or nxt in conditional):
                seen.add(nxt)
                frontier.append(nxt)
    seen.discard(start)
    return seen


def _anchors_ahead(
    graph: Needs,
    start: str,
    anchors: set[str],
    platform: set[str],
    owned,
    kinds: dict[str, str | None],
    conditional: set[str],
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
            if nxt in seen or nxt in platform or nxt in conditional:
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


def group_workloads(graph: Needs, roles: Roles | None = None) -> tuple[Workload, ...]:
    roles = roles or load_roles()
    resources = graph.resources
    conditional = {rid for rid, r in resources.items() if r.conditional is not None}
    candidates = {rid for rid, r in resources.items() if rid not in conditional and is_anchor(r, roles)}
    anchors = {rid for rid in candidates if not _part_of_another(graph, rid, candidates, resources)}
    # A part (a function's event source mapping, a cluster's add-on) belongs to the anchor it names and
    # brings what it needs along; nothing else pulls it in (a StorageClass does not own the CSI add-on).
    part_of = {rid: _whole_of(graph, rid, anchors, resources) for rid in sorted(candidates - anchors)}
    parts = {rid for rid, whole in part_of.items() if whole}
    held = anchors | parts
    platform = {rid for rid, r in resources.items() if rid not in held and is_platform(r, roles)}
    stop = anchors | parts | platform

    owners: dict[str, set[str]] = defaultdict(set)
    for part in sorted(parts):
        owners[part] |= part_of[part]
    for start in sorted(anchors | parts):
        for node in _reach(graph, start, stop, conditional):
            owners[node] |= {start} if start in anchors else part_of[start]
    # Front objects nothing needs (a Service, an event source mapping) join the anchors they lead to,
    # and bring along what they need that no anchor reached (the queue behind the mapping).
    reached = {node for node, found in owners.items() if found}
    fronts = [rid for rid in sorted(resources) if rid not in stop and rid not in reached]
    owned = {node: set(found) for node, found in owners.items() if found}
    kinds = {rid: r.service_kind for rid, r in resources.items()}
    for rid in fronts:
        owners[rid] = _anchors_ahead(graph, rid, anchors, platform, owned, kinds, conditional)
    pulled: set[str] = set()  # nodes that only fronts lead to: they go with those fronts
    for rid in fronts:
        for node in _reach(graph, rid, stop, conditional) if owners[rid] else ():
            if node not in reached and (not owners[node] or node in pulled):
                owners[node] = owners[node] | owners[rid]
                pulled.add(node)

    lead = _count_leads(anchors, resources)
    members: dict[str, set[str]] = defaultdict(set)
    for anchor in anchors:
        members[lead[anchor]].add(anchor)
    shared: dict[str, set[str]] = defaultdict(set)
    orphans: list[str] = []
    platform_by_config: dict[str, set[str]] = defaultdict(set)
    for rid in sorted(resources):
        if rid in anchors:
            continue
        if rid in platform:
            platform_by_config[resources[rid].configuration].add(rid)
            continue
        found = {lead[anchor] for anchor in owners.get(rid, ())}
        for anchor in found:
            members[anchor].add(rid)
            if len(found) > 1:
                shared[anchor].add(rid)
        if not found:
            orphans.append(rid)

    # Backing services nobody was found to use join their configuration's platform, but in a Kubernetes
    # folder that deploys one component they go with it (a release's ExternalSecret, dashboards, alerts).
    orphans = adopt_orphans(
        orphans, members, {a: lead[a] for a in anchors}, resources, roles.anchor_kinds | roles.deployer_kinds
    )
    drafts = [
        Draft(
            anchor_name(resources[anchor]),
            resources[anchor].configuration,
            "application",
            anchor,
            frozenset(members[anchor]),
            frozenset(shared[anchor]),
        )
        for anchor in sorted(members)
    ]
    for group in orphan_groups(graph, orphans, resources):
        platform_by_config[resources[group[0]].configuration].update(group)
    for configuration, ids in sorted(platform_by_config.items()):
        ids = {rid for rid in ids if not resources[rid].is_data_source}
        if ids:
            drafts.append(Draft("platform", configuration, "platform", None, frozenset(ids)))
    return assemble(drafts, resources, roles)


_COUNT_INDEX = re.compile(r"\[(\d+)\]$")


def _count_leads(anchors: set[str], resources: dict[str, Resource]) -> dict[str, str]:
    """Each anchor's lead: the lowest-numbered instance of its ``count`` block (replicas of one block are
    one component: ``aws_instance.web[0..2]`` is ``web``), else itself. ``for_each`` keys name instances
    that may be different things (tenants, services), so each keeps its own workload."""
    blocks: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for rid in anchors:
        resource = resources[rid]
        index = _COUNT_INDEX.search(resource.address) if resource.source == "terraform" else None
        if index is not None:
            block = resource.address[: index.start()]
            blocks[(resource.configuration, block)].append((int(index.group(1)), rid))
    lead = {rid: rid for rid in anchors}
    for instances in blocks.values():
        first = min(instances)[1]
        for _, rid in instances:
            lead[rid] = first
    return lead


def assemble(drafts: list[Draft], resources: dict[str, Resource], roles: Roles) -> tuple[Workload, ...]:
    """Fold the drafts into components across their variants and name each one."""
    evidence = Evidence(roles.generic_images, roles.environment_folders)
    groups = fold(drafts, resources, evidence)
    bases, qualifiers = [], []
    for group in groups:
        bases.append(component_name([d.name for d in group]))
        namespaces = {resources[d.anchor].namespace for d in group if d.anchor}
        spaces = [n for n in namespaces if n and n != "default" and len(namespaces) == 1]
        # a count index tells nothing once the block's instances are one workload (_count_leads)
        leads = [resources[d.anchor] for d in group if d.anchor]
        keys = {
            instance_key(r) for r in leads if not (r.source == "terraform" and _COUNT_INDEX.search(r.address))
        }
        spaces += [k for k in keys if k and len(keys) == 1]
        calls = {tuple(name for name, _ in reversed(module_calls(r.address))) for r in leads}
        spaces += list(calls.pop()) if len(calls) == 1 else []  # the module calls, innermost first
        folders = _folders(common_folder([d.configuration for d in group]))
        qualifiers.append([*spaces, *folders, *_folders(group[0].configuration)])
    names = unique_names(bases, qualifiers, roles.generic_folders)
    # Shared means used by another component: variants of one component sharing a table do not count.
    holders: dict[str, int] = defaultdict(int)
    for group in groups:
        for rid in set().union(*(d.resources for d in group)):
            holders[rid] += 1
    workloads = []
    for name, group in zip(names, groups, strict=True):
        group = [replace(d, shared=frozenset(r for r in d.shared if holders[r] > 1)) for d in group]
        variants = tuple(variant_of(d, resources) for d in group)
        first = group[0]
        workloads.append(
            Workload(
                name,
                name,
                first.configuration,
                first.role,
                first.anchor,
                tuple(sorted(set().union(*(d.resources for d in group)))),
                tuple(sorted(set().union(*(d.shared for d in group)))),
                variants,
            )
        )
    return tuple(sorted(workloads, key=lambda w: w.id))


def _folders(path: str) -> list[str]:
    """A configuration's folders, nearest first; a file of its own by its name without the suffix."""
    if path == ".":
        return []
    parts = list(reversed(path.split("/")))
    if parts[0].endswith((".yaml", ".yml", ".json")):
        parts[0] = parts[0].rsplit(".", 1)[0]
    return parts


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
            variants = tuple(
                replace(
                    v,
                    anchor=v.anchor if v.anchor in kept else None,
                    resources=tuple(r for r in v.resources if r in kept),
                    shared=tuple(r for r in v.shared if r in kept),
                )
                for v in variants_of(workload)
                if any(r in kept for r in v.resources)
            )
            result.append(
                Workload(
                    workload.id,
                    workload.name,
                    variants[0].configuration,
                    workload.role,
                    anchor,
                    kept,
                    shared,
                    variants,
                )
            )
    taken = {w.id for w in result}
    for override in overrides:
        ids = tuple(sorted(rid for rid, name in claimed.items() if name == override.name))
        if not ids:
            continue
        anchors = [w.anchor for w in workloads if w.anchor in ids]
        by_config: dict[str, list[str]] = defaultdict(list)
        for rid in ids:
            by_config[resources[rid].configuration].append(rid)
        variants = tuple(
            Variant(
                configuration,
                next((a for a in anchors if a in members), None),
                tuple(members),
                namespace=next((resources[r].namespace for r in members if resources[r].namespace), None),
            )
            for configuration, members in sorted(by_config.items())
        )
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
                (),
                variants,
            )
        )
    return tuple(sorted(result, key=lambda w: w.id))


def variants_of(workload: Workload) -> tuple[Variant, ...]:
    """The workload's variants; a workload built without them is one variant of its own configuration."""
    if workload.variants:
        return workload.variants
    return (Variant(workload.configuration, workload.anchor, workload.resources, workload.shared),)
