"""Objects rendered from a Terraform ``helm_release`` → the release, and the Terraform resources its values name.

The render stage (``kubernetes/helm_releases.py``) leaves two kinds of reference on each object: one
``deployed-by`` to the release, and one ``helm-value`` per Terraform resource a placeholder in the object
stands for. A ``helm-value`` edge takes the kind of the target type's naming rule in
``providers/catalog/endpoint-patterns.yaml`` (``assumes-identity`` for an IAM role, ``uses-table`` for a
DynamoDB table), ``configured-by`` where the type has none. All are explicit: the value is the reference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from ..model import Edge, Resource
from .build import base_address, named_addresses
from .edges_endpoints import NameCatalog, load_names


def release_edges(resources: Sequence[Resource], catalog: NameCatalog | None = None) -> Iterator[Edge]:
    rendered = [r for r in resources if r.source == "kubernetes" and r.references]
    if not rendered:
        return
    catalog = catalog or load_names()
    by_address: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for resource in resources:
        if resource.source == "terraform":
            by_address[(resource.configuration, resource.address)].append(resource)
            base = base_address(resource.address)
            if base != resource.address:
                by_address[(resource.configuration, base)].append(resource)
    for resource in rendered:
        for reference in resource.references:
            targets = next(
                (
                    hit
                    for name in named_addresses(reference.target)
                    if (hit := by_address.get((resource.configuration, name)))
                ),
                (),
            )
            for target in targets:
                kind = reference.kind
                if kind == "helm-value":
                    rule = catalog.rules.get(target.type)
                    kind = rule.edge if rule is not None else "configured-by"
                yield Edge(
                    resource.id, target.id, kind, reference.via, "explicit", resource.file, reference.line
                )
