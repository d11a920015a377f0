"""Terraform ``helm_release``s of local charts, rendered with the values they pass.

The layers the Terraform loader read (``terraform/helm_values.py``) are merged as Helm merges them: each
values document deep-merged over the ones before (maps merge, anything else replaces), then ``set`` and
``set_list`` entries in order, with Helm's ``--set`` typing (``true``, ``42``, ``null``) unless
``type = "string"``. The chart renders with the release's name and namespace; its objects join the
release's Terraform configuration, so they sit beside the resources their values name.

Each rendered object carries references: ``deployed-by`` to the release, and ``helm-value`` to each
Terraform resource a placeholder in it stands for (``${module.basket_role.iam_role_arn}`` in an IRSA
annotation → the IAM role), with the attribute path and the placeholder as evidence. The graph turns
them into edges (``graph/edges_releases.py``).
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..boundary import Boundary
from ..markers import format_path
from ..model import REDACTED, ChartRelease, InputFile, Reference, Resource, iter_strings
from . import helm_chart, helm_render
from .manifests import to_resource
from .yaml_safe import load_stream

_INDEX = re.compile(r"^(.*)\[(\d+)\]$")


@dataclass
class ReleaseRenders:
    resources: list[Resource] = field(default_factory=list)
    #: chart folder → (what its Chart.yaml entry says, an error or None)
    charts: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    #: values file → (status, reason, line) for its input entry
    files: dict[str, tuple[str, str, int | None]] = field(default_factory=dict)
    #: chart folders outside the scanned folder, with the reason they were not read
    skipped: list[InputFile] = field(default_factory=list)


def render_releases(
    root: Path,
    releases: Iterable[ChartRelease],
    renderer: helm_render.Renderer,
    boundary: Boundary | None = None,
) -> ReleaseRenders:
    out = ReleaseRenders()
    seen: set[str] = set()
    for release in sorted(releases, key=lambda r: r.release):
        where = f"{release.address} in {release.configuration}"
        if release.chart.startswith(("..", "/")):
            out.skipped.append(_outside(root, release, where, boundary))
            continue
        metadata = _chart_metadata(root, release.chart)
        if metadata is None:
            continue  # not a chart folder inside the scan: the release stays a Terraform resource
        info = helm_chart.read_chart(root, release.chart, metadata)
        values, problems = merge_layers(release.values.get("layers", ()))
        for rel, line, reason in [*release.errors, *problems]:
            out.files[rel] = ("error", f"Helm values of {where}: {reason}", line)
        render = helm_chart.render_chart(
            renderer, root, info, values, release=release.name, namespace=release.namespace
        )
        previous = out.charts.get(release.chart, ("", None))[0]
        if render.error is not None:
            error = f"Helm could not render the chart as {where}: {render.error}"
            out.charts[release.chart] = (previous, error)
            continue
        summary = f"rendered as {where} ({len(render.manifests)} objects)"
        out.charts[release.chart] = (f"{previous}; {summary}" if previous else summary, None)
        for rel in release.reads:
            if rel not in out.files:
                note = f"Helm values of {where}, rendered into the chart {release.chart}"
                out.files[rel] = ("parsed", note, None)
        targets = {text: found for text, found in release.placeholders if text != REDACTED}
        pattern = re.compile("|".join(re.escape(p) for p in sorted(targets, key=len, reverse=True)))
        for manifest in render.manifests:
            resource = to_resource(manifest, release.configuration)
            if resource.id in seen:
                continue
            seen.add(resource.id)
            references = [
                Reference(release.address, f"deployed by {release.address}", resource.line, "deployed-by")
            ]
            if targets:
                references += _value_references(resource, pattern, targets, release.address)
            out.resources.append(dataclasses.replace(resource, references=tuple(sorted(set(references)))))
    return out


def _value_references(
    resource: Resource, pattern: re.Pattern[str], targets: dict[str, tuple[str, ...]], release: str
) -> list[Reference]:
    found = []
    for path, text in iter_strings(resource.attributes):
        for match in pattern.finditer(text):
            placeholder = match.group(0)
            via = f"{format_path(path)} = {placeholder} (values of {release})"
            for target in targets.get(placeholder, ()):
                found.append(Reference(target, via, resource.line_of(path), "helm-value"))
    return found


def _outside(root: Path, release: ChartRelease, where: str, boundary: Boundary | None) -> InputFile:
    """The input entry of a local chart that is outside the scanned folder: never rendered from here."""
    if boundary is not None and not boundary.contains(root / release.chart):
        reason = boundary.reason(f"the chart of {where}")
    else:
        reason = (
            f"the chart of {where} is outside the scanned folder; not read (scan a folder that holds both)"
        )
    return InputFile(
        release.chart, "helm-chart", "skipped", f"{reason}; named at {release.file}:{release.line}"
    )


def _chart_metadata(root: Path, chart: str) -> dict[str, Any] | None:
    path = root / chart / "Chart.yaml"
    try:
        if not path.resolve().is_relative_to(root.resolve()) or not path.is_file():
            return None
        stream = load_stream(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    value = stream.documents[0].value if stream.documents else None
    return value if isinstance(value, dict) else None


# --- merging as Helm does ---------------------------------------------------------------------------------


def merge_layers(layers: Iterable[dict[str, Any]]) -> tuple[dict[str, Any], list[tuple[str, int, str]]]:
    merged: dict[str, Any] = {}
    problems: list[tuple[str, int, str]] = []
    for layer in layers:
        if "text" in layer:
            stream = load_stream(layer["text"])
            if stream.error is not None:
                problems.append((layer["file"], stream.error.line or layer["line"], stream.error.reason))
            document = stream.documents[0].value if stream.documents else None
            if isinstance(document, dict):
                merged = deep_merge(merged, document)
        elif "value" in layer and "set" not in layer:
            if isinstance(layer["value"], dict):
                merged = deep_merge(merged, copy.deepcopy(layer["value"]))
        elif "set" in layer:
            value = layer["value"]
            if layer.get("kind") != "set_list" and layer.get("type") != "string":
                value = typed(value)
            set_path(merged, parse_name(layer["set"]), copy.deepcopy(value))
    return merged, problems


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def typed(value: Any) -> Any:
    """Helm's ``--set`` typing of a scalar."""
    if not isinstance(value, str):
        return value
    if value in ("true", "false"):
        return value == "true"
    if value == "null":
        return None
    if re.fullmatch(r"-?(0|[1-9][0-9]{0,17})", value):
        return int(value)
    return value


def parse_name(name: str) -> list[str | int]:
    """``a.b\\.c[0].d`` → ``["a", "b.c", 0, "d"]``."""
    parts: list[str | int] = []
    for raw in re.split(r"(?<!\\)\.", name):
        key = raw.replace("\\.", ".")
        indexes: list[int] = []
        while (match := _INDEX.match(key)) is not None:
            key, index = match.group(1), int(match.group(2))
            indexes.insert(0, index)
        if key:
            parts.append(key)
        parts.extend(indexes)
    return parts


def set_path(values: dict[str, Any], path: list[str | int], value: Any) -> None:
    if not path:
        return
    node: Any = values
    for step, following in zip(path, [*path[1:], None], strict=True):
        last = following is None
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(step, int):
            if not isinstance(node, list) or step > 10_000:
                return
            while len(node) <= step:
                node.append(None)
            if last:
                node[step] = value
            elif not isinstance(node[step], dict | list):
                node[step] = empty
            node = node[step] if not last else node
        else:
            if not isinstance(node, dict):
                return
            if last:
                node[step] = value
            elif not isinstance(node.get(step), dict | list):
                node[step] = empty
            node = node[step] if not last else node
