"""Run one rule the way the scan does: on Resource records, with their markers, or on files in a folder."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from exitplan.api import scan
from exitplan.graph.build import terraform_reference_edges
from exitplan.graph.needs import Needs
from exitplan.knowledge.service_catalog import load_service_catalog
from exitplan.markers import find_markers, load_markers
from exitplan.rules.base import RuleContext

US = {"aws": {"jurisdiction": "US"}, "azure": {"jurisdiction": "US"}, "gcp": {"jurisdiction": "US"}}


@cache
def _markers():
    return load_markers()


@cache
def _services():
    return load_service_catalog()


def context_for(*resources, clouds=None, settings=None) -> RuleContext:
    graph = Needs(resources, terraform_reference_edges(resources))
    return RuleContext(
        resources={r.id: r for r in resources},
        markers={r.id: tuple(find_markers(r, _markers(), _services())) for r in resources},
        settings=settings or {},
        clouds=US if clouds is None else clouds,
        needs={n: tuple(sorted(graph.successors(n))) for n in graph},
        needed_by={n: tuple(sorted(graph.predecessors(n))) for n in graph},
    )


def findings(rule, *resources, clouds=None, settings=None) -> list:
    context = context_for(*resources, clouds=clouds, settings=settings)
    return [f for r in resources for f in rule.check(r, context)]


def check(rule, *resources, clouds=None, settings=None) -> set[tuple[str, str, int]]:
    """The (rule, resource id, line) of every finding ``rule`` raises on ``resources``."""
    return {
        (f.rule, f.resource, f.line) for f in findings(rule, *resources, clouds=clouds, settings=settings)
    }


def scan_files(tmp_path: Path, files: dict[str, str], rule_id: str) -> set[tuple[str, str, int]]:
    """Write ``files`` under ``tmp_path``, scan it, and keep the findings of ``rule_id``."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    report = scan([str(tmp_path)])
    return {(f.rule, f.resource, f.line) for f in report.findings if f.rule == rule_id}
