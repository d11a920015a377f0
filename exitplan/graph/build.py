"""Assemble the dependency graph: one node per resource, one edge per "needs" relation.

An edge ``A → B`` means A needs B, so B moves no later than A. Terraform reference edges come from the
references the loader resolved; Kubernetes and cross-layer edges come from their own modules. The scan
walks a :class:`~exitplan.graph.needs.Needs`; :func:`build_graph` gives plans and diagrams the same
graph in networkx, imported only then (its import alone outweighs a small scan).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..model import Edge, Resource, record_order

if TYPE_CHECKING:
    import networkx as nx

_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")
_LAST_KEY = re.compile(r"\[[^\]]*\]$")


def base_address(address: str) -> str:
    """``module.w["a"].aws_sqs_queue.jobs[0]`` → ``module.w.aws_sqs_queue.jobs``."""
    return _INSTANCE_KEY.sub("", address)


def named_addresses(address: str) -> tuple[str, ...]:
    """The addresses a reference's target may be found under, most precise first: as named, without its
    last key (an index naming an instance that is not there: ``count = 0`` leaves a key-less record), and
    without any key."""
    own, base = _LAST_KEY.sub("", address), base_address(address)
    return (address,) if own == address == base else (address, own, base)


def terraform_reference_edges(resources: Sequence[Resource], least_only: bool = False) -> Iterator[Edge]:
    """Edges for the references the Terraform loader resolved, within each configuration.

    A reference names an address without instance keys where Terraform does (``aws_sqs_queue.jobs``
    stands for every instance), so targets are looked up under :func:`named_addresses`: the address (or
    an instance of it), then without its last key, then by base address. With ``least_only``, only the edge :func:`unique_edges` would keep of those
    sharing source, target and kind (the least ``(via, line)``: file and confidence are the source's own).
    """
    by_address: dict[tuple[str, str], list[str]] = defaultdict(list)
    for resource in resources:
        if resource.source != "terraform":
            continue
        by_address[(resource.configuration, resource.address)].append(resource.id)
        # the instances of one block in one module instance: module.w["a"].aws_sqs_queue.jobs[0]
        # under module.w["a"].aws_sqs_queue.jobs, so that this module instance's reference finds
        # its own instances, not those of the module's other instances
        own = _LAST_KEY.sub("", resource.address)
        if own != resource.address:
            by_address[(resource.configuration, own)].append(resource.id)
        base = base_address(resource.address)
        if base not in (resource.address, own):
            by_address[(resource.configuration, base)].append(resource.id)
    looked_up: dict[tuple[str, str], list[str]] = {}

    def targets(configuration: str, address: str) -> list[str]:
        key = (configuration, address)
        found = looked_up.get(key)
        if found is None:
            found = looked_up[key] = next(
                (hit for name in named_addresses(address) if (hit := by_address.get((configuration, name)))),
                [],
            )
        return found

    for resource in resources:
        if resource.source != "terraform":
            continue  # objects rendered from a helm_release: graph/edges_releases.py
        if not least_only:
            for reference in resource.references:
                for target in targets(resource.configuration, reference.target):
                    if target != resource.id:
                        yield Edge(
                            resource.id, target, reference.kind, reference.via, "explicit", resource.file,
                            reference.line,
                        )  # fmt: skip
            continue
        least: dict[tuple[str, str], tuple[str, int]] = {}  # per (address named, kind)
        for reference in resource.references:
            named = (reference.target, reference.kind)
            found = least.get(named)
            if found is None or (reference.via, reference.line) < found:
                least[named] = (reference.via, reference.line)
        chosen: dict[tuple[str, str], tuple[str, int]] = {}
        for (address, kind), via_line in least.items():
            for target in targets(resource.configuration, address):
                if target != resource.id:
                    slot = (target, kind)
                    found = chosen.get(slot)
                    if found is None or via_line < found:
                        chosen[slot] = via_line
        for (target, kind), (via, line) in chosen.items():
            yield Edge(resource.id, target, kind, via, "explicit", resource.file, line)


_EDGE_ORDER = record_order(Edge)


def unique_edges(edges: Iterable[Edge]) -> list[Edge]:
    """One edge per (source, target, kind): the first in sorted order, which is stable across runs."""
    chosen: dict[tuple[str, str, str], Edge] = {}
    for edge in sorted(edges, key=_EDGE_ORDER):  # Edge's own order, without a method call per comparison
        chosen.setdefault((edge.source, edge.target, edge.kind), edge)
    return list(chosen.values())  # first kept in sorted order: already sorted


def build_graph(resources: Sequence[Resource], edges: Iterable[Edge]) -> nx.DiGraph:
    import networkx as nx

    graph = nx.DiGraph()
    for resource in sorted(resources, key=lambda r: r.id):
        graph.add_node(resource.id, resource=resource)
    for edge in edges:
        if edge.source in graph and edge.target in graph and edge.source != edge.target:
            if graph.has_edge(edge.source, edge.target):
                graph.edges[edge.source, edge.target]["edges"].append(edge)
            else:
                graph.add_edge(edge.source, edge.target, edges=[edge])
    return graph
