"""The diagram of a set of resources, ready to print as Mermaid or dot.

Layers are boxes (Kubernetes objects, the cluster, the cloud resources Terraform manages), so the edges that
cross a box are the cross-layer links. A node's colour is its lock-in class, decided by the heaviest active
finding on it (what the score deducts). Supporting objects (policies, autoscalers, config maps, …) and the
parts of a Terraform service (a KMS alias, a subnet group) are drawn as a count on the node they serve, and
beyond the size budget the least important nodes are grouped by service kind (``diagram_budget.py``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from ..api import ScanReport
from ..graph.workloads import load_roles
from .diagram_budget import group_to_budget
from .diagram_style import DiagramStyle, diagram_style
from .parts import main_resources

CLUSTER_KINDS = frozenset({"kubernetes-cluster", "kubernetes-node-group"})
#: Layer id → title; the order they are drawn in (left to right in an LR flowchart).
LAYERS = {
    "kubernetes": "Kubernetes objects",
    "cluster": "Cluster",
    "cloud": "Cloud resources managed by Terraform",
}


def heaviest_findings(report: ScanReport) -> tuple[dict[str, int], dict[str, str]]:
    """Resource id → the weight of its heaviest finding that counts (not waived, not switched off), and
    that finding's rule."""
    cached = report.__dict__.get("_heaviest")
    if cached is None:
        weights: dict[str, int] = {}
        rules: dict[str, str] = {}
        for f in sorted(report.findings, key=lambda f: (-f.weight, f.rule)):
            if not f.waived and not f.conditional and f.resource not in weights:
                weights[f.resource], rules[f.resource] = f.weight, f.rule
        cached = (weights, rules)
        object.__setattr__(report, "_heaviest", cached)
    return cached


def layer_of(resource) -> str:
    if resource.source == "kubernetes":
        return "kubernetes"
    return "cluster" if resource.service_kind in CLUSTER_KINDS else "cloud"


def resource_diagram(
    report: ScanReport,
    ids: Iterable[str],
    edges: Iterable,
    members: set[str] | None = None,
    anchor: str | None = None,
    workload: str | None = None,
    budget: bool = True,
    fold: bool = True,
) -> dict[str, Any]:
    """The diagram of ``ids`` and the ``edges`` among them. ``members`` are the workload's own resources
    (others are drawn dashed, as outside it); ``anchor`` is the node its supporting objects fold into."""
    style = diagram_style()
    ids = sorted(set(ids))
    shown = set(ids)
    members = shown if members is None else members
    edges = [e for e in edges if e.source in shown and e.target in shown]
    weights, rules = heaviest_findings(report)
    host = _fold_hosts(report, ids, edges, anchor, style) if fold else {}
    folded: dict[str, Counter] = defaultdict(Counter)
    weight = {rid: weights.get(rid, 0) for rid in ids}
    rule = {rid: rules.get(rid, "") for rid in ids}
    for rid, target in host.items():
        resource = report.resource(rid)
        noun = (
            style.plumbing.get(resource.type, ("part", "parts")) if resource.source == "kubernetes" else None
        )
        folded[target][noun or ("part", "parts")] += 1
        if weight[rid] > weight[target]:
            weight[target], rule[target] = weight[rid], rule[rid]
    twins, variants = _variant_twins(report, [rid for rid in ids if rid not in host]) if fold else ({}, {})
    for rid, twin in twins.items():
        for noun, n in folded[rid].items():
            folded[twin][noun] = max(folded[twin][noun], n)
        if weight[rid] > weight[twin]:
            weight[twin], rule[twin] = weight[rid], rule[rid]
    host = {rid: twins.get(target, target) for rid, target in host.items()} | twins
    nodes = []
    for rid in ids:
        if rid in host:
            continue
        resource = report.resource(rid)
        kind = resource.service_kind or ("" if resource.source == "kubernetes" else resource.type)
        lockin = style.lockin(weight[rid])
        detail = " · ".join(x for x in (kind, f"{rule[rid]} −{weight[rid]}" if weight[rid] else "") if x)
        counts = " · ".join(
            f"+{n} {nouns[0] if n == 1 else nouns[1]}" for nouns, n in sorted(folded[rid].items())
        )
        nodes.append(
            {
                "id": rid,
                "lines": [line for line in (resource.address, detail, counts, variants.get(rid)) if line],
                "cylinder": bool(resource.stateful),
                "lockin": lockin.name,
                "weight": weight[rid],
                "layer": layer_of(resource),
                "kind": resource.service_kind or resource.type,
                "outside": rid not in members,
                "focus": rid == anchor or (resource.source == "kubernetes" and rid in members),
            }
        )
    grouped, groups = group_to_budget(nodes, style.max_nodes) if budget else ({}, [])
    nodes = [n for n in nodes if n["id"] not in grouped] + groups
    display = {rid: grouped.get(host.get(rid, rid), host.get(rid, rid)) for rid in ids}
    drawn = _merge_edges(edges, display, style)
    hidden = 0
    if budget and len(drawn) > style.max_edges:
        drawn, hidden = _trim_edges(drawn, style.max_edges)
    notes = []
    if groups:
        notes.append(
            {
                "text": f"{len(grouped)} resources are drawn in {len(groups)} groups by service kind to keep "
                "the picture readable; see every resource with",
                "command": f"exitplan graph{' --workload ' + workload if workload else ''} --format dot",
                "after": ".",
            }
        )
    if hidden:
        notes.append(
            {
                "text": f"{hidden} unlabelled reference arrows are left out; see them with",
                "command": f"exitplan graph{' --workload ' + workload if workload else ''} --format dot",
                "after": ".",
            }
        )
    return _assemble(nodes, drawn, notes, style, folded=bool(host))


