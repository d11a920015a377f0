"""The migration plan: what each resource becomes at the target, and in which wave it moves.

Waves go foundations → data → services → edge, and follow the graph: a resource never moves in a
wave before one it depends on (a dependency in a later phase pulls it along). Cycles are broken
explicitly — the weakest edge of each cycle is dropped (inferred before explicit, then the last in
sorted order) and reported, so the reader sees which assumption the order rests on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from .graph.workloads import WavePhase, load_wave_phases
from .knowledge.operator_stores import operator_kind
from .knowledge.targets import Offering, Target
from .model import Edge, Resource

#: Kubernetes objects are re-applied to the target cluster; their coupling is handled by findings.
KUBERNETES_OFFERING = "re-applied on the target cluster"
KUBERNETES_DATA_METHOD = (
    "Velero backup with file-system backup of the volumes (Kopia) restored on the target cluster, "
    "or the application's own dump and restore"
)


@dataclass(frozen=True)
class Mapping:
    resource: str
    service_kind: str | None
    offering: str | None
    managed: bool
    terraform_type: str | None
    method: str | None
    tools: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    instead: str | None = None
    docs: str | None = None


@dataclass(frozen=True)
class Wave:
    index: int
    name: str  # the phase: foundations, data, services, edge
    resources: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    target: Target
    mappings: tuple[Mapping, ...]
    waves: tuple[Wave, ...]
    broken_edges: tuple[Edge, ...]  # dropped to break dependency cycles

    def mapping_of(self, resource_id: str) -> Mapping | None:
        index = self.__dict__.get("_index")
        if index is None:
            index = {m.resource: m for m in self.mappings}
            object.__setattr__(self, "_index", index)
        return index.get(resource_id)

    def wave_of(self, resource_id: str) -> int | None:
        index = self.__dict__.get("_waves")
        if index is None:
            index = {rid: wave.index for wave in self.waves for rid in wave.resources}
            object.__setattr__(self, "_waves", index)
        return index.get(resource_id)


def map_resource(resource: Resource, target: Target) -> Mapping:
    if resource.source == "kubernetes" and resource.cloud is None:  # a Crossplane resource is the cloud's
        operated = operator_kind(resource)
        method = (
            operated.move
            if operated is not None
            else KUBERNETES_DATA_METHOD
            if resource.stateful
            else "kubectl apply, or the GitOps tool that deploys it"
        )
        return Mapping(resource.id, resource.service_kind, KUBERNETES_OFFERING, True, None, method)
    offering: Offering | None = (
        target.offering_for(resource.service_kind, resource.interface) if resource.service_kind else None
    )
    if offering is None:
        return Mapping(
            resource.id,
            resource.service_kind,
            None,
            False,
            None,
            None,
            instead="No catalog entry for this service kind: decide by hand.",
        )
    return Mapping(
        resource=resource.id,
        service_kind=resource.service_kind,
        offering=offering.offering,
        managed=offering.managed,
        terraform_type=offering.terraform_type,
        method=offering.method,
        tools=tuple(offering.tools),
        gaps=tuple(offering.gaps),
        instead=offering.instead,
        docs=offering.docs,
    )


def movable(resource: Resource) -> bool:
    return not resource.is_data_source


def break_cycles(graph: nx.DiGraph) -> tuple[nx.DiGraph, tuple[Edge, ...]]:
    """A copy of ``graph`` without cycles, and the edges removed to get there.

    Only strongly connected components can hold cycles, so each is worked on alone: in each cycle
    found, the weakest edge goes (inferred before explicit, then the last in sorted order)."""
    acyclic = graph.copy()
    removed: list[Edge] = []
    for component in sorted(nx.strongly_connected_components(graph), key=min):
        if len(component) < 2:
            continue
        knot = acyclic.subgraph(component).copy()
        while True:
            try:
                cycle = nx.find_cycle(knot)
            except nx.NetworkXNoCycle:
                break
            candidates = [(u, v, edge) for u, v in cycle for edge in knot.edges[u, v]["edges"]]
            u, v, _ = max(candidates, key=lambda c: (c[2].confidence != "explicit", c[2]))
            removed.extend(knot.edges[u, v]["edges"])
            knot.remove_edge(u, v)
            acyclic.remove_edge(u, v)
    return acyclic, tuple(sorted(removed))


def phase_of(resource: Resource, phases: Sequence[WavePhase]) -> int:
    """The earliest wave a resource may move in: its phase (foundations, data, services, edge). A
    Kubernetes object that holds data (a release of a chart whose values ask for volumes) moves with the
    data, whatever its kind."""
    default = next((i for i, p in enumerate(phases, 1) if p.name == "services"), len(phases))
    if resource.source == "kubernetes" and resource.stateful:
        default = next((i for i, p in enumerate(phases, 1) if p.name == "data"), default)
    for index, phase in enumerate(phases, 1):
        if (
            resource.type in phase.kubernetes_kinds
            if resource.source == "kubernetes"
            else (resource.service_kind in phase.service_kinds)
        ):
            return index
    return default


def migration_waves(
    graph: nx.DiGraph, resources: Sequence[Resource], phases: Sequence[WavePhase] | None = None
) -> tuple[tuple[Wave, ...], tuple[Edge, ...]]:
    """Waves by phase, pushed later where a dependency moves later: a resource moves in the wave of its
    phase or, if something it needs moves later, in that later wave — never before what it needs."""
    phases = phases or load_wave_phases()
    keep = {r.id: r for r in resources if movable(r)}
    acyclic, removed = break_cycles(graph.subgraph(keep).copy())
    wave: dict[str, int] = {}
    for node in reversed(list(nx.lexicographical_topological_sort(acyclic))):
        needs = (wave[d] for d in acyclic.successors(node))
        wave[node] = max([phase_of(keep[node], phases), *needs])
    by_wave: dict[int, list[str]] = {}
    for node, index in wave.items():
        by_wave.setdefault(index, []).append(node)
    waves = tuple(
        Wave(index, phases[index - 1].name, tuple(sorted(ids))) for index, ids in sorted(by_wave.items())
    )
    return waves, removed


def build_plan(target: Target, resources: Sequence[Resource], graph: nx.DiGraph) -> Plan:
    mappings = tuple(map_resource(r, target) for r in sorted(resources, key=lambda r: r.id) if movable(r))
    waves, removed = migration_waves(graph, resources)
    return Plan(target, mappings, waves, removed)
