"""The estate diagram of the exit plan: workloads in their migration wave, the waves left to right
(foundations → data → services → edge), an arrow to each workload a workload needs, and one line under the
picture for each circle of workloads that need each other."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..api import ScanReport
from ..graph.workloads import load_wave_phases
from ..plan import phase_of
from .diagram_budget import group_to_budget
from .diagram_style import diagram_style
from .diagram_view import classes_of, legend

#: Cycles explained one line each, at most this many (then a count of the rest).
MAX_CYCLES = 3


def workload_wave(report: ScanReport, score, phases) -> int:
    """The wave a workload is drawn in: platform workloads lay the foundations, backing services hold the
    data, the rest move in the phase of the resource they run as."""
    names = [p.name for p in phases]
    role = score.workload.role
    if role == "platform" and "foundations" in names:
        return names.index("foundations") + 1
    if role == "backing-service" and "data" in names:
        return names.index("data") + 1
    if score.workload.anchor:
        return phase_of(report.resource(score.workload.anchor), phases)
    return names.index("services") + 1 if "services" in names else len(names)


def estate_diagram(report: ScanReport, scores, needs: dict[str, set[str]]) -> dict[str, Any]:
    style = diagram_style()
    phases = load_wave_phases()
    nodes = []
    for s in scores:
        heaviest = max((f for f in s.active), key=lambda f: (f.weight, f.rule), default=None)
        weight = heaviest.weight if heaviest else 0
        nodes.append(
            {
                "id": s.workload.id,
                "lines": [s.workload.id, f"grade {s.grade} · {s.score}/100"],
                "cylinder": s.state == "owns-state"
                or (
                    s.workload.role == "backing-service"
                    and any(report.resource(r).stateful for r in s.workload.resources)
                ),
                "lockin": style.lockin(weight).name,
                "weight": weight,
                "layer": workload_wave(report, s, phases),
                "kind": f"grade {s.grade}",
                "score": s.score,
            }
        )
    # Beyond the budget the best-scored workloads of a wave are drawn as one node per grade.
    for n in nodes:
        n["focus"] = False
        n["weight"] = 100 - n["score"]
    grouped, groups = group_to_budget(nodes, style.max_nodes)
    for g in groups:
        g["lines"] = [f"{g['lines'][0].split(' × ')[0]} workloads, {g['kind']}", g["lines"][1]]
    drawn = [n for n in nodes if n["id"] not in grouped] + groups
    display = {n["id"]: grouped.get(n["id"], n["id"]) for n in nodes}
    edges = sorted(
        {(display[a], display[b]) for a, deps in needs.items() for b in deps}
        - {(x, x) for x in display.values()}
    )
    layers, order = [], []
    for index, phase in enumerate(phases, 1):
        inside = [n for n in drawn if n["layer"] == index]
        if inside:
            layers.append(
                {
                    "id": f"wave:{index}",
                    "title": f"Wave {index} · {phase.name}",
                    "direction": "RL",
                    "nodes": inside,
                }
            )
    for earlier, later in zip(layers, layers[1:], strict=False):
        order.append((later["id"], earlier["id"]))
    notes = _cycle_notes(report, scores, needs)
    if groups:
        notes.append(
            {
                "text": f"{len(grouped)} workloads with the best scores are drawn as one node per wave and grade; "
                "the executive summary (Section 1) lists every workload.",
                "command": "",
                "after": "",
            }
        )
    return {
        "direction": "RL",
        "layers": layers,
        "edges": [{"source": a, "target": b, "label": "", "explicit": True} for a, b in edges],
        "order": order,
        "classes": classes_of(drawn, style),
        "outside": [],
        "legend": legend(drawn, style, workloads=True),
        "notes": notes,
        "counts": {"nodes": len(drawn), "edges": len(edges)},
    }


def _cycle_notes(report: ScanReport, scores, needs) -> list[dict[str, str]]:
    """One line per circle of workloads: which resource of each needs which of the next."""
    # Sorted: the cycle find_cycle walks follows insertion order, and ``needs`` holds sets, whose order
    # changes from run to run with string hashing (two plans of one repository named different cycles).
    import networkx as nx  # here, not at the top: the scan imports this module and never draws

    graph = nx.DiGraph(sorted((a, b) for a, deps in needs.items() for b in deps))
    knots = sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)
    if not knots:
        return []
    witness = _witnesses(report, scores)
    notes = []
    for knot in knots[:MAX_CYCLES]:
        cycle = nx.find_cycle(graph.subgraph(knot), source=knot[0])
        links = "; ".join(
            f"{a} needs {b} ({witness[(a, b)]})" if (a, b) in witness else f"{a} needs {b}" for a, b in cycle
        )
        notes.append(
            {
                "text": f"{' and '.join(knot) if len(knot) == 2 else ', '.join(knot)} need each other: {links}. "
                "They move together, each resource in its own wave (Section 10 orders them).",
                "command": "",
                "after": "",
            }
        )
    if len(knots) > MAX_CYCLES:
        notes.append(
            {"text": f"{len(knots) - MAX_CYCLES} more circles of this kind.", "command": "", "after": ""}
        )
    return notes


def _witnesses(report: ScanReport, scores) -> dict[tuple[str, str], str]:
    """(workload, workload it needs) → one resource edge that makes it so, as ``address → address``."""
    owner: dict[str, list[str]] = defaultdict(list)
    for s in scores:
        shared = set(s.workload.shared)
        for rid in s.workload.resources:
            if rid not in shared:
                owner[rid].append(s.workload.id)
    found: dict[tuple[str, str], str] = {}
    for e in report.edges:
        for a in owner.get(e.source, ()):
            for b in owner.get(e.target, ()):
                if a != b and (a, b) not in found:
                    found[(a, b)] = (
                        f"{report.resource(e.source).address} → {report.resource(e.target).address}"
                    )
    return found
