"""A Helm chart folder rendered into manifests at template file:line.

``read_chart`` tells what a chart folder is (its name, a library or not, which declared dependencies are
vendored under ``charts/`` and which are missing); ``render_chart`` renders it through ``helm_render`` with
one set of values and turns the output into ``Manifest`` records whose ``file`` is the template
(``chart/templates/deployment.yaml``, or the vendored ``.tgz`` of a packed subchart) and whose ``line`` is
where the object starts in that template (best effort: the n-th ``kind: X`` line, never 0). The lines of
keys inside the object are found the same way, by their key in the template after the object's start.
"""

from __future__ import annotations

import bisect
import posixpath
import re
import tarfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Path as AttrPath
from . import helm_render
from .manifests import Manifest, is_manifest
from .names import join as join_path
from .yaml_safe import load_stream

_KIND_LINE = re.compile(r"^\s*kind:\s*[\"']?([A-Za-z0-9]+)[\"']?\s*$")
_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[\"']?([^\s\"':#{}][^\"':#{}]*?)[\"']?\s*:(?:\s|$)")
VARIANT_VALUES = re.compile(r"^values[-_.](?!schema\b).+\.ya?ml$")


@dataclass(frozen=True)
class Dependency:
    name: str
    version: str
    repository: str


@dataclass(frozen=True)
class ChartInfo:
    path: str  # relative to the scanned root
    name: str
    library: bool = False
    missing: tuple[Dependency, ...] = ()
    #: ``charts/<name>`` as Helm names a vendored subchart → its folder or ``.tgz`` below the chart.
    subcharts: dict[str, str] = field(default_factory=dict)

    def dependency_command(self) -> str:
        return f"helm dependency build {self.path}"


@dataclass
class ChartRender:
    manifests: list[Manifest] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    per_file: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: template → how many Helm test hooks it rendered (run by `helm test`, never deployed; left out)
    test_hooks: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    problems: dict[str, str] = field(default_factory=dict)


def read_chart(root: Path, chart: str, metadata: dict[str, Any]) -> ChartInfo:
    folder = root / chart if chart != "." else root
    name = str(metadata.get("name") or posixpath.basename(chart) or "chart")
    vendored: dict[str, str] = {}
    charts_dir = folder / "charts"
    try:
        entries = sorted(charts_dir.iterdir()) if charts_dir.is_dir() else []
    except OSError:
        entries = []
    for entry in entries:
        rel = join_path(chart, f"charts/{entry.name}")
        sub = _vendored_name(entry)
        if sub:
            vendored.setdefault(sub, rel)
    missing = []
    for item in [*(metadata.get("dependencies") or []), *_requirements(folder)]:
        if not isinstance(item, dict) or not item.get("name"):
            continue
        if str(item["name"]) not in vendored:
            missing.append(
                Dependency(
                    str(item["name"]), str(item.get("version") or ""), str(item.get("repository") or "")
                )
            )
    return ChartInfo(
        chart,
        name,
        str(metadata.get("type") or "") == "library",
        tuple(missing),
        {f"charts/{sub}": rel for sub, rel in vendored.items()},
    )


