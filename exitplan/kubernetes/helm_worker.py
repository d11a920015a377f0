"""The child process that renders one chart with ``helm-python-sdk``; run by ``helm_render`` only.

It reads one JSON request on stdin (``chart``, ``values``, ``release``, ``namespace``) and writes one JSON
answer on stdout: ``{"ok": true, "manifests": {path: text}}`` or ``{"ok": false, "error": text}``. It runs
under the parent's time and memory limits, in a fresh interpreter, so that a chart that exhausts Go's
memory kills this process and not the scan. It imports nothing from exitplan.
"""

from __future__ import annotations

import json
import sys

MAX_ERROR = 600


def main() -> int:
    request = json.loads(sys.stdin.read())
    try:
        import helm_python as helm
    except ImportError as exc:  # pragma: no cover - the parent checks before starting a worker
        sys.stdout.write(json.dumps({"ok": False, "error": f"helm-python-sdk not importable: {exc}"}))
        return 0
    try:
        with helm.Chart.load(request["chart"]) as chart:
            manifests = chart.render(
                request["values"] or None, name=request["release"], namespace=request["namespace"]
            )
    except helm.HelmError as exc:
        message = " ".join(str(exc).split())[:MAX_ERROR]
        sys.stdout.write(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {message}"}))
        return 0
    sys.stdout.write(json.dumps({"ok": True, "manifests": dict(manifests)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
