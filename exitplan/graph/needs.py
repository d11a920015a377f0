"""The graph a scan walks: which resources each resource needs, and which need it.

A scan only follows edges one step at a time (workload grouping, the rules' context), so this is two
adjacency maps and no graph library: importing networkx costs more than a small scan's own work. Plans
and diagrams, which need its algorithms (cycles, topological order, descendants), get a ``networkx``
graph of the same edges from :func:`exitplan.graph.build.build_graph`.

Neighbours come in the order their first edge was added, as ``networkx.DiGraph`` gives them, so walks
visit nodes in the same order whichever graph they walk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..model import Edge, Resource


class Needs:
    """Resources by id (sorted), and for each what it needs and what needs it."""

    __slots__ = ("resources", "_needs", "_needed_by")

    def __init__(self, resources: Sequence[Resource], edges: Iterable[Edge]) -> None:
        self.resources: dict[str, Resource] = {r.id: r for r in sorted(resources, key=lambda r: r.id)}
        # dicts as ordered sets: a neighbour's place is that of its first edge
        self._needs: dict[str, dict[str, None]] = {rid: {} for rid in self.resources}
        self._needed_by: dict[str, dict[str, None]] = {rid: {} for rid in self.resources}
        needs, needed_by = self._needs, self._needed_by
        for edge in edges:
            source, target = edge.source, edge.target
            if source != target and source in needs and target in needs:
                needs[source][target] = None
                needed_by[target][source] = None

    def __contains__(self, rid: object) -> bool:
        return rid in self._needs

    def __iter__(self) -> Iterator[str]:
        return iter(self._needs)

    def successors(self, rid: str) -> Iterator[str]:
        """What ``rid`` needs."""
        return iter(self._needs[rid])

    def predecessors(self, rid: str) -> Iterator[str]:
        """What needs ``rid``."""
        return iter(self._needed_by[rid])


def components(linked: dict[str, set[str]]) -> Iterator[set[str]]:
    """The connected components of an undirected graph given as neighbour sets."""
    seen: set[str] = set()
    for start in linked:
        if start in seen:
            continue
        component, frontier = {start}, [start]
        while frontier:
            for nxt in linked[frontier.pop()]:
                if nxt not in component:
                    component.add(nxt)
                    frontier.append(nxt)
        seen |= component
        yield component
