"""The view model: everything the templates print, computed, sorted and worded here.

Templates only loop and print; escaping is applied in the templates by the filters in filters.py,
because only the template knows whether a value lands in a table cell, a code span or a diagram.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..api import ScanReport
from ..classify import MODULE_TYPE
from ..gravity.build import Gravity, build_gravity
from ..knowledge.procedures import load_procedures
from ..kubernetes.compositions import uncomposed_claims
from ..rules import BY_ID
from ..scoring import grade_of
from .diagram_estate import estate_diagram
from .gravity_view import gravity_plan_view, store_cells, workload_gravity
from .optional_view import estate_optional
from .plan_facts import plan_facts
from .runbook_view import EFFORT_WEEKS, findings_view, workload_view

if TYPE_CHECKING:
    from ..plan import Plan

BLOCKER_WEIGHT = 30
#: Unread module calls and unknown types the summary names before it counts the rest.
UNASSESSED_SHOWN = 10


@dataclass(frozen=True)
class Documents:
    plan: dict[str, Any]
    workloads: dict[str, dict[str, Any]]  # workload id → view


def workload_dependencies(report: ScanReport) -> dict[str, set[str]]:
    """Workload id → the workloads it needs, from edges between resources each owns alone."""
    owner: dict[str, list[str]] = defaultdict(list)
    for score in report.workloads:
        shared = set(score.workload.shared)
        for rid in score.workload.resources:
            if rid not in shared:  # a shared resource is listed in each consumer; it says nothing about order
                owner[rid].append(score.workload.id)
    needs: dict[str, set[str]] = defaultdict(set)
    for edge in report.edges:
        for source in owner.get(edge.source, ()):
            for target in owner.get(edge.target, ()):
                if source != target:
                    needs[source].add(target)
    return needs


def build_documents(
    report: ScanReport, plan: Plan, date: str | None = None, gravity: Gravity | None = None
) -> Documents:
    procedures = load_procedures(report.catalog_dirs)
    needs = workload_dependencies(report)
    gravity = gravity or build_gravity(report, plan.target)
    scores = sorted(report.workloads, key=lambda s: s.workload.id)
    workload_views = {
        score.workload.id: {
            **workload_view(report, plan, score, needs, procedures),
            **workload_gravity(report, gravity, score.workload.resources),
        }
        for score in scores
    }
    view = _plan_view(report, plan, scores, needs, workload_views, date, gravity)
    return Documents(plan=view, workloads=workload_views)


def _service_table(report: ScanReport, plan: Plan) -> list[dict[str, Any]]:
    """Per service kind the estate uses: what the code has today and what the target offers instead."""
    rows: dict[str, dict[str, Any]] = {}
    for mapping in plan.mappings:
        resource = report.resource(mapping.resource)
        if resource.source != "terraform" or not mapping.service_kind:
            continue
        row = rows.setdefault(
            mapping.service_kind,
            {
                "kind": mapping.service_kind,
                "types": set(),
                "count": 0,
                "offering": mapping.offering or mapping.instead or "",
                "managed": "managed" if mapping.managed else ("self-run" if mapping.offering else "none"),
                "terraform_type": mapping.terraform_type or "",
            },
        )
        row["types"].add(resource.type)
        row["count"] += 1
    return [{**row, "types": ", ".join(sorted(row["types"]))} for _, row in sorted(rows.items())]


def _unread_modules(unread: list) -> list[dict[str, Any]]:
    """Module calls whose code is not in the scan, by source: each source once, with where it is called."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for r in sorted(unread, key=lambda r: r.id):
        source = r.attributes.get("source")
        by_source[source if isinstance(source, str) else "(source not known)"].append(
            f"{r.address} in {r.configuration}"
        )
    return [{"source": s, "calls": calls} for s, calls in sorted(by_source.items())]


