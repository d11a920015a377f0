"""The library surface: string the stages together.

discover → loaders → classify → markers → graph → workloads → rules → scoring  (scan)
scan → target catalog → mapping and waves                                        (plan)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, cache
from .classify import classify, coverage
from .config import Config, find_config, load_config
from .discover import Discovery, discover
from .graph.build import build_graph, terraform_reference_edges, unique_edges
from .graph.edges_addons import addon_edges
from .graph.edges_config import route_config_values
from .graph.edges_cross import cross_layer_edges
from .graph.edges_flux import depends_on_edges, flux_edges
from .graph.edges_kubernetes import kubernetes_edges
from .graph.edges_operators import operator_edges
from .graph.edges_releases import release_edges
from .graph.edges_units import unit_edges
from .graph.needs import Needs
from .graph.workloads import (
    ORDERING_EDGES,
    Workload,
    apply_overrides,
    group_workloads,
    load_roles,
    variants_of,
)
from .knowledge.data_stores import DataStore, DataStoreCatalog, load_data_stores, recognise
from .knowledge.operator_stores import parts_by_store, recognise_operator
from .knowledge.release_stores import recognise_release
from .knowledge.service_catalog import load_service_catalog
from .kubernetes import helm_releases, helm_render
from .kubernetes import loader as kubernetes
from .kubernetes.compositions import composition_edges, composition_pairs
from .kubernetes.gitops import ChartSources
from .markers import Marker, find_markers, load_markers
from .model import FINDING_ORDER, Configuration, Edge, Finding, InputFile, LoadResult, Resource
from .rules.base import RuleContext
from .scoring import (
    WorkloadScore,
    apply_waivers,
    estate_score,
    mark_conditional,
    run_rules,
    score_workloads,
)
from .terraform import loader as terraform
from .terraform import plan_json
from .terraform.file_reads import merge_inputs, terraform_inputs
from .terraform.variables import NO_INPUTS, VariableInputs

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class ScanReport:
    root: Path
    inputs: tuple[InputFile, ...]
    configurations: tuple[Configuration, ...]
    resources: tuple[Resource, ...]
    edges: tuple[Edge, ...]
    workloads: tuple[WorkloadScore, ...]
    findings: tuple[Finding, ...]
    markers: tuple[Marker, ...]
    coverage: dict
    score: int
    jurisdictions: dict[str, str] = field(default_factory=dict)
    catalog_dirs: tuple[Path, ...] = ()  # the user's catalog folders this scan used
    version: str = __version__
    watched: tuple[str, ...] = ()  # folders read outside the scanned root (real paths)
    #: The estate score with every condition in the code taken as true.
    score_if_enabled: int = 100
    config: Config = field(default_factory=Config)  # the .exitplan.yaml it ran with (egress, transfer)

    @property
    def graph(self) -> nx.DiGraph:
        cached = self.__dict__.get("_graph")
        if cached is None:
            cached = build_graph(self.resources, self.edges)
            object.__setattr__(self, "_graph", cached)
        return cached

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def resource(self, resource_id: str) -> Resource:
        return self._by_id()[resource_id]

    def _by_id(self) -> dict[str, Resource]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {r.id: r for r in self.resources}
            object.__setattr__(self, "_index", cached)
        return cached

    def chart_sources(self) -> ChartSources:
        """The Flux source objects, to read the chart a release installs (``kubernetes/gitops.py``)."""
        cached = self.__dict__.get("_chart_sources")
        if cached is None:
            cached = ChartSources(self.resources)
            object.__setattr__(self, "_chart_sources", cached)
        return cached

    def edges_from(self, sources: Iterable[str]) -> list[Edge]:
        """The edges whose source is one of ``sources``, in report order. Runbooks ask once per workload;
        going through every edge each time was quadratic on a large estate."""
        positions = self.__dict__.get("_edge_positions")
        if positions is None:
            positions = defaultdict(list)
            for position, edge in enumerate(self.edges):
                positions[edge.source].append(position)
            object.__setattr__(self, "_edge_positions", positions)
        found = sorted(p for source in set(sources) for p in positions.get(source, ()))
        return [self.edges[p] for p in found]


def load_inputs(found: Discovery, variables: VariableInputs = NO_INPUTS) -> LoadResult:
    """Every loader over the files of its formats. A file no loader claims is not an input; a YAML or
    JSON file that Terraform reads is Terraform's input, not a manifest (``terraform/file_reads.py``).
    ``variables`` are Terraform variable values from outside the code (environment, --var-file, --var)."""
    json_files = found.of_format("json")
    plans = [f for f in json_files if plan_json.looks_like_plan(f)]
    plan_files = {f.rel for f in plans}
    manifests = found.of_format("yaml") + [f for f in json_files if f.rel not in plan_files]
    result = LoadResult(inputs=found.inputs)
    result += terraform.load(found, variables)
    result += plan_json.load(plans)
    read_by_terraform = terraform_inputs(result.file_reads, manifests)
    renderer = helm_render.find_renderer() if result.releases else None
    releases = (
        helm_releases.render_releases(found.root, result.releases, renderer, found.boundary)
        if renderer
        else None
    )
    if releases is not None:
        result += LoadResult(inputs=tuple(releases.skipped))
        for rel, (status, reason, line) in releases.files.items():
            if rel in read_by_terraform:
                read_by_terraform[rel] = InputFile(rel, read_by_terraform[rel].format, status, reason, line)
        result += LoadResult(resources=tuple(releases.resources))
    templates = {rel for rel, record in read_by_terraform.items() if record.format == "terraform-template"}
    result += LoadResult(inputs=tuple(read_by_terraform[rel] for rel in sorted(templates)))
    deployed = releases.charts if releases is not None else {}
    result += kubernetes.load(found, [f for f in manifests if f.rel not in templates], deployed)
    return LoadResult(
        tuple(sorted(merge_inputs(result.inputs, read_by_terraform))),
        tuple(sorted(set(result.configurations))),
        tuple(sorted(result.resources, key=lambda r: r.id)),
        tuple(sorted(set(result.file_reads))),
        result.watched,
        result.releases,
    )


def data_stores(
    workloads: Sequence[Workload],
    by_id: dict[str, Resource],
    edges: Sequence[Edge],
    catalog: DataStoreCatalog,
    charts: ChartSources | None = None,
) -> dict[str, DataStore]:
    """The data-store role each Kubernetes anchor plays, judged with the Services that select it."""
    selected_by: dict[str, list[Resource]] = defaultdict(list)
    for edge in edges:
        if edge.kind == "selects" and edge.source in by_id:
            selected_by[edge.target].append(by_id[edge.source])
    found = {}
    charts = charts or ChartSources(by_id.values())
    parts = parts_by_store(by_id.values())
    anchors = [v.anchor for workload in workloads for v in variants_of(workload) if v.anchor]
    for anchor in (by_id.get(rid) for rid in anchors):
        if anchor is None or anchor.source != "kubernetes" or anchor.id in found:
            continue
        services = sorted(selected_by.get(anchor.id, ()), key=lambda r: r.id)
        store = (
            recognise(anchor, services, catalog)
            or recognise_release(anchor, catalog, charts)
            or recognise_operator(anchor, parts.get(anchor.id, ()))
        )
        if store is not None:
            found[anchor.id] = store
    return found


#: Edges by which a workload reads data: a database's Secret, a host name of its Service.
DATA_USE_EDGES = frozenset({"uses-secret", "connects-to"})


def state_used(
    edges: Sequence[Edge], by_id: dict[str, Resource], stores: dict[str, DataStore]
) -> dict[str, frozenset[str]]:
    """Each resource's data-use edges to what holds data: a stateful resource, or a data store whose data
    persists (an operator's database anchors a workload of its own)."""
    found: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        if edge.kind in DATA_USE_EDGES:
            store = stores.get(edge.target)
            if by_id[edge.target].stateful or (store is not None and store.persistent):
                found[edge.source].add(edge.target)
    return {rid: frozenset(targets) for rid, targets in found.items()}


def scan(
    paths: Sequence[str],
    *,
    config: Config | None = None,
    config_path: Path | None = None,
    stdin_text: str | None = None,
    catalog_dirs: Sequence[Path] = (),
    today: dt.date | None = None,
    use_cache: bool = False,
    allow_outside: Sequence[Path] = (),
    variables: VariableInputs = NO_INPUTS,
) -> ScanReport:
    found = discover(list(paths) or ["."], stdin_text=stdin_text, allow_outside=tuple(allow_outside))
    if config is None:
        config = load_config(config_path or find_config(found.root))
    today = today or dt.date.today()
    key = None
    if use_cache and stdin_text is None:
        extra = [*([config.path] if config.path else []), *config.catalog_dirs, *catalog_dirs]
        renderer = helm_render.find_renderer()  # charts render differently with another renderer
        allowed = "\n".join(str(path) for path in found.boundary.allowed)
        options = f"{found.root}\n{today}\n{renderer.describe() if renderer else 'no helm'}\n{allowed}"
        options += f"\n{variables.fingerprint()}"
        key = cache.scan_key([f.path for f in found.files], found.root, extra, options)
        cached = cache.load(key)
        if isinstance(cached, ScanReport):
            return cached
    report = _scan(found, config, catalog_dirs, today, variables)
    if key is not None:
        cache.store(key, report)
    return report


def _scan(
    found: Discovery, config: Config, catalog_dirs: Sequence[Path], today: dt.date, variables: VariableInputs
) -> ScanReport:
    loaded = load_inputs(found, variables)
    catalog = load_service_catalog([*config.catalog_dirs, *catalog_dirs])
    composed = composition_pairs(loaded.resources)  # what each Crossplane claim gets
    charts = ChartSources(loaded.resources)  # the Flux sources releases name (kubernetes/gitops.py)
    resources = classify([*loaded.resources, *(made for _, made in composed)], catalog, charts)
    by_id = {r.id: r for r in resources}

    marker_catalog = load_markers()
    markers = tuple(sorted(m for r in resources for m in find_markers(r, marker_catalog, catalog)))
    grouped: dict[str, list[Marker]] = defaultdict(list)
    for marker in markers:
        grouped[marker.resource].append(marker)
    markers_by_resource = {rid: tuple(found) for rid, found in grouped.items()}

    cross = list(cross_layer_edges(resources))
    released = list(release_edges(resources))  # the values name them: preferred over a match by name
    released_keys = {(e.source, e.target, e.kind) for e in released}
    references = list(terraform_reference_edges(resources, least_only=True))  # unique_edges keeps no other
    edges = unique_edges(
        route_config_values(
            resources,
            [
                *references,
                *composition_edges(composed),
                *flux_edges(resources, load_roles().anchor_kinds),
                *depends_on_edges(resources),
                *unit_edges(loaded.configurations, resources, references),
                *kubernetes_edges(resources),
                *operator_edges(resources),
                *(e for e in cross if (e.source, e.target, e.kind) not in released_keys),
                *addon_edges(resources),
                *released,
            ],
        )
    )
    graph = Needs(resources, [e for e in edges if e.kind not in ORDERING_EDGES])
    roles = load_roles()
    workloads = apply_overrides(group_workloads(graph, roles), config.workloads, by_id)

    clouds = sorted({r.cloud for r in resources if r.cloud} | {m.cloud for m in markers if m.cloud})
    jurisdictions = {cloud: catalog.jurisdiction(cloud) or "unknown" for cloud in clouds}
    facts = {cloud: {"saas": catalog.is_saas(cloud)} for cloud in clouds}
    for cloud, seat in jurisdictions.items():
        if seat != "unknown":
            facts[cloud]["jurisdiction"] = seat
    context = RuleContext(
        resources=by_id,
        markers=markers_by_resource,
        settings=config.rules,
        clouds=facts,
        needs={node: tuple(sorted(graph.successors(node))) for node in graph},
        needed_by={node: tuple(sorted(graph.predecessors(node))) for node in graph},
        linked=frozenset(
            (e.source, f"{target.cloud}/{target.service_kind}")
            for e in cross
            if (target := by_id[e.target]).service_kind is not None
        ),
    )
    findings = mark_conditional(
        apply_waivers(run_rules(resources, context, config), by_id, config, today), by_id
    )
    stores = data_stores(workloads, by_id, edges, load_data_stores(), charts)
    scores = score_workloads(
        workloads, by_id, findings, jurisdictions, stores, state_used(edges, by_id, stores)
    )
    return ScanReport(
        root=found.root,
        inputs=loaded.inputs,
        configurations=loaded.configurations,
        resources=resources,
        edges=tuple(edges),
        workloads=scores,
        findings=tuple(sorted(findings, key=FINDING_ORDER)),
        markers=markers,
        coverage=coverage(resources),
        score=estate_score(scores),
        score_if_enabled=estate_score(scores, if_enabled=True),
        jurisdictions=dict(jurisdictions),
        catalog_dirs=(*config.catalog_dirs, *catalog_dirs),
        watched=loaded.watched,
        config=config,
    )
