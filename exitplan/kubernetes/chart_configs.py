"""Chart folders in a scan: each top-level chart renders with its defaults, and each ``values-*.yaml``
beside its ``Chart.yaml`` renders as a variant of it (a configuration ``<chart>/<values file>``).

Vendored subcharts (``<chart>/charts/<sub>/``) are part of their parent's render, not charts of their
own. A chart that a Terraform ``helm_release`` in the scan deploys is rendered as that release instead
(``helm_releases``), and says so. Without a renderer every chart is reported as today, with how to get one.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Configuration
from . import helm, helm_chart, helm_render
from .manifests import KUSTOMIZATION_FILES, Manifest, Parsed
from .names import join as join_path

RELEASE_NAME_NOTE = "release name = chart name"


@dataclass
class ChartOutcome:
    """What the scan says about one chart: in its ``Chart.yaml`` entry, and per template file."""

    summary: str = ""
    templates: dict[str, str] = field(
        default_factory=dict
    )  # rel → reason ("" when the chart is not rendered)
    errors: dict[str, str] = field(default_factory=dict)  # rel → error reason
    notes: dict[str, str] = field(default_factory=dict)  # rel → note for a values file
    rendered: bool = False


def top_charts(charts: set[str]) -> set[str]:
    """Charts that are not vendored inside another chart's ``charts/`` folder."""
    return {c for c in charts if not any(c.startswith(join_path(p, "charts/")) for p in charts if p != c)}


def kustomize_charts(read: Callable[[str], Parsed | None], directory: str, charts: set[str]) -> list[str]:
    """The local chart folders a kustomization's ``helmCharts`` render (so they are not rendered alone)."""
    found = []
    for name in KUSTOMIZATION_FILES:
        parsed = read(join_path(directory, name))
        spec = chart_metadata(parsed)
        if spec is None:
            continue
        globals_ = spec.get("helmGlobals")
        home = globals_.get("chartHome") if isinstance(globals_, dict) else None
        for entry in spec.get("helmCharts") or []:
            if isinstance(entry, dict) and entry.get("name") and not entry.get("repo"):
                folder = posixpath.normpath(join_path(directory, f"{home or 'charts'}/{entry['name']}"))
                if folder in charts:
                    found.append(folder)
        break
    return found


def variant_files(rels: list[str], chart: str) -> list[str]:
    return sorted(
        rel
        for rel in rels
        if posixpath.dirname(rel) == (chart if chart != "." else "")
        and helm_chart.VARIANT_VALUES.match(posixpath.basename(rel))
    )


def renderer_note(renderer: helm_render.Renderer | None) -> str:
    if renderer is None:
        return f"not rendered: no Helm renderer ({helm_render.INSTALL_HINT})"
    return f"rendered with {renderer.describe()} (Kubernetes {helm_render.KUBE_VERSION}, offline)"


def render_charts(
    root: Path,
    rels: list[str],
    charts: set[str],
    read: Callable[[str], Parsed | None],
    emit: Callable[[list[Manifest], str, Configuration], None],
    renderer: helm_render.Renderer | None,
    deployed: dict[str, tuple[str, str | None]],
) -> dict[str, ChartOutcome]:
    outcomes: dict[str, ChartOutcome] = {}
    for chart in sorted(top_charts(charts)):
        parsed = read(join_path(chart, helm.CHART_FILE))
        metadata = chart_metadata(parsed)
        outcome = outcomes[chart] = ChartOutcome()
        if metadata is None:
            continue
        info = helm_chart.read_chart(root, chart, metadata)
        notes = [_dependency_note(info, d) for d in info.missing]
        if info.library:
            outcome.summary = "; ".join(["library chart: renders nothing by itself", *notes])
            continue
        if chart in deployed:
            summary, error = deployed[chart]
            outcome.summary = "; ".join([s for s in (summary, *notes) if s])
            if error is not None:
                outcome.errors[join_path(chart, helm.CHART_FILE)] = error
            outcome.rendered = bool(summary)
            continue
        if renderer is None:
            outcome.summary = "; ".join([renderer_note(None), *notes])
            continue
        variants: list[tuple[str, str | None]] = [(chart, None)]
        variants += [(rel, rel) for rel in variant_files(rels, chart)]
        counts: list[str] = []
        for configuration, values_rel in variants:
            values = _values(read, values_rel, outcome) if values_rel else {}
            if values is None:
                continue
            render = helm_chart.render_chart(renderer, root, info, values, release=info.name)
            what = (
                "default values"
                if values_rel is None
                else f"{posixpath.basename(values_rel)} over the defaults"
            )
            if render.error is not None:
                outcome.errors[join_path(chart, helm.CHART_FILE) if values_rel is None else values_rel] = (
                    f"Helm could not render the chart with {what}: {render.error}"
                )
                continue
            outcome.rendered = True
            if values_rel is not None:
                outcome.notes[values_rel] = f"Helm values: rendered as the variant {configuration} of {chart}"
            note = "; ".join([f"Helm chart {info.name}, {what}; {renderer_note(renderer)}", *notes])
            emit(
                render.manifests,
                configuration,
                Configuration(configuration, "kubernetes", "helm-chart", note),
            )
            count = len(render.manifests)
            counts.append(f"{count} object{'' if count == 1 else 's'} with {what}")
            for file, count in render.per_file.items():
                previous = outcome.templates.get(file)
                label = f"{count} with {what}"
                outcome.templates[file] = f"{previous}, {label}" if previous else label
            for file, count in render.test_hooks.items():
                previous = outcome.templates.get(file)
                label = (
                    f"{count} Helm test hook{'' if count == 1 else 's'} with {what}, left out (not deployed)"
                )
                outcome.templates[file] = f"{previous}, {label}" if previous else label
            outcome.errors.update(render.problems)
        if outcome.rendered:
            outcome.summary = "; ".join([f"{renderer_note(renderer)}: {'; '.join(counts)}", *notes])
    return outcomes


def chart_metadata(parsed: Parsed | None) -> dict[str, Any] | None:
    if parsed is None or not parsed.stream.documents:
        return None
    value = parsed.stream.documents[0].value
    return value if isinstance(value, dict) else None


def _values(read: Callable[[str], Parsed | None], rel: str, outcome: ChartOutcome) -> dict | None:
    parsed = read(rel)
    if parsed is None or parsed.error is not None:
        return None  # the file's own input entry carries the YAML error
    value = parsed.stream.documents[0].value if parsed.stream.documents else {}
    if value is None:
        return {}
    if not isinstance(value, dict):
        outcome.errors[rel] = "Helm values file is not a mapping; variant not rendered"
        return None
    return value


def _dependency_note(info: helm_chart.ChartInfo, dependency: helm_chart.Dependency) -> str:
    origin = f" from {dependency.repository}" if dependency.repository else ""
    version = f" {dependency.version}" if dependency.version else ""
    return (
        f"dependency {dependency.name}{version}{origin} is not vendored: run "
        f"`{info.dependency_command()}`; rendered without it"
    )


def helm_note(inputs) -> str | None:
    """The one line a scan says about Helm: which renderer rendered its charts, or how to get one."""
    charts = [i for i in inputs if i.format == "helm-chart" and i.path.endswith(helm.CHART_FILE)]
    missing = [i for i in charts if (i.reason or "").startswith(renderer_note(None))]
    if missing:
        return f"{len(missing)} Helm chart(s) not rendered: no Helm renderer ({helm_render.INSTALL_HINT})"
    if any("rendered" in (i.reason or "") for i in charts):
        renderer = helm_render.find_renderer()
        return f"Helm charts rendered with {renderer.describe()}" if renderer else None
    return None