def _plan_view(report, plan: Plan, scores, needs, workload_views, date, gravity: Gravity) -> dict[str, Any]:
    sizes = {d.resource: d for d in gravity.data}
    target = plan.target
    ranked = sorted(scores, key=lambda s: (s.score, s.workload.id))
    blockers = sorted(
        (f for s in scores for f in s.active if f.weight >= BLOCKER_WEIGHT),
        key=lambda f: (-f.weight, f.rule, f.resource),
    )
    efforts = Counter(s.effort for s in scores if s.workload.role != "platform")
    longest = max((EFFORT_WEEKS[s.effort] for s in scores), default=(0, 0))
    total = (sum(EFFORT_WEEKS[s.effort][0] for s in scores), sum(EFFORT_WEEKS[s.effort][1] for s in scores))
    by_rule = Counter(f.rule for f in report.findings if not f.waived and not f.conditional)
    stores = {s.data_store.resource: s.data_store for s in scores if s.data_store}
    stateful = [r for r in report.resources if r.stateful and not r.is_data_source and r.conditional is None]
    configs_of: dict[str, set[str]] = defaultdict(set)  # the same data store in several variants
    for r in stateful:
        configs_of[r.address].add(r.configuration)
    owners: dict[str, list[str]] = defaultdict(list)
    for s in scores:
        for rid in s.workload.resources:
            owners[rid].append(s.workload.id)

    def owned_by(rid: str) -> str:
        found = owners.get(rid, [])
        return ", ".join(found) if len(found) <= 3 else f"shared by {len(found)} workloads"

    clouds = sorted({r.cloud for r in report.resources if r.cloud})
    unread = [
        r
        for r in report.resources
        if r.source == "terraform"
        and r.type == MODULE_TYPE
        and r.service_kind is None
        and r.conditional is None
    ]
    sources = _unread_modules(unread)
    unknown_types = sorted(  # the types of EP603's findings: a cloud's type the service catalog does not know
        {
            t
            for f in report.findings
            if f.rule == "EP603" and (t := report.resource(f.resource).type) != MODULE_TYPE
        }
    )
    return {
        "date": date,
        "version": report.version,
        "root": report.root.name,
        "target": target,
        "score": report.score,
        "grade": grade_of(report.score),
        "counts": {
            "resources": len(report.resources),
            "edges": len(report.edges),
            "workloads": len(scores),
            "findings": sum(by_rule.values()),
            "inputs": len(report.inputs),
            "input_errors": sum(1 for i in report.inputs if i.status == "error"),
        },
        "ranked": [workload_views[s.workload.id] for s in ranked],
        "blockers": [
            {
                "rule": f.rule,
                "resource": report.resource(f.resource).address,
                "message": f.message,
                "where": f"{f.file}:{f.line}",
                "weight": f.weight,
                "workload": owned_by(f.resource),
            }
            for f in blockers
        ],
        "effort": {
            "sizes": dict(sorted(efforts.items())),
            "parallel_weeks": f"{longest[0]}–{longest[1]}",
            "serial_weeks": f"{total[0]}–{total[1]}",
        },
        "unassessed": {
            "modules": sources[:UNASSESSED_SHOWN],
            "more_modules": max(0, len(sources) - UNASSESSED_SHOWN),
            "module_count": len(unread),
            "claims": [r.address for r in uncomposed_claims(report.resources, report.edges)][
                :UNASSESSED_SHOWN
            ],
            "types": unknown_types[:UNASSESSED_SHOWN],
            "more_types": max(0, len(unknown_types) - UNASSESSED_SHOWN),
        },
        "configurations": [{"path": c.path, "kind": c.kind} for c in report.configurations],
        "inputs": [
            {"path": i.path, "status": i.status, "reason": i.reason or "", "line": i.line}
            for i in report.inputs
            if i.status != "parsed"
        ],
        "clouds": [
            {
                "name": cloud,
                "jurisdiction": report.jurisdictions.get(cloud, "unknown"),
                "resources": sum(1 for r in report.resources if r.cloud == cloud),
                "regions": sorted({r.region for r in report.resources if r.cloud == cloud and r.region}),
            }
            for cloud in clouds
        ],
        "rules": [
            {"rule": rule, "name": BY_ID[rule].NAME if rule in BY_ID else rule, "count": n}
            for rule, n in sorted(by_rule.items())
        ],
        "workload_graph": estate_diagram(report, scores, needs),
        "data": [
            {
                "address": r.address
                if len(configs_of[r.address]) == 1
                else f"{r.address} ({r.configuration})",
                "workload": owned_by(r.id),
                "kind": f"{stores[r.id].label} ({r.type})" if r.id in stores else r.service_kind or r.type,
                "interface": r.interface or "",
                "location": (
                    f"in-cluster, {stores[r.id].data_path or 'data'} on {stores[r.id].storage}"
                    if r.id in stores
                    else " / ".join(x for x in (r.cloud, r.region) if x) or "in-cluster"
                ),
                "method": (plan.mapping_of(r.id).method if plan.mapping_of(r.id) else "") or "",
                **store_cells(sizes.get(r.id)),
            }
            for r in sorted(stateful, key=lambda r: r.id)
        ]
        + [
            {
                "address": report.resource(s.workload.anchor).address,
                "workload": s.workload.id,
                "kind": (f"{s.data_store.label}, ephemeral state" if s.data_store else "ephemeral state"),
                "interface": "",
                "location": (
                    f"{s.data_store.data_path or 'data'} on {s.data_store.storage}, lost on restart"
                    if s.data_store
                    else "in-pod, lost on restart"
                ),
                "method": "Nothing to copy; decide whether this data should persist at the target",
                **store_cells(None),
            }
            for s in scores
            if s.state == "ephemeral-state" and s.workload.anchor
        ],
        "key_custody": sorted({s.exposure.key_custody for s in scores if s.exposure.clouds}),
        "waves": [
            {
                "index": wave.index,
                "name": wave.name,
                "workloads": sorted({w for rid in wave.resources for w in owners.get(rid, [])}),
                "resources": [report.resource(rid).address for rid in wave.resources],
                "count": len(wave.resources),
            }
            for wave in plan.waves
        ],
        "broken_edges": [
            {
                "source": report.resource(e.source).address,
                "target": report.resource(e.target).address,
                "kind": e.kind,
            }
            for e in plan.broken_edges
        ],
        "services": _service_table(report, plan),
        "unclassified": report.coverage,
        "scenarios": plan_facts()["scenarios"],
        "triggers": plan_facts()["triggers"],
        "traceability": plan_facts()["traceability"],
        "timeline": plan_facts()["switching_timeline"],
        "waived": [f for s in scores for f in findings_view(s, waived=True)],
        "optional": estate_optional(report, scores, owned_by),
        "gravity": gravity_plan_view(report, gravity, plan_facts()["switching_charges"], plan.target.flavors),
    }
