"""Render a Helm chart into its templates' text, bounded, in a child process: the one door to Helm.

Two renderers, behind one narrow call (:func:`render`), so that either can be replaced:

- ``helm`` — a ``helm`` binary on the PATH: ``helm template`` (never ``install``), offline, with a
  fixed ``--kube-version`` and empty Helm home folders, so no repository is read or updated;
- ``helm-python-sdk`` — the optional extra (``pip install 'exitplan[helm]'``), Helm's own Go SDK through
  ctypes, run by ``helm_worker`` in an interpreter of its own that renders chart after chart.

Each chart is first copied into a private temporary folder (regular files only, nothing that leaves the
chart, bounded in count and size), so the renderer sees only that chart. Dependencies that are not
vendored are taken out of the copy's ``Chart.yaml`` (both renderers then render without them, as the SDK
does; the caller reports them). The children (``helm_process``) run in their own process group under
``RLIMIT_AS`` and a wall-clock limit per chart; on timeout the whole group is killed. A crash, a timeout or
a Helm error is an answer, never an exception.

``EXITPLAN_HELM_RENDERER`` (``auto``, ``helm``, ``sdk``, ``none``) chooses; ``auto`` prefers the binary.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .helm_process import ask, helm_env, run
from .yaml_safe import load_stream

KUBE_VERSION = "1.36.0"  # the SDK's fixed default; the binary is given the same
SDK_VERSION = "0.2.2"
TIMEOUT_SECONDS = 30.0
MEMORY_BYTES = 3 << 30
MAX_FILES = 5_000
MAX_BYTES = 64 << 20
INSTALL_HINT = "pip install 'exitplan[helm]' or put a helm binary on the PATH"


@dataclass(frozen=True)
class Renderer:
    name: str  # "helm" | "helm-python-sdk"
    command: str  # the binary's path, or the Python interpreter that runs the worker
    version: str = ""

    def describe(self) -> str:
        return f"{self.name} {self.version}".strip()


@dataclass(frozen=True)
class Rendered:
    """Template path inside the chart (``templates/x.yaml``, ``charts/sub/templates/y.yaml``) → text."""

    manifests: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0


def find_renderer() -> Renderer | None:
    choice = os.environ.get("EXITPLAN_HELM_RENDERER", "auto").strip().lower() or "auto"
    if choice == "none":
        return None
    if choice in ("auto", "helm", "binary"):
        binary = shutil.which("helm")
        if binary:
            return Renderer("helm", binary, _binary_version(binary))
        if choice != "auto":
            return None
    if importlib.util.find_spec("helm_python") is not None:
        return Renderer("helm-python-sdk", sys.executable, SDK_VERSION)
    return None


@functools.cache
def _binary_version(binary: str) -> str:
    """``helm version --short`` of ``binary``, asked once per process (every scan asks which renderer)."""
    try:
        done = subprocess.run(
            [binary, "version", "--short"],
            capture_output=True,
            timeout=10,
            env=helm_env(Path("/nonexistent")),
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.decode(errors="replace").strip()[:40]


def render(
    renderer: Renderer,
    chart: Path,
    values: dict[str, Any],
    *,
    release: str,
    namespace: str,
    drop_dependencies: frozenset[str] = frozenset(),
    timeout: float | None = None,
    memory: int | None = None,
) -> Rendered:
    """Render ``chart`` (a folder) with ``values``; never raises for what the chart holds."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    memory = MEMORY_BYTES if memory is None else memory
    with tempfile.TemporaryDirectory(prefix="exitplan-helm-") as temp:
        work = Path(temp)
        copy = work / "chart"
        problem = _copy_chart(chart, copy)
        if problem is not None:
            return Rendered(error=problem)
        if drop_dependencies:
            _drop_dependencies(copy, drop_dependencies)
        if renderer.name == "helm":
            values_file = work / "values.json"
            values_file.write_text(json.dumps(values), encoding="utf-8")
            command = [
                renderer.command,
                "template",
                release,
                str(copy),
                "--namespace",
                namespace,
                "--kube-version",
                KUBE_VERSION,
                "--values",
                str(values_file),
            ]
            answer = run(command, b"", work, timeout, memory)
            if answer.error is None:
                return Rendered(_split_sources(answer.stdout), None, answer.seconds)
            return Rendered(error=answer.error, seconds=answer.seconds)
        request = {"chart": str(copy), "values": values, "release": release, "namespace": namespace}
        command = [renderer.command, "-I", str(Path(__file__).with_name("helm_worker.py"))]
        answer = ask(command, request, timeout, memory)
        if answer.error is not None:
            return Rendered(error=answer.error, seconds=answer.seconds)
        try:
            data = json.loads(answer.stdout)
        except ValueError:
            return Rendered(error="the renderer gave no readable answer", seconds=answer.seconds)
        if not data.get("ok"):
            return Rendered(error=str(data.get("error"))[:600], seconds=answer.seconds)
        manifests = {_inside(str(k)): str(v) for k, v in dict(data.get("manifests") or {}).items()}
        return Rendered(manifests, None, answer.seconds)


