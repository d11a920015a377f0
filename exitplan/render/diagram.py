"""The dependency graph as Mermaid, Graphviz dot or JSON, whole or for one workload."""

from __future__ import annotations

import json

import networkx as nx

from ..api import ScanReport
from ..errors import UsageError
from .filters import mermaid_id, mermaid_label


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


def label(resource) -> str:
    kind = resource.service_kind or resource.type
    return f"{resource.address}\n{kind}"


def mermaid(report: ScanReport, ids: list[str], direction: str = "LR") -> str:
    keep = set(ids)
    lines = [f"flowchart {direction}"]
    by_config: dict[str, list[str]] = {}
    for rid in ids:
        by_config.setdefault(report.resource(rid).configuration, []).append(rid)
    for configuration, members in sorted(by_config.items()):
        lines.append(f'  subgraph {mermaid_id("cfg:" + configuration)}["{mermaid_label(configuration)}"]')
        for rid in members:
            resource = report.resource(rid)
            shape = ('[("', '")]') if resource.stateful else ('["', '"]')
            lines.append(f"    {mermaid_id(rid)}{shape[0]}{mermaid_label(label(resource))}{shape[1]}")
        lines.append("  end")
    for edge in report.edges:
        if edge.source in keep and edge.target in keep:
            arrow = "-->" if edge.confidence == "explicit" else "-.->"
            lines.append(
                f"  {mermaid_id(edge.source)} {arrow}|{mermaid_label(edge.kind)}| {mermaid_id(edge.target)}"
            )
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot(report: ScanReport, ids: list[str]) -> str:
    keep = set(ids)
    lines = ["digraph exitplan {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]
    for rid in ids:
        resource = report.resource(rid)
        shape = ", shape=cylinder" if resource.stateful else ""
        lines.append(f"  {_dot_quote(rid)} [label={_dot_quote(label(resource))}{shape}];")
    for edge in report.edges:
        if edge.source in keep and edge.target in keep:
            style = "" if edge.confidence == "explicit" else ", style=dashed"
            lines.append(
                f"  {_dot_quote(edge.source)} -> {_dot_quote(edge.target)} [label={_dot_quote(edge.kind)}{style}];"
            )
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
        return mermaid(report, ids)
    if fmt == "dot":
        return dot(report, ids)
    return as_json(report, ids)
