"""Benchmark: scan generated estates of several sizes and print throughput, wall time and peak memory.

    python benchmarks/bench.py                   # sizes 1,000 / 5,000 / 20,000 resources
    python benchmarks/bench.py --sizes 2000      # one size
    python benchmarks/bench.py --checkov         # also time checkov on the same estate, if installed

Each size runs in a fresh process (`exitplan scan --format json`), so peak memory is that scan's own;
the second run of each size is served from the scan cache.
Cost should grow linearly: resources/s stays roughly flat as the estate grows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_estate import generate  # noqa: E402


def _measure(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB of that child alone (from wait4), and its exit code."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read() if child.stderr else b""
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        sys.stderr.write(stderr.decode(errors="replace")[-2000:])
    return elapsed, usage.ru_maxrss / 1024, child.returncode


def _size_mb(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--checkov", action="store_true", help="also run checkov on each estate")
    parser.add_argument("--keep", type=Path, help="write the estates here instead of a temporary folder")
    args = parser.parse_args()

    exitplan = [sys.executable, "-m", "exitplan.cli"]
    print(
        f"{'resources':>9} {'files':>6} {'MB':>6} {'seconds':>8} {'res/s':>8} {'MB/s':>6} {'peak MB':>8}  tool"
    )
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="exitplan-bench-"))
    try:
        for size in args.sizes:
            estate = workdir / f"estate-{size}"
            if estate.exists():
                shutil.rmtree(estate)
            count = generate(estate, size)
            files = sum(1 for p in estate.rglob("*") if p.is_file())
            megabytes = _size_mb(estate)
            os.environ["EXITPLAN_CACHE_DIR"] = str(workdir / f"cache-{size}")
            for label in ("exitplan (cold)", "exitplan (cached)"):
                seconds, peak, code = _measure(
                    [*exitplan, "scan", str(estate), "--format", "json", "--quiet"]
                )
                status = "" if code in (0, 1) else f" (exit {code})"
                print(
                    f"{count:>9} {files:>6} {megabytes:>6.1f} {seconds:>8.2f} {count / seconds:>8.0f} "
                    f"{megabytes / seconds:>6.2f} {peak:>8.0f}  {label}{status}"
                )
            if args.checkov and shutil.which("checkov"):
                seconds, peak, code = _measure(
                    ["checkov", "-d", str(estate), "--quiet", "--compact", "-o", "json"]
                )
                print(
                    f"{count:>9} {files:>6} {megabytes:>6.1f} {seconds:>8.2f} {count / seconds:>8.0f} "
                    f"{megabytes / seconds:>6.2f} {peak:>8.0f}  checkov"
                )
            elif args.checkov:
                print("checkov is not installed (pip install checkov) — skipped")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
