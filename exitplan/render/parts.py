"""Which resources stand for a service and which are parts of one (a KMS alias of its key, a subnet group
of its database): runbooks give parts no procedure of their own, diagrams draw them on their service's node."""

from __future__ import annotations

from collections import defaultdict

from ..api import ScanReport


def main_resources(report: ScanReport, members: set[str]) -> set[str]:
    """The members that stand for a service, not parts of one: a KMS alias is part of its key, a subnet
    group part of its database, a role policy part of its role. Among resources of one service kind
    linked by an edge, a stateful one is the service; a resource that only names others of its kind
    (and that nothing of its kind names) is a part of them."""
    names: dict[str, set[str]] = defaultdict(set)
    named_by: dict[str, set[str]] = defaultdict(set)
    for edge in report.edges_from(members):
        if edge.target in members:
            a, b = report.resource(edge.source), report.resource(edge.target)
            if a.service_kind and a.service_kind == b.service_kind:
                names[a.id].add(b.id)
                named_by[b.id].add(a.id)

    def stands_alone(rid: str) -> bool:
        linked = names[rid] | named_by[rid]
        if report.resource(rid).stateful or not linked:
            return True
        if any(report.resource(n).stateful for n in linked):
            return False
        return not (names[rid] and not named_by[rid])

    return {rid for rid in members if stands_alone(rid)}
