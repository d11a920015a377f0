"""Render a kustomization the way ``kustomize build`` would, without running anything.

Supported: ``resources`` (files and directories, other kustomizations recursively), ``components``,
``namespace``, ``namePrefix``/``nameSuffix`` (with name references in the same render updated),
``commonLabels``/``labels``, ``commonAnnotations``, ``images``, ``replicas``, ``configMapGenerator``/
``secretGenerator`` (no content-hash suffix), ``patches`` (bare file names too, as kustomize still reads
them), ``patchesStrategicMerge`` (a top-level ``$patch: delete`` drops the object) and
``patchesJson6902``, ``helmCharts`` with a local chart (rendered by Helm through the loader's callback).
Remote resources and charts are recorded, never fetched. Files outside the scanned folder are
never read; the loader says why (``not_read``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from typing import Any

from .kustomization import Kustomization, Render
from .manifests import KUSTOMIZATION_FILES, Manifest, Parsed, manifests_of
from .names import rename_references
from .patches import PatchError, PatchSource, json6902, strategic_merge
from .transforms import apply_annotations, apply_images, apply_labels, generate
from .yaml_safe import load_stream

#: Renders a local chart folder with values, release name and namespace: its manifests, or why not.
HelmRender = Callable[[str, dict[str, Any], str, str | None], "list[Manifest] | str"]

_REMOTE = re.compile(r"^(https?://|git@|ssh://|github\.com/|gitlab\.com/|bitbucket\.org/)|\?ref=|//")


class Kustomizer:
    """Renders kustomization directories; files are read through ``read`` (relative path → Parsed)."""

    def __init__(
        self,
        read: Callable[[str], Parsed | None],
        is_dir: Callable[[str], bool],
        not_read: Callable[[str, str], str] | None = None,
        helm: HelmRender | None = None,
    ) -> None:
        self.read = read
        self.is_dir = is_dir
        self.helm = helm
        self.not_read = not_read or (lambda entry, rel: f"{entry} is outside the scanned folder; not read")

    def kustomization_file(self, directory: str) -> str | None:
        for name in KUSTOMIZATION_FILES:
            rel = _join(directory, name)
            if self.read(rel) is not None:
                return rel
        return None

    def load(self, directory: str, render: Render) -> Kustomization | None:
        rel = self.kustomization_file(directory)
        if rel is None:
            return None
        parsed = self.read(rel)
        render.roles.setdefault(rel, "kustomization")
        documents = parsed.stream.documents if parsed is not None else ()
        if not documents or not isinstance(documents[0].value, dict):
            return None
        return Kustomization(directory, rel, documents[0])

    def render(self, directory: str, components: Sequence[str] = ()) -> Render:
        """``components``: more components for the kustomization in ``directory``, after its own, as a Flux
        Kustomization's ``spec.components`` add them (``flux_build.py``)."""
        render = Render()
        kustomization = self.load(directory, render)
        if kustomization is not None:
            render.manifests = self._apply(kustomization, [], render, (directory,), tuple(components))
        return render

    # --- one kustomization (or component) applied to what has been accumulated ---------------------

    def _apply(
        self,
        k: Kustomization,
        accumulated: list[Manifest],
        render: Render,
        stack: tuple[str, ...],
        extra: tuple[str, ...] = (),
    ) -> list[Manifest]:
        spec = k.spec
        result = list(accumulated)
        for index, entry in enumerate(_list(spec.get("resources")) + _list(spec.get("bases"))):
            key = "resources" if index < len(_list(spec.get("resources"))) else "bases"
            position = index if key == "resources" else index - len(_list(spec.get("resources")))
            result.extend(self._resource(k, str(entry), k.line(key, position), render, stack))
        result.extend(self._helm_charts(k, render))
        for index, entry in enumerate([*_list(spec.get("components")), *extra]):
            directory = _join(k.directory, str(entry))
            component = self._nested(k, directory, k.line("components", index), render, stack)
            if component is not None:
                result = self._apply(component, result, render, (*stack, directory))
        result.extend(generate(k, result, self._read_data, render))
        self._patch(k, result, render)
        _set_namespace(k, result)
        _rename(k, result)
        apply_labels(k, result)
        apply_annotations(k, result)
        self._json_patches(k, result, render)
        _set_replicas(k, result)
        apply_images(k, result)
        return result

    def _helm_charts(self, k: Kustomization, render: Render) -> list[Manifest]:
        """``helmCharts`` with a local chart (``<chartHome>/<name>``, no ``repo``) rendered by Helm with
        ``valuesFile`` and ``valuesInline``; a chart from a repository is recorded, never fetched."""
        found: list[Manifest] = []
        home = (
            (k.spec.get("helmGlobals") or {}).get("chartHome")
            if isinstance(k.spec.get("helmGlobals"), dict)
            else None
        )
        for index, chart in enumerate(_list(k.spec.get("helmCharts"))):
            line = k.line("helmCharts", index)
            if not isinstance(chart, dict) or not chart.get("name"):
                continue
            if chart.get("repo"):
                version = f" {chart['version']}" if chart.get("version") else ""
                render.remote.append((f"{chart['repo']} (helm chart {chart['name']}{version})", k.file, line))
                continue
            folder = _join(k.directory, f"{home or 'charts'}/{chart['name']}")
            values: dict[str, Any] = {}
            if chart.get("valuesFile"):
                parsed = self.read(_join(k.directory, str(chart["valuesFile"])))
                document = parsed.stream.documents[0].value if parsed and parsed.stream.documents else None
                values = document if isinstance(document, dict) else {}
                render.roles.setdefault(_join(k.directory, str(chart["valuesFile"])), "values")
            if isinstance(chart.get("valuesInline"), dict):
                values = {**values, **chart["valuesInline"]}
            release = str(chart.get("releaseName") or chart["name"])
            namespace = chart.get("namespace") or k.spec.get("namespace")
            outcome = self.helm(folder, values, release, namespace) if self.helm else "no Helm renderer"
            if isinstance(outcome, str):
                render.note(k.file, f"line {line}: helm chart {folder} not rendered: {outcome}")
                continue
            render.note(k.file, f"line {line}: helm chart {folder} rendered ({len(outcome)} objects)")
            found.extend(outcome)
        return found

    def _nested(
        self, k: Kustomization, directory: str, line: int, render: Render, stack: tuple[str, ...]
    ) -> Kustomization | None:
        if directory.startswith(".."):
            render.note(k.file, f"line {line}: {self.not_read(directory, directory)}")
            return None
        if directory in stack:
            render.note(k.file, f"line {line}: {directory} is included in a cycle; not read again")
            return None
        nested = self.load(directory, render)
        if nested is None:
            render.note(k.file, f"line {line}: no kustomization found in {directory}")
        else:
            render.included.add(directory)
        return nested

    def _resource(
        self, k: Kustomization, entry: str, line: int, render: Render, stack: tuple[str, ...]
    ) -> list[Manifest]:
        if _REMOTE.search(entry):
            render.remote.append((entry, k.file, line))
            return []
        rel = _join(k.directory, entry)
        if rel.startswith(".."):
            render.note(k.file, f"line {line}: {self.not_read(entry, rel)}")
            return []
        if self.is_dir(rel):
            nested = self._nested(k, rel, line, render, stack)
            return self._apply(nested, [], render, (*stack, rel)) if nested else []
        parsed = self.read(rel)
        if parsed is None:
            render.note(k.file, f"line {line}: resource {entry} not found")
            return []
        render.roles.setdefault(rel, "resource")
        return [m.copy() for m in manifests_of(parsed)]

    def _read_data(self, k: Kustomization, entry: str) -> str | None:
        rel = _join(k.directory, entry)
        parsed = None if rel.startswith("..") else self.read(rel)
        return parsed.text if parsed is not None else None

    # --- patches ----------------------------------------------------------------------------------

    def _patch_documents(
        self, k: Kustomization, entry: Any, path: tuple[str | int, ...], render: Render
    ) -> list[tuple[Any, PatchSource]]:
        """The documents of one patch entry: a file name, an inline string, or a mapping of either."""
        if isinstance(entry, dict):
            value, is_file = entry.get("path", entry.get("patch")), "path" in entry
            text_path = path if is_file else (*path, "patch")
        else:
            value, text_path = entry, path
            is_file = isinstance(value, str) and "\n" not in value and ":" not in value
        if not isinstance(value, str):
            return []
        if is_file:
            rel = _join(k.directory, value)
            parsed = None if rel.startswith("..") else self.read(rel)
            if parsed is None:
                render.note(k.file, f"line {k.line(*path)}: patch {value} not found")
                return []
            render.roles.setdefault(rel, "patch")
            return [(d.value, PatchSource(rel, d.lines, d.line)) for d in parsed.stream.documents]
        key_line = k.line(*text_path)
        stream = load_stream(value, first_line=key_line + 1 if "\n" in value else key_line)
        if stream.error is not None:
            render.note(k.file, f"line {key_line}: inline patch is not valid YAML ({stream.error.reason})")
        return [(d.value, PatchSource(k.file, d.lines, d.line)) for d in stream.documents]

    def _patch(self, k: Kustomization, manifests: list[Manifest], render: Render) -> None:
        spec = k.spec
        for index, entry in enumerate(_list(spec.get("patchesStrategicMerge"))):
            for document, source in self._patch_documents(k, entry, ("patchesStrategicMerge", index), render):
                self._apply_patch(k, document, source, None, manifests, render)
        for index, entry in enumerate(_list(spec.get("patches"))):
            if isinstance(entry, str):  # the older form, still read by kustomize: as in patchesStrategicMerge
                target = None
            elif isinstance(entry, dict):
                target = entry.get("target") if isinstance(entry.get("target"), dict) else None
            else:
                continue
            for document, source in self._patch_documents(k, entry, ("patches", index), render):
                self._apply_patch(k, document, source, target, manifests, render)

    def _json_patches(self, k: Kustomization, manifests: list[Manifest], render: Render) -> None:
        for index, entry in enumerate(_list(k.spec.get("patchesJson6902"))):
            if isinstance(entry, dict) and isinstance(entry.get("target"), dict):
                for document, source in self._patch_documents(k, entry, ("patchesJson6902", index), render):
                    self._apply_patch(k, document, source, entry["target"], manifests, render)

    def _apply_patch(
        self,
        k: Kustomization,
        document: Any,
        source: PatchSource,
        target: dict | None,
        manifests: list[Manifest],
        render: Render,
    ) -> None:
        if isinstance(document, list):
            selected = [m for m in manifests if target and _selected(m, target)]
        elif isinstance(document, dict):
            selected = [m for m in manifests if _selected(m, target or _selector_of(document))]
        else:
            return
        if not selected:
            render.note(source.file, f"line {source.line}: patch matches no resource")
        if isinstance(document, dict) and document.get("$patch") == "delete":  # drops the whole object
            manifests[:] = [m for m in manifests if not any(m is s for s in selected)]
            return
        for manifest in selected:
            try:
                if isinstance(document, list):
                    json6902(manifest, document, source)
                else:
                    strategic_merge(manifest, _without_identity(document, target), source)
            except PatchError as problem:
                render.note(source.file, f"line {source.line}: {problem}")