def _fold_hosts(report, ids, edges, anchor, style: DiagramStyle) -> dict[str, str]:
    """Resource id → the node it is drawn on: supporting Kubernetes objects on the controller they serve
    (the workload's anchor first), Terraform parts on their service."""
    anchors = load_roles().anchor_kinds
    neighbours: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        neighbours[e.source].add(e.target)
        neighbours[e.target].add(e.source)
    host: dict[str, str] = {}
    for rid in ids:
        resource = report.resource(rid)
        if resource.source != "kubernetes" or resource.type not in style.plumbing:
            continue
        controllers = sorted(
            n
            for n in neighbours[rid]
            if report.resource(n).source == "kubernetes" and report.resource(n).type in anchors
        )
        if anchor in neighbours[rid] or (not controllers and anchor in ids and anchor != rid):
            host[rid] = anchor
        elif controllers:
            host[rid] = controllers[0]
    terraform = {rid for rid in ids if report.resource(rid).source == "terraform"}
    main = main_resources(report, terraform)
    for rid in sorted(terraform - main):
        kind = report.resource(rid).service_kind
        services = sorted(n for n in neighbours[rid] if n in main and report.resource(n).service_kind == kind)
        if services:
            host[rid] = services[0]
    return host


def _variant_twins(report, ids: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The same Kubernetes object in several variants (a base and its overlays) is drawn once: (object id →
    the id it is drawn as, drawn id → the variants it stands for, when not all of them)."""
    by_address: dict[str, list[str]] = defaultdict(list)
    for rid in ids:
        if report.resource(rid).source == "kubernetes":
            by_address[report.resource(rid).address].append(rid)
    configurations = {report.resource(r).configuration for same in by_address.values() for r in same}
    if len(configurations) < 2:
        return {}, {}
    twins, variants = {}, {}
    for same in by_address.values():
        for rid in same[1:]:
            twins[rid] = same[0]
        where = sorted({report.resource(r).configuration.rstrip("/").rsplit("/", 1)[-1] for r in same})
        variants[same[0]] = (
            f"in all {len(configurations)} variants"
            if len(same) == len(configurations)
            else "in " + ", ".join(where)
        )
    return twins, variants


def _merge_edges(edges, display: dict[str, str], style: DiagramStyle) -> list[dict[str, Any]]:
    """One arrow per pair of drawn nodes: its labels the distinct relation kinds (plain Terraform
    references unlabelled), solid when any of them is explicit in the code."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for e in edges:
        a, b = display[e.source], display[e.target]
        if a == b:
            continue
        arrow = merged.setdefault((a, b), {"source": a, "target": b, "kinds": set(), "explicit": False})
        if e.kind not in style.reference_kinds:
            arrow["kinds"].add(e.kind)
        arrow["explicit"] |= e.confidence == "explicit"
    return [
        {
            "source": a["source"],
            "target": a["target"],
            "label": ", ".join(sorted(a["kinds"])),
            "explicit": a["explicit"],
        }
        for _, a in sorted(merged.items())
    ]


def _trim_edges(edges: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], int]:
    """Keep every labelled arrow and as many unlabelled ones as fit under ``limit``."""
    labelled = [e for e in edges if e["label"]]
    plain = [e for e in edges if not e["label"]]
    room = max(0, limit - len(labelled))
    kept = {id(e) for e in labelled + plain[:room]}
    return [e for e in edges if id(e) in kept], max(0, len(plain) - room)


def _assemble(nodes, edges, notes, style: DiagramStyle, folded: bool) -> dict[str, Any]:
    layers = []
    for layer, title in LAYERS.items():
        inside = [n for n in nodes if n["layer"] == layer]
        if inside:
            layers.append({"id": f"layer:{layer}", "title": title, "direction": "LR", "nodes": inside})
    return {
        "direction": "LR",
        "layers": layers,
        "edges": edges,
        "order": [],
        "classes": classes_of(nodes, style),
        "outside": [n["id"] for n in nodes if n.get("outside")],
        "legend": legend(nodes, style, folded),
        "notes": notes,
        "counts": {"nodes": len(nodes), "edges": len(edges)},
    }


def classes_of(nodes, style: DiagramStyle) -> list[dict[str, Any]]:
    used: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        used[n["lockin"]].append(n["id"])
    return [
        {"name": c.name, "fill": c.fill, "stroke": c.stroke, "ids": used[c.name]}
        for c in style.classes
        if used[c.name]
    ]


def legend(nodes, style: DiagramStyle, folded: bool = False, workloads: bool = False) -> list[str]:
    used = {n["lockin"] for n in nodes}
    colours = [c.legend for c in style.classes if c.name in used]
    lines = [
        "Colour by the heaviest finding (the weight the score deducts): " + "; ".join(colours) + ".",
    ]
    if workloads:
        lines.append("Cylinders are workloads that own data. An arrow points to what must move first.")
        return lines
    lines.append(
        "Cylinders hold data; dashed boxes belong to other workloads. Solid arrows are references in the code, "
        "dashed ones inferred links (matched by name or endpoint); unlabelled arrows are plain Terraform references."
    )
    if folded:
        lines.append(
            "“+N policies”, “+N config maps”, “+N parts”: supporting objects drawn on the node they serve; "
            "the tables below list each one."
        )
    return lines
