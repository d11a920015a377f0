"""Every diagram of the golden plans, and of a plan of hostile names, renders with the Mermaid CLI (the
renderer GitHub uses, in headless Chromium) — and draws exactly the nodes the diagram declares, so no name
from the inputs became a node, an edge or a statement of its own.

Needs ``mmdc`` (``npm install @mermaid-js/mermaid-cli``) and a Chromium; `.ci/run` installs both. Point
``EXITPLAN_MMDC`` at the ``mmdc`` binary and ``EXITPLAN_PUPPETEER_CONFIG`` at a puppeteer config naming the
browser (``executablePath``) when they are not on the PATH; without them the test is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from exitplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
EXAMPLE = ROOT / "examples" / "webshop"
BLOCK = re.compile(r"^```mermaid\n(.*?)^```$", re.S | re.M)
NODE = re.compile(r'^\s+(\w+)(?:\["|\[\(")', re.M)
CHROMIUM = ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _renderer(tmp_path: Path) -> list[str]:
    mmdc = os.environ.get("EXITPLAN_MMDC") or shutil.which("mmdc")
    if not mmdc or not Path(mmdc).exists():
        pytest.skip(
            "Mermaid CLI (mmdc) not installed: npm install @mermaid-js/mermaid-cli, or set EXITPLAN_MMDC"
        )
    config = os.environ.get("EXITPLAN_PUPPETEER_CONFIG")
    if not config:
        browser = next((b for b in CHROMIUM if Path(b).exists()), None)
        if browser is None:
            pytest.skip(
                "no Chromium for the Mermaid CLI: apt-get install chromium, or set EXITPLAN_PUPPETEER_CONFIG"
            )
        config = str(tmp_path / "puppeteer.json")
        Path(config).write_text(json.dumps({"executablePath": browser, "args": BROWSER_ARGS}))
    return [mmdc, "-p", config, "-q"]


def _blocks(paths) -> dict[str, str]:
    """Each distinct diagram once (the three targets' plans draw the same pictures), named by a file."""
    found: dict[str, str] = {}
    for path in sorted(paths):
        for index, block in enumerate(BLOCK.findall(path.read_text())):
            found.setdefault(block, f"{path.relative_to(path.parents[1])} diagram {index + 1}")
    return {name: block for block, name in found.items()}


def _render_all(mmdc: list[str], blocks: dict[str, str], tmp_path: Path) -> list[str]:
    """The SVG of each block, rendered in one call; on an error each block alone, to name the broken one."""
    names = list(blocks)
    document = tmp_path / "all.md"
    document.write_text("".join(f"## {n}\n\n```mermaid\n{blocks[n]}```\n\n" for n in names))
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [*mmdc, "-i", str(document), "-o", str(out / "all.md")], capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        broken = []
        for index, name in enumerate(names):
            one = tmp_path / f"one-{index}.mmd"
            one.write_text(blocks[name])
            alone = subprocess.run(
                [*mmdc, "-i", str(one), "-o", str(one.with_suffix(".svg"))],
                capture_output=True,
                text=True,
                timeout=120,
            )
            if alone.returncode != 0:
                broken.append(f"{name}: {(alone.stderr or alone.stdout).strip().splitlines()[:3]}")
        pytest.fail("Mermaid cannot render:\n" + "\n".join(broken or [done.stderr[-2000:]]))
    return [(out / f"all-{index}.svg").read_text() for index in range(1, len(names) + 1)]


def _drawn_nodes(svg: str) -> int:
    return len(re.findall(r'<g class="node[ "]', svg))


def test_every_golden_diagram_renders_with_the_nodes_it_declares(tmp_path):
    mmdc = _renderer(tmp_path)
    plan = tmp_path / "hostile-plan"
    result = CliRunner().invoke(
        main, ["plan", str(HOSTILE), "--target", "openstack", "--out", str(plan), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    blocks = _blocks([*GOLDEN.glob("*/EXIT-PLAN.md"), *GOLDEN.glob("*/workloads/*.md"), *plan.rglob("*.md")])
    for args in (["--format", "mermaid"], ["--workload", "orders-api"]):
        graph = CliRunner().invoke(main, ["graph", str(EXAMPLE), *args])
        assert graph.exit_code == 0, graph.output
        blocks[f"exitplan graph {' '.join(args)}"] = graph.output
    assert len(blocks) >= 12  # every runbook of the example, its exit plan, the hostile plan, the graphs
    svgs = _render_all(mmdc, blocks, tmp_path)
    for (name, block), svg in zip(blocks.items(), svgs, strict=True):
        declared = len(set(NODE.findall(block)))
        assert _drawn_nodes(svg) == declared, name
