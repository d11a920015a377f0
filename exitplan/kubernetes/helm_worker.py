"""The child process that renders charts with ``helm-python-sdk``; run by ``helm_process`` only.

It reads one JSON request a line on stdin (``chart``, ``values``, ``release``, ``namespace``) and writes one
JSON answer a line on stdout: ``{"ok": true, "manifests": {path: text}}`` or ``{"ok": false, "error":
text}``, until its stdin ends. It runs under the parent's time and memory limits, in its own interpreter,
so that a chart that exhausts Go's memory kills this process and not the scan. It imports nothing from
exitplan.
"""

from __future__ import annotations

import json
import sys
from typing import Any

MAX_ERROR = 600


def main() -> int:
    try:
        import helm_python as helm
    except ImportError as exc:  # pragma: no cover - the parent checks before starting a worker
        helm, missing = None, f"helm-python-sdk not importable: {exc}"
    for line in sys.stdin:
        if not line.strip():
            continue
        if helm is None:
            answer: dict[str, Any] = {"ok": False, "error": missing}
        else:
            answer = _render(helm, json.loads(line))
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


def _render(helm: Any, request: dict[str, Any]) -> dict[str, Any]:
    try:
        with helm.Chart.load(request["chart"]) as chart:
            manifests = chart.render(
                request["values"] or None, name=request["release"], namespace=request["namespace"]
            )
    except helm.HelmError as exc:
        message = " ".join(str(exc).split())[:MAX_ERROR]
        return {"ok": False, "error": f"{type(exc).__name__}: {message}"}
    return {"ok": True, "manifests": dict(manifests)}


if __name__ == "__main__":
    sys.exit(main())
