"""Edges between Terragrunt units: a unit that depends on another needs what that one deploys.

- ``unit-dependency``  each top resource of the unit → each top resource of the unit it depends on

A unit reads another's outputs (``dependency.database.outputs.endpoint``), which Terraform only knows
after the other is applied, so which resource reads which output is not followed. The edge joins the
units at their tops, the resources nothing else in their unit needs (the instance, not its subnet
group): what the top needs comes along through the unit's own edges, as it does for a module.
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
            for source in tops.get(configuration.path, ()):
                for target in tops.get(dependency.target, ()):
                    yield Edge(
                        source.id,
                        target.id,
                        "unit-dependency",
                        f"dependency.{dependency.name}",
                        "explicit",
                        dependency.file,
                        dependency.line,
                    )
