"""The size budget of a diagram: at most ``max_nodes`` boxes. Beyond it, the nodes that matter most stay on
their own — the workload's focus, then the heaviest lock-in, then data — and the rest are drawn as one
node per (layer, service kind) with a count, or one per layer when even those are too many."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def _importance(node: dict[str, Any]) -> tuple:
    return (
        not node.get("focus"),
        -node["weight"],
        not node["cylinder"],
        bool(node.get("outside")),
        node["id"],
    )


def group_to_budget(
    nodes: list[dict[str, Any]], max_nodes: int, key=lambda n: (n["layer"], n["kind"])
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """(node id → the group drawn in its place, the group nodes). Nothing is grouped within budget."""
    if len(nodes) <= max_nodes:
        return {}, []
    ranked = sorted(nodes, key=_importance)
    for keys in (key, lambda n: (n["layer"], "")):
        keep = max_nodes - 1
        while keep >= 0:
            rest = ranked[keep:]
            if keep + len({keys(n) for n in rest}) <= max_nodes:
                return _groups(rest, keys)
            keep -= 1
    return _groups(ranked, lambda n: (n["layer"], ""))


def _groups(rest: list[dict[str, Any]], keys) -> tuple[dict[str, str], list[dict[str, Any]]]:
    by_key: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for node in rest:
        by_key[keys(node)].append(node)
    grouped: dict[str, str] = {}
    groups = []
    for (layer, kind), members in sorted(by_key.items()):
        if len(members) == 1:  # a group of one is drawn as itself
            continue
        gid = f"group:{layer}:{kind}"
        heaviest = max(members, key=lambda n: n["weight"])
        examples = sorted({n["lines"][0] for n in members})
        shown = ", ".join(examples[:2]) + (", …" if len(examples) > 2 else "")
        groups.append(
            {
                "id": gid,
                "lines": [f"{len(members)} × {kind or 'other resources'}", shown],
                "cylinder": all(n["cylinder"] for n in members),
                "lockin": heaviest["lockin"],
                "weight": heaviest["weight"],
                "layer": layer,
                "kind": kind,
                "outside": all(n.get("outside") for n in members),
                "focus": False,
                "group": True,
            }
        )
        for node in members:
            grouped[node["id"]] = gid
    return grouped, groups