# --- selectors ------------------------------------------------------------------------------------


def _selector_of(patch: dict[str, Any]) -> dict[str, Any]:
    meta = patch.get("metadata") if isinstance(patch.get("metadata"), dict) else {}
    selector = {"kind": patch.get("kind"), "name": meta.get("name")}
    if meta.get("namespace"):
        selector["namespace"] = meta["namespace"]
    return selector


def _without_identity(patch: dict[str, Any], target: dict | None) -> dict[str, Any]:
    """A targeted patch may name any object; its own name must not rename the targets."""
    if target is None or not isinstance(patch.get("metadata"), dict):
        return patch
    meta = {k: v for k, v in patch["metadata"].items() if k not in ("name", "namespace")}
    return {**patch, "metadata": meta}


def _selected(manifest: Manifest, target: dict[str, Any]) -> bool:
    api = str(manifest.value.get("apiVersion", ""))
    group, _, version = api.rpartition("/")
    checks = {"kind": manifest.kind, "group": group, "version": version}
    for key, actual in checks.items():
        if target.get(key) not in (None, "") and target[key] != actual:
            return False
    name = target.get("name")
    if name and not any(
        _name_matches(str(name), candidate) for candidate in [manifest.name, *manifest.former_names]
    ):
        return False
    namespace = target.get("namespace")
    if namespace and manifest.metadata.get("namespace", "default") != namespace:
        return False
    labels = manifest.metadata.get("labels") if isinstance(manifest.metadata.get("labels"), dict) else {}
    annotations = manifest.metadata.get("annotations")
    return _matches_selector(target.get("labelSelector"), labels) and _matches_selector(
        target.get("annotationSelector"), annotations if isinstance(annotations, dict) else {}
    )


