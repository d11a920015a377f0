"""The view model: everything the templates print, computed, sorted and worded here.

Templates only loop and print; escaping is applied in the templates by the filters in filters.py,
because only the template knows whether a value lands in a table cell, a code span or a diagram.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from ..api import ScanReport
from ..catalog import Target
from ..model import REDACTED
from ..plan import Plan
from ..procedures import PHASES, load_procedures, procedure_for
from ..rules import BY_ID
from ..scoring import WorkloadScore, grade_of

#: Weeks of work per effort size, as a range: the basis of the time-to-exit estimate.
EFFORT_WEEKS = {"S": (1, 2), "M": (2, 4), "L": (4, 8), "XL": (8, 16)}
BLOCKER_WEIGHT = 30

SCENARIOS = (
    (
        "s1",
        "Planned sovereignty migration",
        "non-stressed",
        "A decision to move, taken in time; both sides cooperate.",
    ),
    ("s2", "Service deterioration", "non-stressed", "SLA breaches or loss of features over months."),
    (
        "s3",
        "Sudden termination or suspension",
        "stressed",
        "Contract ended, account suspended or sanctions apply.",
    ),
    ("s4", "Provider failure", "stressed", "Insolvency or a prolonged outage of the provider."),
    (
        "s5",
        "Foreign legal compulsion",
        "stressed",
        "An order under foreign law reaches the data (e.g. CLOUD Act).",
    ),
    (
        "s6",
        "Abrupt commercial change",
        "non-stressed",
        "Price rise or licence change beyond the agreed threshold.",
    ),
)

TRIGGERS = (
    "Persistent outage or repeated breach of the agreed service levels",
    "Signs of provider insolvency, change of control, or exit from the market",
    "Notice that data or processing locations will change",
    "A foreign legal order or sanctions affecting the provider or the data",
    "Price or licence change above the agreed threshold",
    "An instruction from the supervisor, or a change of the entity's own policy",
)

TRACEABILITY = (
    (
        "DORA Art. 28(8) §1",
        "Exit strategy for each ICT service behind a critical function",
        "Exit triggers; Scenarios",
    ),
    (
        "DORA Art. 28(8) §2",
        "Exit without disruption, loss of compliance or harm to clients",
        "Continuity during exit",
    ),
    ("DORA Art. 28(8) §3", "Documented, tested and reviewed plan", "Document control; Testing of the plan"),
    (
        "DORA Art. 28(8) §4",
        "Alternatives identified; transition plans for services and data",
        "Target architecture; Transition plan; Data inventory",
    ),
    ("DORA Art. 28(8) §5", "Contingency measures if triggers occur", "Continuity during exit"),
    ("DORA Art. 29", "Concentration and third-country risk", "Jurisdiction and sovereignty exposure"),
    (
        "DORA Art. 12(6)-(7)",
        "RTO/RPO per function; reconciliation when restoring data",
        "Criticality; runbooks: verify",
    ),
    (
        "RTS 2024/1773 Art. 10",
        "Exit plan per contractual arrangement, realistic, with triggers and schedule",
        "Scope; Exit triggers; Transition plan",
    ),
    (
        "EU Data Act Art. 25",
        "Notice ≤ 2 months, transition ≤ 30 days, retrieval ≥ 30 days, erasure",
        "Switching timeline",
    ),
    (
        "EU Data Act Art. 26, 30",
        "Export formats and functional equivalence",
        "Data inventory; Target architecture",
    ),
    (
        "EU Data Act Art. 28, 32",
        "Jurisdiction of the infrastructure; unlawful third-country access",
        "Jurisdiction and sovereignty exposure",
    ),
)

SWITCHING_TIMELINE = (
    (
        "T0",
        "Switching request (notice) given to the current provider",
        "Art. 25(2)(d): notice period at most 2 months",
    ),
    (
        "T0 + 2 months",
        "Notice period ends at the latest; transitional period starts",
        "Art. 25(2)(a): provider assists and keeps the service running",
    ),
    (
        "T0 + 2 months + 30 days",
        "Transitional period ends, unless the provider has shown it is technically unfeasible",
        "Art. 25(4): an alternative period of at most 7 months, which the customer may extend once",
    ),
    (
        "end of transition + 30 days",
        "Data retrieval period ends at the earliest",
        "Art. 25(2)(g): at least 30 days to retrieve data",
    ),
    ("after retrieval", "Provider erases all exportable data and digital assets", "Art. 25(2)(h)"),
)


@dataclass(frozen=True)
class Documents:
    plan: dict[str, Any]
    workloads: dict[str, dict[str, Any]]  # workload id → view


def _resource_row(report: ScanReport, plan: Plan, rid: str) -> dict[str, Any]:
    resource = report.resource(rid)
    mapping = plan.mapping_of(rid)
    return {
        "id": rid,
        "address": resource.address,
        "type": resource.type,
        "kind": resource.service_kind or "",
        "interface": resource.interface or "",
        "where": f"{resource.file}:{resource.line}",
        "stateful": resource.stateful,
        "wave": plan.wave_of(rid),
        "offering": (mapping.offering if mapping else None) or "",
        "instead": (mapping.instead if mapping else None) or "",
        "managed": bool(mapping and mapping.managed),
        "terraform_type": (mapping.terraform_type if mapping else None) or "",
        "method": (mapping.method if mapping else None) or "",
        "tools": ", ".join(mapping.tools) if mapping else "",
        "gaps": list(mapping.gaps) if mapping else [],
    }


def _findings(score: WorkloadScore, waived: bool) -> list[dict[str, Any]]:
    chosen = score.waived if waived else score.active
    return [
        {
            "rule": f.rule,
            "name": BY_ID[f.rule].NAME if f.rule in BY_ID else f.rule,
            "resource": f.resource,
            "where": f"{f.file}:{f.line}",
            "message": f.message,
            "evidence": f.evidence,
            "weight": f.weight,
            "reason": f.waiver_reason or "",
        }
        for f in sorted(chosen, key=lambda f: (-f.weight, f.rule, f.resource))
    ]


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


def _node_label(resource) -> str:
    return f"{resource.address} · {resource.service_kind}" if resource.service_kind else resource.address


def _workload_mermaid(report: ScanReport, score: WorkloadScore) -> dict[str, Any]:
    """What this workload needs: edges from its own resources, and edges among its members. A shared
    member's links to other workloads belong in those workloads' diagrams."""
    members = set(score.workload.resources)
    shared = set(score.workload.shared)
    chosen = [
        e for e in report.edges if e.source in members and (e.target in members or e.source not in shared)
    ]
    outside = {e.target for e in chosen} - members
    nodes = [
        {
            "id": rid,
            "label": _node_label(report.resource(rid)),
            "stateful": report.resource(rid).stateful,
            "outside": rid in outside,
        }
        for rid in [*sorted(members), *sorted(outside)]
    ]
    edges = [
        {"source": e.source, "target": e.target, "kind": e.kind, "explicit": e.confidence == "explicit"}
        for e in chosen
    ]
    return {"nodes": nodes, "edges": edges}


def _steps(report: ScanReport, plan: Plan, score: WorkloadScore, procedures) -> list[dict[str, Any]]:
    """One procedure per distinct (service kind, interface, kind) among the workload's movable resources."""
    groups: dict[str, dict[str, Any]] = {}
    for rid in score.workload.resources:
        resource = report.resource(rid)
        if resource.is_data_source:
            continue
        procedure = procedure_for(
            procedures,
            source=resource.source,
            service_kind=resource.service_kind,
            interface=resource.interface,
            kubernetes_kind=resource.type if resource.source == "kubernetes" else None,
        )
        group = groups.setdefault(
            procedure.id,
            {
                "id": procedure.id,
                "title": procedure.title,
                "downtime": procedure.downtime,
                "resources": [],
                "ids": [],
                "phases": procedure.steps,
                "wave": 0,
            },
        )
        group["resources"].append(resource.address)
        group["ids"].append(rid)
        group["wave"] = max(group["wave"], plan.wave_of(rid) or 0)
    for group in groups.values():
        group["fill"] = _placeholders(report.resource(group["ids"][0])) if len(group["ids"]) == 1 else {}
    ordered = sorted(groups.values(), key=lambda g: (g["wave"], g["id"]))
    return [
        {
            **group,
            "resources": sorted(group["resources"]),
            "phases": [
                {
                    "name": phase,
                    "steps": [
                        {"text": _fill(s.text, group["fill"]), "command": _fill(s.command, group["fill"])}
                        for s in group["phases"].get(phase, ())
                    ],
                }
                for phase in PHASES
                if group["phases"].get(phase)
            ],
        }
        for group in ordered
    ]


