"""Kustomize's field transformers (labels, annotations, images) and its ConfigMap/Secret generators."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import Any

from ..model import REDACTED, Location
from .kustomization import Kustomization, Render
from .manifests import Manifest
from .names import pod_spec_paths

_SELECTOR_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})


# --- labels and annotations -----------------------------------------------------------------------


def apply_labels(k: Kustomization, manifests: list[Manifest]) -> None:
    common = k.spec.get("commonLabels")
    if isinstance(common, dict) and common:
        for manifest in manifests:
            _label(manifest, common, selectors=True, templates=True, where=k.location("commonLabels"))
    labels = k.spec.get("labels")
    for index, entry in enumerate(labels if isinstance(labels, list) else []):
        if isinstance(entry, dict) and isinstance(entry.get("pairs"), dict):
            selectors = bool(entry.get("includeSelectors"))
            templates = selectors or bool(entry.get("includeTemplates"))
            for manifest in manifests:
                _label(manifest, entry["pairs"], selectors, templates, k.location("labels", index))


def _label(manifest: Manifest, pairs: dict, selectors: bool, templates: bool, where: Location) -> None:
    pairs = {str(k): str(v) for k, v in pairs.items()}
    _add(manifest, ("metadata", "labels"), pairs, where)
    spec = manifest.value.get("spec")
    if not isinstance(spec, dict):
        return
    if selectors and manifest.kind == "Service":
        _add(manifest, ("spec", "selector"), pairs, where)
    if selectors and manifest.kind in _SELECTOR_KINDS:
        _add(manifest, ("spec", "selector", "matchLabels"), pairs, where)
    if templates:
        for pod_spec in pod_spec_paths(manifest):
            _add(manifest, (*pod_spec[:-1], "metadata", "labels"), pairs, where)


def apply_annotations(k: Kustomization, manifests: list[Manifest]) -> None:
    common = k.spec.get("commonAnnotations")
    if not isinstance(common, dict) or not common:
        return
    pairs = {str(key): str(value) for key, value in common.items()}
    where = k.location("commonAnnotations")
    for manifest in manifests:
        _add(manifest, ("metadata", "annotations"), pairs, where)
        for pod_spec in pod_spec_paths(manifest):
            _add(manifest, (*pod_spec[:-1], "metadata", "annotations"), pairs, where)


def _add(manifest: Manifest, path: tuple[str, ...], pairs: dict[str, str], where: Location) -> None:
    """Set ``pairs`` in the mapping at ``path``, creating it where missing."""
    value: Any = manifest.value
    for step in path:
        if not isinstance(value, dict):
            return
        if not isinstance(value.get(step), dict):
            value[step] = {}
        value = value[step]
    for key, item in pairs.items():
        if value.get(key) != item:
            value[key] = item
            manifest.origins[(*path, key)] = where


# --- images ---------------------------------------------------------------------------------------


def split_image(image: str) -> tuple[str, str]:
    """``repo/name:tag@digest`` → (``repo/name``, ``:tag@digest``)."""
    name, at, digest = image.partition("@")
    suffix = at + digest
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, suffix = name[:colon], name[colon:] + suffix
    return name, suffix


def apply_images(k: Kustomization, manifests: list[Manifest]) -> None:
    images = k.spec.get("images")
    for index, entry in enumerate(images if isinstance(images, list) else []):
        if not isinstance(entry, dict) or not entry.get("name"):
            continue
        for manifest in manifests:
            for pod_spec in pod_spec_paths(manifest):
                _retag(manifest, pod_spec, entry, k.location("images", index))


def _retag(manifest: Manifest, pod_spec: tuple[str, ...], entry: dict, where: Location) -> None:
    spec: Any = manifest.value
    for step in pod_spec:
        spec = spec.get(step) if isinstance(spec, dict) else None
    if not isinstance(spec, dict):
        return
    for field in ("initContainers", "containers"):
        containers = spec.get(field)
        for index, container in enumerate(containers if isinstance(containers, list) else []):
            image = container.get("image") if isinstance(container, dict) else None
            if not isinstance(image, str):
                continue
            name, suffix = split_image(image)
            if name != entry["name"]:
                continue
            if entry.get("digest"):
                suffix = f"@{entry['digest']}"
            elif entry.get("newTag") is not None:
                suffix = f":{entry['newTag']}"
            new = f"{entry.get('newName') or name}{suffix}"
            if new != image:
                container["image"] = new
                manifest.origins[(*pod_spec, field, index, "image")] = where


# --- generators -----------------------------------------------------------------------------------


def generate(
    k: Kustomization,
    existing: list[Manifest],
    read: Callable[[Kustomization, str], str | None],
    render: Render,
) -> list[Manifest]:
    """The ConfigMaps and Secrets the kustomization generates; merges into ``existing`` in place."""
    created: list[Manifest] = []
    options = k.spec.get("generatorOptions") if isinstance(k.spec.get("generatorOptions"), dict) else {}
    for field, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
        entries = k.spec.get(field)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict) or not entry.get("name"):
                continue
            manifest = _generated(k, kind, entry, (field, index), options, read, render)
            same = [m for m in existing if m.kind == kind and m.name == manifest.name]
            if entry.get("behavior") in ("merge", "replace") and same:
                _merge_generated(same[0], manifest, replace=entry["behavior"] == "replace")
            else:
                created.append(manifest)
    return created


def _generated(
    k: Kustomization,
    kind: str,
    entry: dict,
    path: tuple[str, int],
    options: dict,
    read: Callable[[Kustomization, str], str | None],
    render: Render,
) -> Manifest:
    line = k.line(*path)
    data: dict[str, Any] = {}
    lines: dict[tuple, int] = {}
    secret = kind == "Secret"
    for index, literal in enumerate(entry.get("literals") or []):
        key, _, value = str(literal).partition("=")
        data[key.strip()] = REDACTED if secret else value
        lines[("data", key.strip())] = k.line(*path, "literals", index)
    for index, source in enumerate(entry.get("files") or []):
        key, _, file = str(source).rpartition("=")
        key = key or posixpath.basename(file)
        text = None if secret else read(k, file)
        if text is None and not secret:
            render.note(k.file, f"line {k.line(*path, 'files', index)}: {file} not read")
        data[key] = REDACTED if secret else text
        lines[("data", key)] = k.line(*path, "files", index)
    for index, env in enumerate([*(entry.get("envs") or []), *([entry["env"]] if entry.get("env") else [])]):
        text = read(k, str(env))
        if text is None:
            render.note(k.file, f"line {k.line(*path, 'envs', index)}: {env} not read")
            continue
        for key, value in _env_pairs(text):
            data[key] = REDACTED if secret else value
            lines[("data", key)] = k.line(*path, "envs", index)
    metadata: dict[str, Any] = {"name": str(entry["name"])}
    if entry.get("namespace"):
        metadata["namespace"] = str(entry["namespace"])
    for field in ("labels", "annotations"):
        merged = {**(options.get(field) or {}), **((entry.get("options") or {}).get(field) or {})}
        if merged:
            metadata[field] = merged
    value: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "metadata": metadata, "data": data}
    if secret:
        value["type"] = entry.get("type") or "Opaque"
    lines[("metadata", "name")] = k.line(*path, "name")
    return Manifest(value, k.file, line, lines)


def _merge_generated(target: Manifest, generated: Manifest, replace: bool) -> None:
    data = target.value.setdefault("data", {})
    if replace or not isinstance(data, dict):
        data = target.value["data"] = {}
    for key, value in generated.value["data"].items():
        data[key] = value
        target.origins[("data", key)] = Location(
            generated.file, generated.lines.get(("data", key), generated.line)
        )


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$")


def _env_pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for line in text.splitlines():
        match = _ENV_LINE.match(line)
        if match and not line.lstrip().startswith("#"):
            pairs.append((match.group(1), match.group(2).strip().strip("\"'")))
    return pairs
