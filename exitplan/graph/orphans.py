"""What nobody was found to use: resources no anchor reaches and no front object leads to."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Mapping

from ..model import Resource
from .needs import Needs, components


def adopt_orphans(
    orphans: list[str],
    members: Mapping[str, set[str]],
    leads: Mapping[str, str],
    resources: Mapping[str, Resource],
    never: frozenset[str],
) -> list[str]:
    """Add each Kubernetes orphan to the one component deployed beside it, where there is one; return the
    orphans left. A GitOps app folder holds one release or controller and what goes with it: the
    ExternalSecret whose Secret the values name in a template, dashboards, alert rules, monitors.

    Beside it means in the same folder of the same configuration, or, for an object written in the
    configuration's own folder (an overlay's patch-free extras) or outside it (a base's, or a shared
    component's that a Flux Kustomization adds), anywhere in that configuration: a
    configuration of loose manifests spans many folders, and one folder's component does not own another
    folder's objects. ``leads`` maps each anchor to the lead of its component. Objects of the kinds in
    ``never`` are nobody's part: a controller that anchors nothing (a pod a ReplicaSet owns, dumped from
    a cluster), a GitOps object that deploys others."""
    beside: dict[tuple[str, str], set[str]] = defaultdict(set)
    for anchor, lead in leads.items():
        resource = resources[anchor]
        if resource.source == "kubernetes":
            beside[(resource.configuration, _folder(resource.file))].add(lead)
            beside[(resource.configuration, "")].add(lead)
    left = []
    for rid in orphans:
        resource = resources[rid]
        folder = _folder(resource.file)
        adoptable = resource.source == "kubernetes" and resource.type not in never
        own = folder == resource.configuration
        sole = beside.get((resource.configuration, "" if own else folder), set()) if adoptable else set()
        if adoptable and len(sole) != 1 and _added(folder, resource.configuration):
            sole = beside.get((resource.configuration, ""), set())
        if len(sole) == 1:
            members[next(iter(sole))].add(rid)
        else:
            left.append(rid)
    return left


def _added(folder: str, configuration: str) -> bool:
    """Written outside the configuration's folder: added to it from elsewhere (a base, a component a Flux
    Kustomization adds), not one of the subfolders a loose configuration spans."""
    return not (configuration == "." or folder == configuration or folder.startswith(f"{configuration}/"))


def _folder(path: str) -> str:
    return posixpath.dirname(path) or "."


def orphan_groups(graph: Needs, orphans: list[str], resources: dict[str, Resource]) -> list[list[str]]:
    """Unused resources grouped with what they configure (a secret and its versions): connected by edges
    between resources of one service kind. The main resource, the one the others point to, comes first."""
    pool = set(orphans)
    linked: dict[str, set[str]] = {rid: set() for rid in orphans}
    for rid in orphans:
        for nxt in graph.successors(rid):
            if nxt in pool and resources[nxt].service_kind == resources[rid].service_kind:
                linked[rid].add(nxt)
                linked[nxt].add(rid)
    groups = []
    for component in components(linked):
        members = sorted(component)
        main = [rid for rid in members if not any(n in component for n in graph.successors(rid))]
        groups.append(sorted(members, key=lambda rid: (rid not in main, rid)))
    return sorted(groups)