#: Attributes that hold the name a service knows a resource by, in order of preference.
_NAME_ATTRIBUTES = (
    "name",
    "bucket",
    "identifier",
    "function_name",
    "table_name",
    "cluster_name",
    "queue_name",
)
#: Only plain names are put into commands; anything else stays a placeholder for a person to fill.
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@-]*$")


def _placeholders(resource) -> dict[str, str]:
    """Values for the placeholders a runbook may fill from the code: only names, never secrets."""
    name = (
        next(
            (v for v in (resource.attributes.get(a) for a in _NAME_ATTRIBUTES) if isinstance(v, str)),
            resource.name,
        )
        if resource.source == "terraform"
        else resource.name
    )
    values = {"<SOURCE_NAME>": name, "<NAMESPACE>": resource.namespace, "<REGION>": resource.region}
    return {k: v for k, v in values.items() if isinstance(v, str) and _SAFE_VALUE.match(v) and v != REDACTED}


def _fill(text: str | None, values: dict[str, str]) -> str | None:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value) if text else text
    return text


def _main_resources(report: ScanReport, members: set[str]) -> set[str]:
    """The members that stand for a service, not parts of one: a KMS alias is part of its key, a subnet
    group part of its database, a lifecycle policy part of its registry. Among resources of one service
    kind linked by an edge, the stateful ones are the service; failing that, the one the others name."""
    linked: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for edge in report.edges:
        if edge.source in members and edge.target in members:
            a, b = report.resource(edge.source), report.resource(edge.target)
            if a.service_kind and a.service_kind == b.service_kind:
                linked[a.id].add(b.id)
                linked[b.id].add(a.id)
                names[a.id].add(b.id)

    def stands_alone(rid: str) -> bool:
        if report.resource(rid).stateful or not linked[rid]:
            return True
        return not names[rid] and not any(report.resource(n).stateful for n in linked[rid])

    return {rid for rid in members if stands_alone(rid)}


