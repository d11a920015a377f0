"""Helm chart detection: a chart's templates are not YAML until rendered, so they are not read.

The chart itself becomes one ``HelmChart`` resource carrying ``Chart.yaml`` and ``values.yaml``, so that
images and cloud settings in the values can be cited as evidence for the chart.
"""

from __future__ import annotations

import posixpath
from typing import Any

from ..model import REDACTED, InputFile, Location, Resource
from ..secrets import is_secret_key
from .manifests import Parsed

CHART_FILE = "Chart.yaml"


def chart_dirs(rels: list[str]) -> set[str]:
    return {posixpath.dirname(rel) or "." for rel in rels if posixpath.basename(rel) == CHART_FILE}


def chart_of(rel: str, charts: set[str]) -> str | None:
    """The deepest chart folder that holds ``rel``."""
    directory = posixpath.dirname(rel) or "."
    while True:
        if directory in charts:
            return directory
        if directory == ".":
            return None
        directory = posixpath.dirname(directory) or "."


def inside(rel: str, chart: str) -> str:
    """``rel`` relative to the chart folder."""
    return rel if chart == "." else rel[len(chart) + 1 :]


def role_in_chart(rel: str, chart: str) -> str:
    """``chart``, ``values``, ``template`` or ``other`` (crds/ and anything else: read as manifests).

    Helm applies only what its templates render (and ``crds/``): a YAML file beside ``Chart.yaml``
    (``values.yaml``, ``values-prod.yaml``, ``prod-overrides.yaml``) is values for ``helm -f``, never
    a manifest; ``requirements.yaml`` (Helm 2's dependency list) belongs to the chart."""
    local = inside(rel, chart)
    if local in (CHART_FILE, "requirements.yaml"):
        return "chart"
    if local.startswith("templates/"):
        return "template"
    if "/" not in local or local.startswith("ci/"):
        return "values"
    return "other"


def render_command(chart: str) -> str:
    return f"Helm template: render with `helm template <release> {chart} | exitplan scan -`"


def template_input(rel: str, chart: str) -> InputFile:
    return InputFile(rel, "helm-template", "skipped", render_command(chart))


def chart_resource(chart: str, chart_file: Parsed, values: Parsed | None) -> Resource | None:
    documents = chart_file.stream.documents
    metadata = documents[0].value if documents and isinstance(documents[0].value, dict) else None
    if metadata is None:
        return None
    name = str(metadata.get("name") or posixpath.basename(chart) or "chart")
    lines: dict = {("chart", *path): line for path, line in documents[0].lines.items()}
    origins: dict = {}
    values_content: Any = {}
    if values is not None and values.stream.documents:
        document = values.stream.documents[0]
        values_content = redact_values(document.value) if isinstance(document.value, dict) else {}
        origins = {("values", *path): Location(values.rel, line) for path, line in document.lines.items()}
    address = f"HelmChart/{name}"
    return Resource(
        id=f"{chart}#{address}",
        address=address,
        configuration=chart,
        source="kubernetes",
        type="HelmChart",
        name=name,
        file=chart_file.rel,
        line=documents[0].line,
        attributes={"chart": metadata, "values": values_content},
        lines=lines,
        origins=origins,
    )


def redact_values(value: Any) -> Any:
    """Values under secret-named keys (``password``, ``apiToken``, …) are removed; keys are kept."""
    if isinstance(value, dict):
        return {
            key: _blank(item) if is_secret_key(str(key)) else redact_values(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_values(item) for item in value]
    return value


def _blank(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _blank(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_blank(item) for item in value]
    return REDACTED if value not in (None, "") else value
