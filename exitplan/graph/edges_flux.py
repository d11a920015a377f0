"""Flux ``Kustomization`` objects → what they deploy.

- ``deploys``     a Flux Kustomization (``kustomize.toolkit.fluxcd.io``) → each controller and chart release
                  of the configuration at its ``spec.path``
- ``depends-on``  a Flux Kustomization or HelmRelease → each one its ``spec.dependsOn`` names (Flux applies
                  it only once those are ready), in the namespace given or its own; one of the same
                  configuration first, else the only one in the scan of that namespace and name

In a Flux repository each app has a ``ks.yaml`` whose ``path`` is the app's folder. The Kustomization is a
front object nothing needs, so it joins the workloads it leads to, as a Service joins what it selects; an
app's deployer moves with the app. The path is taken from the repository's root, which is what a
Kustomization of the repository's own ``GitRepository`` means (the usual case); one of another source
names nothing in the scan and gives no edge.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

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


def depends_on_edges(resources: Sequence[Resource]) -> Iterator[Edge]:
    """What Flux applies before each Kustomization and HelmRelease (``spec.dependsOn``)."""
    flux = [r for r in resources if r.type in ("Kustomization", "HelmRelease") and _is_flux(r, r.type)]
    if not flux:
        return
    named: dict[tuple[str, str | None, str], list[Resource]] = defaultdict(list)
    for resource in flux:
        named[(resource.type, resource.namespace or "default", resource.name)].append(resource)
    for resource in flux:
        items = resource.get("spec", "dependsOn")
        for index, item in enumerate(items if isinstance(items, list) else []):
            name = item.get("name") if isinstance(item, Mapping) else None
            if not isinstance(name, str) or not name:
                continue
            space = item.get("namespace") if isinstance(item.get("namespace"), str) else None
            found = named.get((resource.type, space or resource.namespace or "default", name), [])
            local = [r for r in found if r.configuration == resource.configuration]
            for target in local or (found if len(found) == 1 else []):
                if target.id != resource.id:
                    yield edge(resource, target, "depends-on", ("spec", "dependsOn", index))


def _is_flux(resource: Resource, kind: str = "Kustomization") -> bool:
    api = resource.get("apiVersion")
    group = FLUX_GROUP if kind == "Kustomization" else "helm.toolkit.fluxcd.io/"
    return resource.source == "kubernetes" and isinstance(api, str) and api.startswith(group)