def _terraform_sketch(report: ScanReport, plan: Plan, score: WorkloadScore) -> list[dict[str, str]]:
    """One target resource block per service the workload moves, named after the source address."""
    blocks = {}
    for rid in sorted(_main_resources(report, set(score.workload.resources))):
        mapping = plan.mapping_of(rid)
        resource = report.resource(rid)
        if (
            mapping
            and mapping.terraform_type
            and resource.source == "terraform"
            and not resource.is_data_source
        ):
            name = re.sub(r"[^a-z0-9]+", "_", _block_name(resource).lower()).strip("_") or "main"
            blocks.setdefault((mapping.terraform_type, name), resource.address)
    return [{"type": t, "name": n, "replaces": a} for (t, n), a in sorted(blocks.items())]


def _block_name(resource) -> str:
    keys = re.findall(r'\["?([^"\]]+)"?\]', resource.address)
    return "_".join([*keys, resource.name])


def _gaps(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each known gap once, with the resources it concerns."""
    concerned: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        for gap in row["gaps"]:
            concerned[gap].append(row["address"])
    return [{"gap": gap, "resources": sorted(set(addresses))} for gap, addresses in sorted(concerned.items())]


#: Attributes that show how a data store survives failures, and how to word them (observed, not promised).
_RESILIENCE = {
    "multi_az": lambda v: "multi-AZ" if v is True else None,
    "backup_retention_period": lambda v: f"backups kept {v} days" if isinstance(v, int) and v > 0 else None,
    "point_in_time_recovery": lambda v: "point-in-time recovery" if _enabled(v) else None,
    "deletion_protection": lambda v: "deletion protection" if v is True else None,
    "deletion_protection_enabled": lambda v: "deletion protection" if v is True else None,
}


_DATA_STORES = frozenset(
    {
        "relational-database",
        "nosql-database",
        "document-database",
        "cache",
        "data-warehouse",
        "search",
        "object-storage",
        "file-storage",
        "block-volume",
    }
)


def _enabled(value: Any) -> bool:
    blocks = value if isinstance(value, list) else [value]
    return any(isinstance(b, dict) and b.get("enabled") is True for b in blocks)


def _resilience(report: ScanReport, score: WorkloadScore) -> dict[str, Any]:
    """Signals of criticality and recovery the code shows: replicas, autoscaling, disruption budgets,
    and what protects the data (suggestions for Section 3, which people confirm)."""
    members = [report.resource(rid) for rid in score.workload.resources]
    anchor = report.resource(score.workload.anchor) if score.workload.anchor else None
    replicas = (
        anchor.get("spec", "replicas") if anchor is not None and anchor.source == "kubernetes" else None
    )
    data = []
    for resource in members:
        if resource.service_kind in _DATA_STORES and resource.stateful and not resource.is_data_source:
            shown = [word(resource.attributes.get(key)) for key, word in _RESILIENCE.items()]
            data.append(f"{resource.address}: {', '.join(w for w in shown if w) or 'none in the code'}")
    return {
        "replicas": replicas if isinstance(replicas, int) else None,
        "autoscaling": any(r.type in ("HorizontalPodAutoscaler", "ScaledObject") for r in members),
        "disruption_budget": any(
            r.type == "PodDisruptionBudget" and r.id not in score.workload.shared for r in members
        ),
        "data": sorted(data),
    }


def build_documents(report: ScanReport, plan: Plan, date: str | None = None) -> Documents:
    procedures = load_procedures(report.catalog_dirs)
    target: Target = plan.target
    needs = workload_dependencies(report)
    scores = sorted(report.workloads, key=lambda s: s.workload.id)
    workload_views: dict[str, dict[str, Any]] = {}
    for score in scores:
        workload = score.workload
        weeks = EFFORT_WEEKS[score.effort]
        workload_views[workload.id] = {
            "id": workload.id,
            "name": workload.name,
            "configuration": workload.configuration,
            "role": workload.role,
            "anchor": report.resource(workload.anchor).address if workload.anchor else "",
            "score": score.score,
            "grade": score.grade,
            "state": score.state,
            "effort": score.effort,
            "weeks": f"{weeks[0]}–{weeks[1]}",
            "resources": [_resource_row(report, plan, rid) for rid in workload.resources],
            "shared": [report.resource(rid).address for rid in workload.shared],
            "depends_on": sorted(needs.get(workload.id, ())),
            "used_by": sorted(w for w, deps in needs.items() if workload.id in deps),
            "findings": _findings(score, waived=False),
            "waived": _findings(score, waived=True),
            "exposure": score.exposure,
            "diagram": _workload_mermaid(report, score),
            "procedures": _steps(report, plan, score, procedures),
            "sketch": _terraform_sketch(report, plan, score),
            "resilience": _resilience(report, score),
            "gaps": _gaps([_resource_row(report, plan, rid) for rid in workload.resources]),
            "stateful": [
                _resource_row(report, plan, rid)
                for rid in workload.resources
                if report.resource(rid).stateful and not report.resource(rid).is_data_source
            ],
            "target": target,
        }
    return Documents(
        plan=_plan_view(report, plan, scores, needs, workload_views, date), workloads=workload_views
    )


def _plan_view(report, plan: Plan, scores, needs, workload_views, date) -> dict[str, Any]:
    target = plan.target
    ranked = sorted(scores, key=lambda s: (s.score, s.workload.id))
    blockers = sorted(
        (f for s in scores for f in s.active if f.weight >= BLOCKER_WEIGHT),
        key=lambda f: (-f.weight, f.rule, f.resource),
    )
    sizes = Counter(s.effort for s in scores if s.workload.role != "platform")
    longest = max((EFFORT_WEEKS[s.effort] for s in scores), default=(0, 0))
    total = (sum(EFFORT_WEEKS[s.effort][0] for s in scores), sum(EFFORT_WEEKS[s.effort][1] for s in scores))
    by_rule = Counter(f.rule for f in report.findings if not f.waived)
    stateful = [r for r in report.resources if r.stateful and not r.is_data_source]
    owners: dict[str, list[str]] = defaultdict(list)
    for s in scores:
        for rid in s.workload.resources:
            owners[rid].append(s.workload.id)

    def owned_by(rid: str) -> str:
        found = owners.get(rid, [])
        return ", ".join(found) if len(found) <= 3 else f"shared by {len(found)} workloads"

    clouds = sorted({r.cloud for r in report.resources if r.cloud})
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
            "sizes": dict(sorted(sizes.items())),
            "parallel_weeks": f"{longest[0]}–{longest[1]}",
            "serial_weeks": f"{total[0]}–{total[1]}",
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
        "workload_graph": {
            "nodes": [
                {"id": s.workload.id, "label": f"{s.workload.id} · {s.grade} {s.score}"} for s in scores
            ],
            "edges": sorted((a, b) for a, deps in needs.items() for b in deps),
        },
        "data": [
            {
                "address": r.address,
                "workload": owned_by(r.id),
                "kind": r.service_kind or r.type,
                "interface": r.interface or "",
                "location": " / ".join(x for x in (r.cloud, r.region) if x) or "in-cluster",
                "method": (plan.mapping_of(r.id).method if plan.mapping_of(r.id) else "") or "",
            }
            for r in sorted(stateful, key=lambda r: r.id)
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
        "unmapped": sorted(
            {(m.service_kind or "unclassified", m.instead or "") for m in plan.mappings if not m.offering}
        ),
        "self_run": sorted(
            {
                (m.service_kind, m.offering)
                for m in plan.mappings
                if m.offering and not m.managed and m.service_kind
            }
        ),
        "unclassified": report.coverage,
        "scenarios": [{"id": i, "title": t, "kind": k, "description": d} for i, t, k, d in SCENARIOS],
        "triggers": list(TRIGGERS),
        "traceability": [{"requirement": r, "asks": a, "section": s} for r, a, s in TRACEABILITY],
        "timeline": [{"when": w, "what": x, "basis": b} for w, x, b in SWITCHING_TIMELINE],
        "waived": [f for s in scores for f in _findings(s, waived=True)],
    }
