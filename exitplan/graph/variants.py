"""One application component across its variants (SPEC §5): fold per-configuration workloads.

Workloads are first found per configuration. The same component deployed from a kustomize base and its
overlays, from sibling environment folders, or as a plain folder and its add-on copy is then folded into one
workload whose ``variants`` keep each configuration's resources apart. Folding needs evidence:

- **one source** — the anchors were rendered from the same document (a base's file and line), in different
  configurations; for Terraform, the same block at the same address (a module both roots call);
- **the same controller** — same kind and name, and either
  - the same image repository of the project's own (a registry host and not a generic public image), or
  - an ``app.kubernetes.io/name``/``app`` label, image repository or (for a chart's release) chart in common,
    and the configurations are sibling environment folders (``overlays/staging`` and
    ``overlays/production``, ``kubernetes/main`` and ``kubernetes/staging``) or one inside the other.

Two unrelated examples that each have a ``web`` Deployment share neither, and stay two workloads. Platform
workloads of configurations whose components were folded are folded too.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..kubernetes.gitops import remote_chart
from ..kubernetes.manifests import KUSTOMIZATION_FILES
from ..model import Resource


@dataclass(frozen=True)
class Variant:
    """The component as one configuration deploys it."""

    configuration: str
    anchor: str | None
    resources: tuple[str, ...]  # sorted ids
    shared: tuple[str, ...] = ()
    namespace: str | None = None
    replicas: int | None = None
    images: tuple[str, ...] = ()
    patches: tuple[str, ...] = ()  # files other than the resources' own that changed them (kustomize patches)


@dataclass(frozen=True)
class Draft:
    """A workload found in one configuration, before folding."""

    name: str
    configuration: str
    role: str
    anchor: str | None
    resources: frozenset[str]
    shared: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Evidence:
    """What the workload roles catalog says about names: generic images, environment folder names."""

    generic_images: frozenset[str]
    environments: frozenset[str]


class _Union:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def fold(drafts: Sequence[Draft], resources: Mapping[str, Resource], evidence: Evidence) -> list[list[Draft]]:
    """Drafts grouped into components, each group's drafts sorted by configuration."""
    union = _Union(len(drafts))
    apps = [i for i, d in enumerate(drafts) if d.role == "application" and d.anchor in resources]
    by_origin: dict[tuple, list[int]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in apps:
        anchor = resources[drafts[i].anchor]
        kind = anchor.type if anchor.source == "kubernetes" else anchor.address
        by_origin[(anchor.file, anchor.line, kind, _substituted_name(anchor))].append(i)
        if anchor.source == "kubernetes":
            by_name[(anchor.type, base_name(anchor.name, evidence))].append(i)
    # Kubernetes leftovers rendered from one base document are one platform across the overlays.
    for i, draft in enumerate(drafts):
        if draft.role == "platform":
            for rid in draft.resources:
                member = resources[rid]
                if member.source == "kubernetes":
                    key = (member.file, member.line, member.type, _substituted_name(member), "platform")
                    by_origin[key].append(i)
    for group in by_origin.values():
        _join_across_configurations(union, drafts, group)
    pairs = [(i, j) for group in by_name.values() for n, i in enumerate(group) for j in group[n + 1 :]]
    for i, j in pairs:
        if _same_controller(drafts[i], drafts[j], resources, evidence):
            union.join(i, j)
    # Configurations that share a component are variants of one application: in them, the same
    # controller with a label or image in common is the same component too (its database on a public
    # image, say), and their leftovers form one platform.
    related = _configuration_clusters(drafts, apps, union)
    for i, j in pairs:
        if (
            drafts[i].configuration != drafts[j].configuration
            and related.find(i) == related.find(j)
            and _corroborated(resources[drafts[i].anchor], resources[drafts[j].anchor])
        ):
            union.join(i, j)
    related = _configuration_clusters(drafts, apps, union)
    platform_of: dict[int, int] = {}
    for i, draft in enumerate(drafts):
        if draft.role == "platform":
            cluster = related.find(i)
            if cluster in platform_of:
                union.join(platform_of[cluster], i)
            else:
                platform_of[cluster] = i
    groups: dict[int, list[Draft]] = defaultdict(list)
    for i, draft in enumerate(drafts):
        groups[union.find(i)].append(draft)
    return [
        sorted(g, key=lambda d: (d.configuration.count("/"), d.configuration, d.anchor or ""))
        for _, g in sorted(groups.items())
    ]


def _substituted_name(anchor: Resource) -> str | None:
    """The name of an anchor whose name a Flux Kustomization's variables gave (a shared component's
    ``${APP}``): each app's copy of the document is a component of its own. A kustomize prefix or suffix
    (located in the kustomization file) keeps the variants of one component together."""
    where = anchor.origins.get(("metadata", "name"))
    if where is None or posixpath.basename(where.file) in KUSTOMIZATION_FILES:
        return None
    return anchor.name


def _join_across_configurations(union: _Union, drafts: Sequence[Draft], group: list[int]) -> None:
    """Join one draft per configuration (the same document twice in one configuration stays apart)."""
    seen: set[str] = set()
    for i in group:
        if drafts[i].configuration not in seen:
            seen.add(drafts[i].configuration)
            union.join(group[0], i)


def _configuration_clusters(drafts: Sequence[Draft], apps: list[int], union: _Union) -> _Union:
    """Drafts joined when their configurations hold variants of one folded component."""
    related = _Union(len(drafts))
    first_of_config: dict[str, int] = {}
    for i, draft in enumerate(drafts):
        related.join(first_of_config.setdefault(draft.configuration, i), i)
    for i in apps:
        related.join(i, union.find(i))
    return related


def _same_controller(a: Draft, b: Draft, resources: Mapping[str, Resource], evidence: Evidence) -> bool:
    """Strong evidence that two controllers of one kind and base name are one component."""
    if a.configuration == b.configuration:
        return False
    ra, rb = resources[a.anchor], resources[b.anchor]
    common = _repositories(ra) & _repositories(rb)
    if any(_own_image(repo, evidence) for repo in common):
        return True
    # The same image under a registry or as a build's local name (``contacts`` and ``…/bank/contacts``),
    # and the same app label.
    if _app_labels(ra) & _app_labels(rb) and any(
        _same_image(x, y) and x.rsplit("/", 1)[-1] not in evidence.generic_images
        for x in _repositories(ra)
        for y in _repositories(rb)
    ):
        return True
    if not _corroborated(ra, rb):
        return False
    return _nested(a.configuration, b.configuration) or _environment_siblings(
        a.configuration, b.configuration, evidence
    )


def _same_image(a: str, b: str) -> bool:
    """One repository is the other, or its path's tail (a local build name for a pushed image)."""
    return a == b or a.endswith(f"/{b}") or b.endswith(f"/{a}")


def _corroborated(a: Resource, b: Resource) -> bool:
    return bool(_repositories(a) & _repositories(b) or _app_labels(a) & _app_labels(b) or _same_chart(a, b))


def _same_chart(a: Resource, b: Resource) -> bool:
    """Two releases of one chart (a release has no image or label of its own to compare)."""
    chart_a, chart_b = remote_chart(a), remote_chart(b)
    return chart_a is not None and chart_b is not None and chart_a.chart.lower() == chart_b.chart.lower()


def base_name(name: str, evidence: Evidence) -> str:
    """A controller's name without an environment word in front or behind (``dev-frontend`` → ``frontend``)."""
    words = name.lower().split("-")
    while len(words) > 1 and words[0] in evidence.environments:
        words = words[1:]
    while len(words) > 1 and words[-1] in evidence.environments:
        words = words[:-1]
    return "-".join(words)


def _nested(a: str, b: str) -> bool:
    return a == "." or b == "." or b.startswith(f"{a}/") or a.startswith(f"{b}/")


_TOKEN = re.compile(r"[a-z0-9]+")


def _environment_siblings(a: str, b: str, evidence: Evidence) -> bool:
    """Paths that differ in one folder, both named like environments (``overlays/staging``, ``envs/prod``)."""
    pa, pb = a.split("/"), b.split("/")
    if len(pa) != len(pb):
        return False
    differ = [(x, y) for x, y in zip(pa, pb, strict=True) if x != y]
    return len(differ) == 1 and all(
        evidence.environments & set(_TOKEN.findall(name.lower())) for name in differ[0]
    )


def is_environment(segment: str, evidence: Evidence) -> bool:
    return bool(evidence.environments & set(_TOKEN.findall(segment.lower())))


def _app_labels(resource: Resource) -> set[tuple[str, str]]:
    labels = resource.get("metadata", "labels")
    template = resource.get("spec", "template", "metadata", "labels")
    found = set()
    for mapping in (labels, template):
        if isinstance(mapping, dict):
            for key in ("app.kubernetes.io/name", "app"):
                if isinstance(mapping.get(key), str):
                    found.add((key, mapping[key]))
    return found


_DIGEST = re.compile(r"@.*$")
_TAG = re.compile(r":[^/:]*$")


def containers(resource: Resource) -> list[dict]:
    spec = resource.get("spec", "template", "spec") or resource.get(
        "spec", "jobTemplate", "spec", "template", "spec"
    )
    if not isinstance(spec, dict) and resource.type == "Pod":
        spec = resource.get("spec")
    found = (spec or {}).get("containers") if isinstance(spec, dict) else None
    return [c for c in found or [] if isinstance(c, dict)]


def images(resource: Resource) -> tuple[str, ...]:
    return tuple(c["image"] for c in containers(resource) if isinstance(c.get("image"), str))


def _repositories(resource: Resource) -> set[str]:
    return {_TAG.sub("", _DIGEST.sub("", image)).lower() for image in images(resource)}


def _own_image(repository: str, evidence: Evidence) -> bool:
    """An image of the project's own: pulled from a registry host, with a name that is not a public one."""
    parts = repository.split("/")
    host = parts[0]
    if len(parts) < 2 or not ("." in host or ":" in host or host == "localhost"):
        return False
    return parts[-1] not in evidence.generic_images and host not in evidence.generic_images


def variant_of(draft: Draft, resources: Mapping[str, Resource]) -> Variant:
    anchor = resources.get(draft.anchor) if draft.anchor else None
    members = sorted(draft.resources)
    patches = sorted(
        {
            origin.file
            for rid in members
            for origin in resources[rid].origins.values()
            if origin.file != resources[rid].file
            and posixpath.basename(origin.file) not in KUSTOMIZATION_FILES
        }
    )
    replicas = anchor.get("spec", "replicas") if anchor is not None else None
    namespaces = {resources[rid].namespace for rid in members if resources[rid].namespace}
    namespace = anchor.namespace if anchor is not None else None
    if namespace is None and len(namespaces) == 1:
        namespace = next(iter(namespaces))
    return Variant(
        draft.configuration,
        draft.anchor,
        tuple(members),
        tuple(sorted(draft.shared)),
        namespace,
        replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else None,
        images(anchor) if anchor is not None and anchor.source == "kubernetes" else (),
        tuple(patches),
    )


def common_folder(paths: Sequence[str]) -> str:
    """The deepest folder the configurations share ("." when none)."""
    if not paths:
        return "."
    parts = [p.split("/") for p in paths]
    shared = []
    for column in zip(*parts, strict=False):
        if len(set(column)) != 1:
            break
        shared.append(column[0])
    joined = posixpath.join(*shared) if shared else "."
    return "." if joined in ("", ".") else joined
