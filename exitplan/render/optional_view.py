"""What the code can switch on: resources behind a ``count``/``for_each`` that gives no instance as the
code stands, grouped by the variables that switch them, with what enabling them would add.

Used by the exit plan's summary (the whole estate) and by each runbook (its own members).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..api import ScanReport
from ..model import Finding
from ..rules import BY_ID
from ..scoring import WorkloadScore

#: Switching variables named in a heading; a condition over a merge of many maps names the rest by count
#: (the report's ``conditional.variables`` has them all).
MAX_SWITCHES_SHOWN = 4


def optional_groups(
    report: ScanReport, resource_ids: Iterable[str], findings: Sequence[Finding], owners=None
) -> list[dict[str, Any]]:
    """One group per set of switching variables: its resources (with their condition) and findings,
    heaviest first.

    ``owners(rid)`` names the workloads of a resource, when the groups span workloads."""
    by_resource: dict[str, list[Finding]] = {}
    for finding in findings:
        by_resource.setdefault(finding.resource, []).append(finding)
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for rid in sorted(set(resource_ids)):
        resource = report.resource(rid)
        condition = resource.conditional
        if condition is None:
            continue
        key = condition.variables or (condition.expression,)
        shown = condition.variables[:MAX_SWITCHES_SHOWN]
        group = groups.setdefault(
            key,
            {
                "switches": list(shown),
                "more": len(condition.variables) - len(shown),
                "expression": condition.expression,
                "resources": [],
            },
        )
        group["resources"].append(
            {
                "id": rid,
                "address": resource.address,
                "kind": resource.service_kind or resource.type,
                "interface": resource.interface or "",
                "stateful": resource.stateful,
                "condition": condition.expression,
                "where": f"{condition.file}:{condition.line}",
                "workloads": owners(rid) if owners else "",
                "findings": [
                    {
                        "rule": f.rule,
                        "name": BY_ID[f.rule].NAME if f.rule in BY_ID else f.rule,
                        "weight": f.weight,
                        "message": f.message,
                    }
                    for f in sorted(by_resource.get(rid, ()), key=lambda f: (-f.weight, f.rule))
                ],
            }
        )
    for group in groups.values():
        group["resources"].sort(key=lambda r: (-_heaviest(r), r["address"]))
    # the options that change the exit most come first: by their heaviest finding, then by name
    return [
        groups[key] for key in sorted(groups, key=lambda k: (-max(map(_heaviest, groups[k]["resources"])), k))
    ]


def _heaviest(row: dict[str, Any]) -> int:
    return max((f["weight"] for f in row["findings"]), default=0)


def workload_optional(report: ScanReport, score: WorkloadScore) -> dict[str, Any]:
    """A runbook's optional part: its members switched off in the code and the score if enabled."""
    return {
        "groups": optional_groups(report, score.conditional, score.optional),
        "score_if_enabled": score.score_if_enabled,
    }


def estate_optional(report: ScanReport, scores: Sequence[WorkloadScore], owners) -> dict[str, Any]:
    """The exit plan's view of every resource switched off in the code, and the estate score if enabled."""
    conditional = {rid for s in scores for rid in s.conditional}
    findings = sorted({f for s in scores for f in s.optional})
    changed = [
        {"id": s.workload.id, "score": s.score, "score_if_enabled": s.score_if_enabled}
        for s in sorted(scores, key=lambda s: s.workload.id)
        if s.score_if_enabled != s.score
    ]
    return {
        "groups": optional_groups(report, conditional, findings, owners),
        "score_if_enabled": report.score_if_enabled,
        "workloads": changed,
    }
