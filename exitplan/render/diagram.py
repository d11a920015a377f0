"""The dependency graph as Mermaid, Graphviz dot or JSON, whole or for one workload.

Mermaid is drawn as in the runbooks (``diagram_view.py``: layers, lock-in colours, supporting objects folded,
the size budget); dot has every resource and edge, in the same layers and colours; JSON is the raw graph."""

from __future__ import annotations

import json

import networkx as nx

from ..api import ScanReport
from ..errors import UsageError
from .diagram_style import diagram_style
from .diagram_view import resource_diagram


def subgraph_ids(report: ScanReport, workload: str | None) -> list[str]:
    if workload is None:
        return sorted(r.id for r in report.resources)
    chosen = next((s.workload for s in report.workloads if s.workload.id == workload), None)
    if chosen is None:
        names = ", ".join(s.workload.id for s in report.workloads)
        raise UsageError(f"unknown workload '{workload}'; available: {names}")
    graph = report.graph
    keep = set(chosen.resources)
    shared = set(chosen.shared)  # what a shared member needs belongs to the other workloads' pictures
    for rid in chosen.resources:
        if rid not in shared:
            keep |= nx.descendants(graph, rid)
    return sorted(keep)


def _diagram(report: ScanReport, ids: list[str], workload: str | None, budget: bool) -> dict:
    chosen = next((s.workload for s in report.workloads if s.workload.id == workload), None)
    members = set(chosen.resources) if chosen else None
    anchor = chosen.anchor if chosen else None
    return resource_diagram(report, ids, report.edges, members, anchor, workload, budget=budget, fold=budget)


def mermaid(report: ScanReport, ids: list[str], workload: str | None = None) -> str:
    """The diagram as the runbooks draw it: layers, lock-in colours, supporting objects folded, the budget."""
    from .documents import environment

    template = environment().from_string('{% import "diagram.md.j2" as dg %}{{ dg.flowchart(d) }}')
    return template.render(d=_diagram(report, ids, workload, budget=True)).strip() + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot(report: ScanReport, ids: list[str], workload: str | None = None) -> str:
    """Every resource and edge (nothing folded or grouped), in the same layers and colours."""
    diagram = _diagram(report, ids, workload, budget=False)
    style = {c.name: c for c in diagram_style().classes}
    outside = set(diagram["outside"])
    lines = [
        "digraph exitplan {",
        "  rankdir=LR;",
        "  node [shape=box, style=filled, fontname=Helvetica];",
        "  edge [fontname=Helvetica, fontsize=10];",
    ]
    for layer in diagram["layers"]:
        lines.append(f"  subgraph {_dot_quote('cluster_' + layer['id'])} {{")
        lines.append(f"    label={_dot_quote(layer['title'])}; style=rounded; color=gray60;")
        for node in layer["nodes"]:
            lockin = style[node["lockin"]]
            attributes = [
                f"label={_dot_quote(chr(10).join(node['lines']))}",
                f'fillcolor="{lockin.fill}"',
                f'color="{lockin.stroke}"',
            ]
            if node["cylinder"]:
                attributes.append("shape=cylinder")
            if node["id"] in outside:
                attributes.append('style="filled,dashed"')
            lines.append(f"    {_dot_quote(node['id'])} [{', '.join(attributes)}];")
        lines.append("  }")
    for edge in diagram["edges"]:
        attributes = [f"label={_dot_quote(edge['label'])}"] if edge["label"] else []
        if not edge["explicit"]:
            attributes.append("style=dashed")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {_dot_quote(edge['source'])} -> {_dot_quote(edge['target'])}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def as_json(report: ScanReport, ids: list[str]) -> str:
    keep = set(ids)
    data = {
        "schema": "exitplan/graph/v1",
        "nodes": [
            {
                "id": rid,
                "address": report.resource(rid).address,
                "type": report.resource(rid).type,
                "source": report.resource(rid).source,
                "service_kind": report.resource(rid).service_kind,
                "configuration": report.resource(rid).configuration,
            }
            for rid in ids
        ],
        "edges": [
            {"from": e.source, "to": e.target, "kind": e.kind, "confidence": e.confidence, "via": e.via}
            for e in report.edges
            if e.source in keep and e.target in keep
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(report: ScanReport, fmt: str, workload: str | None = None) -> str:
    ids = subgraph_ids(report, workload)
    if fmt == "mermaid":
        return mermaid(report, ids, workload)
    if fmt == "dot":
        return dot(report, ids, workload)
    return as_json(report, ids)