def _requirements(folder: Path) -> list:
    """A ``apiVersion: v1`` chart's dependencies, in ``requirements.yaml``."""
    try:
        stream = load_stream((folder / "requirements.yaml").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []
    value = stream.documents[0].value if stream.documents else None
    found = value.get("dependencies") if isinstance(value, dict) else None
    return found if isinstance(found, list) else []


def _vendored_name(entry: Path) -> str | None:
    """The chart name of a vendored subchart folder or archive."""
    try:
        if entry.is_dir() and (entry / "Chart.yaml").is_file():
            stream = load_stream((entry / "Chart.yaml").read_text(encoding="utf-8", errors="replace"))
            value = stream.documents[0].value if stream.documents else None
            return str(value.get("name") or entry.name) if isinstance(value, dict) else entry.name
        if entry.is_file() and entry.name.endswith(".tgz"):
            with tarfile.open(entry, "r:gz") as archive:
                first = next((m.name for m in archive if m.name.endswith("/Chart.yaml")), None)
            return first.split("/", 1)[0] if first else None
    except (OSError, tarfile.TarError, EOFError):
        return None
    return None


def render_chart(
    renderer: helm_render.Renderer,
    root: Path,
    info: ChartInfo,
    values: dict[str, Any],
    *,
    release: str,
    namespace: str | None = None,
    timeout: float | None = None,
) -> ChartRender:
    folder = root / info.path if info.path != "." else root
    result = helm_render.render(
        renderer,
        folder,
        values,
        release=release,
        namespace=namespace or "default",
        drop_dependencies=frozenset(d.name for d in info.missing),
        timeout=timeout,
    )
    render = ChartRender(error=result.error, seconds=result.seconds)
    for key in sorted(result.manifests):
        if not key.endswith((".yaml", ".yml", ".json")):
            continue  # NOTES.txt and other text
        file, source = _template_file(root, info, key)
        stream = load_stream(result.manifests[key])
        if stream.error is not None:
            render.problems[file] = f"rendered text is not YAML: {stream.error.reason}"
        finder = _LineFinder(source)
        for document in stream.documents:
            for value in _objects(document.value):
                if _is_test_hook(value):
                    render.test_hooks[file] += 1
                    continue
                if namespace and value.get("kind") and isinstance(value.get("metadata"), dict):
                    value["metadata"].setdefault("namespace", namespace)
                start = finder.object_line(str(value.get("kind")))
                lines = finder.key_lines(document.lines, start)
                render.manifests.append(Manifest(value, file, start, lines))
                render.per_file[file] += 1
    return render


def _is_test_hook(value: dict[str, Any]) -> bool:
    """A pod or job that ``helm test`` runs (``helm.sh/hook: test``, Helm 2's ``test-success``)."""
    metadata = value.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    hooks = annotations.get("helm.sh/hook") if isinstance(annotations, dict) else None
    return isinstance(hooks, str) and any(h.strip().startswith("test") for h in hooks.split(","))


def _objects(value: Any) -> list[dict[str, Any]]:
    if not is_manifest(value):
        return []
    items = value.get("items")
    if str(value["kind"]).endswith("List") and isinstance(items, list):
        return [item for item in items if is_manifest(item)]
    return [value]


def _template_file(root: Path, info: ChartInfo, key: str) -> tuple[str, str]:
    """The file a rendered template came from, relative to the scanned root, and its text ("" if packed)."""
    parts = key.split("/")
    if len(parts) > 2 and parts[0] == "charts":
        vendored = info.subcharts.get(f"charts/{parts[1]}")
        if vendored is not None and vendored.endswith(".tgz"):
            return vendored, ""
        if vendored is not None:
            return _read_template(root, f"{vendored}/{'/'.join(parts[2:])}")
    return _read_template(root, join_path(info.path, key))


def _read_template(root: Path, rel: str) -> tuple[str, str]:
    try:
        return rel, (root / rel).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return rel, ""


class _LineFinder:
    """Lines in a template: where each object of a kind starts, where each key is written."""

    def __init__(self, source: str) -> None:
        self.kinds: dict[str, list[int]] = defaultdict(list)
        self.keys: dict[str, list[int]] = defaultdict(list)
        self.used: dict[str, int] = defaultdict(int)
        starts: list[int] = []
        for number, line in enumerate(source.splitlines(), 1):
            if line.startswith("---"):
                starts.append(number + 1)
            kind = _KIND_LINE.match(line)
            if kind:
                self.kinds[kind.group(1)].append(number)
            key = _KEY_LINE.match(line)
            if key:
                self.keys[key.group(1).strip()].append(number)
        self.api_lines = self.keys.get("apiVersion", [])

    def object_line(self, kind: str) -> int:
        found = self.kinds.get(kind)
        if not found:
            return 1
        index = min(self.used[kind], len(found) - 1)
        self.used[kind] += 1
        line = found[index]
        before = bisect.bisect_right(self.api_lines, line) - 1
        if before >= 0 and line - self.api_lines[before] <= 3:
            return self.api_lines[before]
        return line

    def key_lines(self, rendered: dict[AttrPath, int], start: int) -> dict[AttrPath, int]:
        """Each key's line: its first occurrence after its nearest placed ancestor; inside the n-th
        item of a list, its n-th occurrence there (``env[1].value`` is the second ``value:``)."""
        lines: dict[AttrPath, int] = {}
        for path in sorted(rendered, key=len):
            if not path or not isinstance(path[-1], str):
                continue
            ancestor, offset = start, 0
            for end in range(len(path) - 1, 0, -1):
                step = path[end - 1] if end - 1 < len(path) - 1 else None
                if isinstance(step, int) and offset == 0:
                    offset = step
                if path[:end] in lines:
                    ancestor = lines[path[:end]]
                    break
            candidates = self.keys.get(path[-1])
            if not candidates:
                continue
            at = bisect.bisect_left(candidates, ancestor) + offset
            if at < len(candidates):
                lines[path] = candidates[at]
        return lines
