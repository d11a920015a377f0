"""Flux ``Kustomization`` objects → what they deploy.

- ``deploys``  a Flux Kustomization (``kustomize.toolkit.fluxcd.io``) → each controller and chart release
               of the configuration at its ``spec.path``

In a Flux repository each app has a ``ks.yaml`` whose ``path`` is the app's folder. The Kustomization is a
front object nothing needs, so it joins the workloads it leads to, as a Service joins what it selects; an
app's deployer moves with the app. The path is taken from the repository's root, which is what a
Kustomization of the repository's own ``GitRepository`` means (the usual case); one of another source
names nothing in the scan and gives no edge.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterator, Sequence

from ..kubernetes.gitops import RELEASE_KINDS
from ..model import Edge, Resource
from .index import edge

FLUX_GROUP = "kustomize.toolkit.fluxcd.io/"


def flux_edges(resources: Sequence[Resource], controllers: frozenset[str]) -> Iterator[Edge]:
    """``controllers``: the kinds that anchor workloads (``anchor_kinds`` in workload-roles.yaml)."""
    deployers = [r for r in resources if r.type == "Kustomization" and _is_flux(r)]
    if not deployers:
        return
    deployed: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        if resource.source == "kubernetes" and resource.type in (controllers | RELEASE_KINDS):
            deployed[resource.configuration].append(resource)
    for deployer in deployers:
        path = deployer.get("spec", "path")
        if not isinstance(path, str) or not path.strip():
            continue
        folder = posixpath.normpath(path.strip().lstrip("/")) or "."
        for target in deployed.get(folder, ()):
            yield edge(deployer, target, "deploys", ("spec", "path"))


def _is_flux(resource: Resource) -> bool:
    api = resource.get("apiVersion")
    return resource.source == "kubernetes" and isinstance(api, str) and api.startswith(FLUX_GROUP)
