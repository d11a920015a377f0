"""Edges between Terragrunt units: a unit that depends on another needs what that one deploys.

- ``unit-dependency``  each top resource of the unit → each top resource of the unit it depends on

A unit reads another's outputs (``dependency.database.outputs.endpoint``); the edge goes to the resources
those outputs name in the other unit (the loader follows each output's value, ``UnitDependency.addresses``).
Where that is not known (a whole ``outputs`` object, an output through variables, ``dependencies``
blocks), it goes to the other unit's tops, the resources nothing else in their unit needs (the instance,
not its subnet group). It leaves from the depending unit's tops: which of its resources reads which input
is Terraform's business after apply; what the top needs comes along through the unit's own edges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from ..model import Configuration, Edge, Resource


def unit_edges(
    configurations: Sequence[Configuration], resources: Sequence[Resource], edges: Iterable[Edge]
) -> Iterator[Edge]:
    dependent = [c for c in configurations if c.depends_on]
    if not dependent:
        return
    by_configuration: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        if resource.source == "terraform" and not resource.is_data_source:
            by_configuration[resource.configuration].append(resource)
    config_of = {r.id: r.configuration for r in resources}
    needed = {e.target for e in edges if config_of.get(e.source) == config_of.get(e.target)}
    tops = {path: [r for r in members if r.id not in needed] for path, members in by_configuration.items()}
    for configuration in dependent:
        for dependency in configuration.depends_on:
            if dependency.outputs and not dependency.addresses:
                continue  # it reads only values no resource holds (a domain name passed through)
            named = _behind(dependency.addresses, by_configuration.get(dependency.target, ()))
            for source in tops.get(configuration.path, ()):
                for target in named or tops.get(dependency.target, ()):
                    yield Edge(
                        source.id,
                        target.id,
                        "unit-dependency",
                        f"dependency.{dependency.name}",
                        "explicit",
                        dependency.file,
                        dependency.line,
                    )


def _behind(addresses: Sequence[str], members: Sequence[Resource]) -> list[Resource]:
    """The resources of the unit depended on that the outputs read come from: each address, its
    instances (``[0]``, ``["a"]``) and, for a module call's prefix, everything in it."""
    if not addresses:
        return []
    return [
        r
        for r in members
        if any(
            r.address.startswith(a) if a.endswith(".") else r.address == a or r.address.startswith(f"{a}[")
            for a in addresses
        )
    ]