def _copy_chart(source: Path, target: Path) -> str | None:
    """Copy the chart's regular files; links are followed only when they stay inside the chart."""
    try:
        root = source.resolve()
    except OSError as exc:
        return f"cannot read the chart folder: {exc.strerror or exc}"
    count = size = 0
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        here = Path(folder)
        for name in sorted(files):
            path = here / name
            try:
                resolved = path.resolve()
                if not resolved.is_relative_to(root) or not resolved.is_file():
                    continue
                count += 1
                size += resolved.stat().st_size
            except OSError:
                continue
            if count > MAX_FILES or size > MAX_BYTES:
                return f"chart larger than {MAX_FILES} files or {MAX_BYTES >> 20} MB; not rendered"
            destination = target / path.relative_to(root)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(resolved, destination)
    return None


def _drop_dependencies(chart: Path, names: frozenset[str]) -> None:
    """Take the dependencies that are not vendored out of the copy's ``Chart.yaml`` (and a v1 chart's
    ``requirements.yaml``); JSON is YAML, so the files stay valid."""
    for name in ("Chart.yaml", "requirements.yaml"):
        path = chart / name
        if not path.is_file():
            continue
        stream = load_stream(path.read_text(encoding="utf-8", errors="replace"))
        if not stream.documents or not isinstance(stream.documents[0].value, dict):
            continue
        metadata = dict(stream.documents[0].value)
        dependencies = metadata.get("dependencies")
        if isinstance(dependencies, list):
            metadata["dependencies"] = [
                d
                for d in dependencies
                if not (isinstance(d, dict) and str(d.get("alias") or d.get("name")) in names)
            ]
        path.write_text(json.dumps(metadata, default=str), encoding="utf-8")
    for lock in ("Chart.lock", "requirements.lock"):
        (chart / lock).unlink(missing_ok=True)


def _inside(key: str) -> str:
    """``webapp/templates/x.yaml`` → ``templates/x.yaml`` (the first part is the chart's name)."""
    return key.split("/", 1)[1] if "/" in key else key


def _split_sources(text: str) -> dict[str, str]:
    """``helm template`` output → template path → its documents, by the ``# Source:`` comments."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    lines: list[str] = []

    def flush() -> None:
        if current is not None and "".join(lines).strip():
            found.setdefault(current, []).append("".join(lines))

    for line in text.splitlines(keepends=True):
        if line.rstrip("\n") == "---":
            flush()
            current, lines = None, []
            continue
        if current is None and line.startswith("# Source: "):
            current = _inside(line[len("# Source: ") :].strip())
            continue
        lines.append(line)
    flush()
    return {path: "---\n".join(documents) for path, documents in found.items()}
