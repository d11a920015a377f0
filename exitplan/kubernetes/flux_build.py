"""What a Flux ``Kustomization`` adds to the build of its path: components, post-build substitution, and
the target namespace.

Flux builds ``spec.path`` with kustomize, with the ``spec.components`` (paths from ``spec.path``) appended
to the kustomization's own, then replaces ``${VAR}`` and ``${VAR:=default}`` in the output with
``spec.postBuild.substitute``. Repositories share one component among many apps that way: a CloudNativePG
``Cluster`` named ``${APP}`` in ``components/postgres``, used by every app's ``ks.yaml`` with its own
``APP``. Without both, those objects are invisible (a component is no configuration of its own) or named
``${APP}``. ``spec.targetNamespace`` puts every namespaced object of the build in that namespace.

The path is taken from the repository's root, which is what a Kustomization of the repository's own
``GitRepository`` means (the usual case). Where several Kustomizations build one path, the first (by file
and line) is used and the others are named in its note. A variable neither substituted nor defaulted
is left as written (Flux would write an empty string), so a reader sees what the code leaves open;
``substituteFrom`` is not read (its ConfigMaps and Secrets are often made in the cluster).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..model import Location
from .manifests import Manifest, Parsed, manifests_of

FLUX_GROUP = "kustomize.toolkit.fluxcd.io/"
#: ``${NAME}``, ``${NAME:=default}`` and ``${NAME:-default}``, as Flux's envsubst reads them.
_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)")
_OPERATOR = re.compile(r":?[=-]")
_MAX_NESTING = 8
_DISABLED = "kustomize.toolkit.fluxcd.io/substitute"


@dataclass(frozen=True)
class FluxBuild:
    """A Flux Kustomization's additions to the build of ``path``."""

    name: str
    file: str
    line: int
    path: str
    components: tuple[str, ...]  # as written: relative to ``path``
    substitute: Mapping[str, str]
    also: tuple[str, ...] = ()  # the other Kustomizations that build the same path, as file:line
    namespace: str | None = None  # spec.targetNamespace: every namespaced object goes there

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def note(self) -> str:
        """What the configuration's note says of it."""
        added = [f"components {', '.join(self.components)}"] if self.components else []
        if self.substitute:
            added.append(f"variables {', '.join(sorted(self.substitute))}")
        if self.namespace:
            added.append(f"namespace {self.namespace}")
        also = f"; also built by {', '.join(self.also)}, not applied" if self.also else ""
        return f"built as the Flux Kustomization {self.name} ({self.where}) builds it: {' and '.join(added)}{also}"


def flux_builds(rels: Iterable[str], read: Callable[[str], Parsed | None]) -> dict[str, FluxBuild]:
    """The Flux Kustomizations in ``rels`` that add components or substitutions, by the folder they build."""
    found: dict[str, list[FluxBuild]] = {}
    for rel in sorted(r for r in rels if r.endswith((".yaml", ".yml"))):
        parsed = read(rel)
        if parsed is None or "kustomize.toolkit.fluxcd.io" not in parsed.text:
            continue
        for manifest in manifests_of(parsed):
            build = _build(manifest)
            if build is not None:
                found.setdefault(build.path, []).append(build)
    builds = {}
    for path, candidates in found.items():
        first, *others = sorted(candidates, key=lambda b: (b.file, b.line))
        builds[path] = FluxBuild(
            first.name,
            first.file,
            first.line,
            path,
            first.components,
            first.substitute,
            tuple(o.where for o in others),
            first.namespace,
        )
    return builds


def _build(manifest: Manifest) -> FluxBuild | None:
    value = manifest.value
    api = value.get("apiVersion")
    if manifest.kind != "Kustomization" or not (isinstance(api, str) and api.startswith(FLUX_GROUP)):
        return None
    spec = value.get("spec")
    path = spec.get("path") if isinstance(spec, Mapping) else None
    if not isinstance(path, str) or not path.strip():
        return None
    components = spec.get("components")
    components = tuple(c for c in components if isinstance(c, str)) if isinstance(components, list) else ()
    post = spec.get("postBuild")
    raw = post.get("substitute") if isinstance(post, Mapping) else None
    substitute = {
        str(k): _text(v) for k, v in (raw.items() if isinstance(raw, Mapping) else ()) if _text(v) is not None
    }
    namespace = _text(spec.get("targetNamespace"))
    if not components and not substitute and not namespace:
        return None
    folder = posixpath.normpath(path.strip().lstrip("/")) or "."
    return FluxBuild(
        manifest.name, manifest.file, manifest.line, folder, components, substitute, (), namespace
    )


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def substitute(manifests: list[Manifest], build: FluxBuild | None) -> None:
    """Put the namespaced objects in the target namespace, and replace the variables in every string value
    of ``manifests`` (in place), as Flux's post-build does;
    an object annotated ``kustomize.toolkit.fluxcd.io/substitute: disabled`` is left alone. A name that
    changed is located at the Kustomization that gave it: each app's copy of a shared component is an
    object of its own (``graph/variants.py``); other values keep the line they were written on."""
    if build is None:
        return
    where = Location(build.file, build.line)
    if build.namespace:
        for manifest in manifests:
            if manifest.namespaced:
                manifest.metadata["namespace"] = build.namespace
                manifest.origins[("metadata", "namespace")] = where
    for manifest in manifests if build.substitute else ():
        annotations = manifest.metadata.get("annotations")
        if isinstance(annotations, Mapping) and annotations.get(_DISABLED) == "disabled":
            continue
        changed: list[tuple] = []
        manifest.value = _replaced(manifest.value, build.substitute, (), changed)
        if ("metadata", "name") in changed:
            manifest.origins[("metadata", "name")] = where


def _replaced(value: Any, variables: Mapping[str, str], path: tuple, changed: list[tuple]) -> Any:
    if isinstance(value, str):
        if "${" not in value:
            return value
        new = _expand(value, variables)
        if new != value:
            changed.append(path)
        return new
    if isinstance(value, dict):
        return {key: _replaced(item, variables, (*path, key), changed) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, variables, (*path, index), changed) for index, item in enumerate(value)]
    return value


def _expand(text: str, variables: Mapping[str, str], depth: int = 0) -> str:
    """``text`` with each ``${NAME}`` or ``${NAME:=default}`` replaced; a default may hold variables of its
    own (``${CLAIM:=${APP}-config}``); what is not Flux's syntax stays as written."""
    out, at = [], 0
    while (start := text.find("${", at)) != -1:
        match = _NAME.match(text, start + 2)
        end = _closing(text, match.end()) if match else -1
        if end == -1:
            out.append(text[at : start + 2])
            at = start + 2
            continue
        name, rest = match.group(1), text[match.end() : end]
        out.append(text[at:start])
        if name in variables:
            out.append(variables[name])
        elif rest and depth < _MAX_NESTING:
            out.append(_expand(rest.lstrip(":")[1:], variables, depth + 1))
        else:
            out.append(text[start : end + 1])
        at = end + 1
    out.append(text[at:])
    return "".join(out)


def _closing(text: str, at: int) -> int:
    """Where the ``}`` that closes a variable is, from ``at`` (after its name): right there, or after a
    default (``:=``, ``:-``, ``=``, ``-``) in which ``${…}`` nest; -1 when it does not close."""
    if text.startswith("}", at):
        return at
    operator = _OPERATOR.match(text, at)
    if operator is None:
        return -1
    level, index = 0, operator.end()
    while index < len(text):
        if text.startswith("${", index):
            level, index = level + 1, index + 2
            continue
        if text[index] == "}":
            if level == 0:
                return index
            level -= 1
        index += 1
    return -1