def _name_matches(pattern: str, name: str) -> bool:
    if pattern == name:
        return True
    try:
        return re.fullmatch(pattern, name) is not None
    except re.error:
        return False


def _matches_selector(selector: Any, labels: dict[str, Any]) -> bool:
    if not isinstance(selector, str) or not selector.strip():
        return True
    for term in selector.split(","):
        term = term.strip()
        if "!=" in term:
            key, value = term.split("!=", 1)
            if str(labels.get(key.strip())) == value.strip():
                return False
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            if str(labels.get(key.strip())) != value.strip():
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term and term not in labels:
            return False
    return True


# --- namespace, names, replicas -------------------------------------------------------------------


def _set_namespace(k: Kustomization, manifests: list[Manifest]) -> None:
    namespace = k.spec.get("namespace")
    if not isinstance(namespace, str) or not namespace:
        return
    for manifest in manifests:
        if manifest.namespaced and manifest.metadata.get("namespace") != namespace:
            manifest.metadata["namespace"] = namespace
            manifest.origins[("metadata", "namespace")] = k.location("namespace")


def _rename(k: Kustomization, manifests: list[Manifest]) -> None:
    prefix, suffix = k.spec.get("namePrefix") or "", k.spec.get("nameSuffix") or ""
    if not (isinstance(prefix, str) and isinstance(suffix, str)) or not (prefix or suffix):
        return
    renamed: dict[tuple[str, str], str] = {}
    for manifest in manifests:
        if manifest.kind in ("CustomResourceDefinition", "Namespace") or not manifest.name:
            continue
        old = manifest.name
        new = f"{prefix}{old}{suffix}"
        manifest.former_names.append(old)
        manifest.metadata["name"] = new
        manifest.origins[("metadata", "name")] = k.location("namePrefix" if prefix else "nameSuffix")
        renamed[(manifest.kind, old)] = new
    rename_references(manifests, renamed)


def _set_replicas(k: Kustomization, manifests: list[Manifest]) -> None:
    for index, entry in enumerate(_list(k.spec.get("replicas"))):
        if not isinstance(entry, dict) or not isinstance(entry.get("count"), int):
            continue
        for manifest in manifests:
            if entry.get("name") in (manifest.name, *manifest.former_names) and isinstance(
                manifest.value.get("spec"), dict
            ):
                manifest.value["spec"]["replicas"] = entry["count"]
                manifest.origins[("spec", "replicas")] = k.location("replicas", index, "count")


# --- helpers --------------------------------------------------------------------------------------


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _join(directory: str, entry: str) -> str:
    joined = posixpath.normpath(posixpath.join(directory, entry.strip()))
    return joined
