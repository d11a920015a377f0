"""Benchmark: scan generated estates and compare with what parsing the same bytes costs.

    python benchmarks/bench.py                              # module-library estates of 500, 1,000, 2,000 .tf files
    python benchmarks/bench.py --shape module-library-bare  # the same blocks without descriptions or versions.tf
    python benchmarks/bench.py --shape services --sizes 1000 5000 20000   # per-service stacks (resources)
    python benchmarks/bench.py --checkov /path/to/venv/bin/checkov        # also time checkov side by side
    python benchmarks/bench.py --repeat 3 --keep /tmp/estates             # best of three; keep the estates

Per size it prints the scan's wall time (`exitplan scan --format json --no-cache`, a fresh process), the
parse-only floor of the same files (`benchmarks/parse_floor.py`, a fresh process: tree-sitter-hcl over every
Terraform file, ruamel's C safe loader over every YAML file, nothing else), their ratio, the same floor with
every syntax node visited once from Python (``--walk``: the least a Python reader of the tree pays) and the
scan's ratio to that, the scan's peak
memory, and with `--checkov` checkov's time and how many times slower it is than the scan. Wall and CPU
seconds (user + system, of that process alone) are both printed; the ratios use CPU seconds, which other
work on the machine does not inflate. Both exitplan and the floor pay Python's start-up, so the ratio
compares like with like. exitplan's bytecode is compiled first, as ``pip install`` compiles it, so a machine
with ``PYTHONDONTWRITEBYTECODE`` set does not time the compiling of exitplan's modules on every run. Cost should grow linearly: four times the files, at most about 4.5 times the time.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_estate import SHAPES  # noqa: E402

DEFAULT_SIZES = {
    "module-library": [500, 1000, 2000],
    "module-library-bare": [500, 1000, 2000],
    "services": [1000, 5000, 20000],
}


def _measure(command: list[str], env: dict | None = None) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system), peak RSS in MB of that child alone (from wait4), and its
    exit code."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    stderr = child.stderr.read() if child.stderr else b""
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.stderr.write(stderr.decode(errors="replace")[-2000:])
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code


def _best(command: list[str], repeat: int, env: dict | None = None) -> tuple[float, float, float, int]:
    runs = [_measure(command, env) for _ in range(repeat)]
    return min(runs)


def _terraform_files(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file() and p.name.endswith((".tf", ".tfvars")))


def _size_mb(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shape", choices=sorted(SHAPES), default="module-library")
    parser.add_argument(
        "--sizes", type=int, nargs="+", help=".tf files (module-library) or resources (services)"
    )
    parser.add_argument(
        "--checkov", metavar="EXECUTABLE", help="checkov to time on each estate (its own venv)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is printed")
    parser.add_argument("--keep", type=Path, help="write the estates here instead of a temporary folder")
    args = parser.parse_args()
    sizes = args.sizes or DEFAULT_SIZES[args.shape]
    compileall.compile_dir(str(HERE.parent / "exitplan"), quiet=1)

    exitplan = [sys.executable, "-m", "exitplan.cli", "scan", "--format", "json", "--no-cache", "--quiet"]
    floor = [sys.executable, str(HERE / "parse_floor.py")]
    header = (
        f"{'size':>6} {'.tf':>5} {'MB':>5} {'scan s':>7} {'cpu s':>6} {'floor s':>7} {'cpu s':>6} "
        f"{'×floor':>6} {'walk s':>6} {'×walk':>5} {'peak MB':>7}"
    )
    print(header + (f" {'checkov s':>9} {'cpu s':>6} {'×scan':>6}" if args.checkov else ""))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="exitplan-bench-"))
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    try:
        for size in sizes:
            estate = workdir / f"{args.shape}-{size}"
            if estate.exists():
                shutil.rmtree(estate)
            SHAPES[args.shape](estate, size)
            seconds, cpu, peak, code = _best([*exitplan, "-o", os.devnull, str(estate)], args.repeat, env)
            floor_seconds, floor_cpu, _, _ = _best([*floor, str(estate)], args.repeat, env)
            walk_cpu = _best([*floor, "--walk", str(estate)], args.repeat, env)[1]
            status = "" if code in (0, 1) else f"  (exit {code})"
            line = (
                f"{size:>6} {_terraform_files(estate):>5} {_size_mb(estate):>5.1f} {seconds:>7.2f} {cpu:>6.2f} "
                f"{floor_seconds:>7.2f} {floor_cpu:>6.2f} {cpu / floor_cpu:>6.1f} {walk_cpu:>6.2f} "
                f"{cpu / walk_cpu:>5.1f} {peak:>7.0f}"
            )
            if args.checkov:
                command = [args.checkov, "-d", str(estate), "--quiet", "--compact", "-o", "json"]
                checkov = _measure([*command, "--skip-download", "--framework", "terraform"])
                line += f" {checkov[0]:>9.2f} {checkov[1]:>6.2f} {checkov[1] / cpu:>6.1f}"
            print(line + status, flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
