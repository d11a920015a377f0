"""Render the plan's files from the view model: EXIT-PLAN.md, workloads/<id>.md and exitplan.json."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import jinja2

from ..api import ScanReport
from ..gravity.build import build_gravity
from ..knowledge.data_path import data_path
from ..knowledge.targets import Target
from ..plan import build_plan
from . import regions
from .filters import FILTERS
from .json_report import to_json
from .view import build_documents
from .writer import GENERATED_MARKER


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_path("templates"))),
        autoescape=False,  # Markdown, not HTML: every value from the inputs goes through a filter instead
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def _render(template: str, **context) -> str:
    text = environment().get_template(template).render(**context)
    lines = [line.rstrip() for line in text.splitlines()]
    collapsed: list[str] = []
    for line in lines:
        if line or (collapsed and collapsed[-1]):
            collapsed.append(line)
    return GENERATED_MARKER + "\n" + "\n".join(collapsed).strip("\n") + "\n"


def plan_documents(
    report: ScanReport, target: Target, date: str | None = None, written: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The plan's files. ``written``: the human-input regions of the EXIT-PLAN.md already on disk, whose
    measured sizes count in the totals (see ``existing_regions``)."""
    plan = build_plan(target, report.resources, report.graph)
    gravity = build_gravity(report, target, written)
    docs = build_documents(report, plan, date, gravity)
    files = {"EXIT-PLAN.md": _render("exit-plan.md.j2", p=docs.plan)}
    for workload_id, view in sorted(docs.workloads.items()):
        files[f"workloads/{workload_id}.md"] = _render("workload.md.j2", w=view)
    files["exitplan.json"] = to_json(report, plan, gravity)
    return files


def existing_regions(out_dir: Path) -> dict[str, str]:
    """The human-input regions of ``out_dir/EXIT-PLAN.md`` when it exists (empty otherwise)."""
    path = Path(out_dir) / "EXIT-PLAN.md"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    return regions.extract(text)
