"""The view of one workload's runbook: what it is, what it needs, its mapping, findings and steps.

Values are computed and sorted here; the templates under templates/workload/ only print them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ..api import ScanReport
from ..knowledge.operator_stores import instances, operator_kind, parts_by_store, protection
from ..knowledge.procedures import FILLED_PLACEHOLDERS, PHASES, procedure_for
from ..kubernetes.gitops import RemoteChart, install_namespace, remote_chart
from ..kubernetes.release_volumes import release_volumes
from ..model import REDACTED
from ..rules import BY_ID
from ..scoring import WorkloadScore
from .diagram_view import resource_diagram
from .optional_view import workload_optional
from .parts import main_resources as _main_resources
from .variant_view import deployed_sentence, grouped_findings, summary_labels, variant_rows

if TYPE_CHECKING:
    from ..plan import Plan

#: Weeks of work per effort size, as a range: the basis of the time-to-exit estimate.
EFFORT_WEEKS = {"S": (1, 2), "M": (2, 4), "L": (4, 8), "XL": (8, 16)}


def workload_view(report: ScanReport, plan: Plan, score: WorkloadScore, needs, procedures) -> dict[str, Any]:
    workload = score.workload
    weeks = EFFORT_WEEKS[score.effort]
    rows = [_resource_row(report, plan, rid) for rid in workload.resources]
    several = len(score.variants) > 1
    included_by = {c.path: c.included_by for c in report.configurations if c.included_by} if several else {}
    return {
        "id": workload.id,
        "name": workload.name,
        "configuration": workload.configuration,
        "role": workload.role,
        "anchor": report.resource(workload.anchor).address if workload.anchor else "",
        "score": score.score,
        "grade": score.grade,
        "state": score.state,
        "state_evidence": state_evidence_view(score) or release_volume_evidence(report, score),
        "effort": score.effort,
        "weeks": f"{weeks[0]}–{weeks[1]}",
        "resources": rows,
        "shared": [report.resource(rid).address for rid in workload.shared],
        "depends_on": sorted(needs.get(workload.id, ())),
        "used_by": sorted(w for w, deps in needs.items() if workload.id in deps),
        "findings": grouped_findings(report, score, findings_view(score, waived=False)),
        "waived": findings_view(score, waived=True),
        "optional": workload_optional(report, score),
        "variants": variant_rows(score) if several else [],
        "variant_labels": summary_labels(score, included_by) if several else "",
        "variants_deployed": deployed_sentence(score, included_by) if several else "",
        "exposure": score.exposure,
        "diagram": _workload_diagram(report, score),
        "procedures": _steps(report, plan, score, procedures),
        "sketch": _terraform_sketch(report, plan, score),
        "resilience": _resilience(report, score),
        "gaps": _gaps(rows),
        "target": plan.target,
    }


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
        "optional": resource.conditional is not None,
        "wave": plan.wave_of(rid),
        "offering": (mapping.offering if mapping else None) or "",
        "instead": (mapping.instead if mapping else None) or "",
        "managed": bool(mapping and mapping.managed),
        "terraform_type": (mapping.terraform_type if mapping else None) or "",
        "method": (mapping.method if mapping else None) or "",
        "tools": ", ".join(mapping.tools) if mapping else "",
        "gaps": list(mapping.gaps) if mapping else [],
    }


def state_evidence_view(score: WorkloadScore) -> dict[str, Any] | None:
    """Why the workload is a data store, and why its state is ephemeral or its own: every piece of
    evidence with the file:line it was read from."""
    store = score.data_store
    if store is None:
        return None
    return {
        "role": store.label,
        "summary": store.why,
        "decision": (
            ""
            if store.persistent
            else "Nothing to copy today; decide whether this data should persist at the target."
        ),
        "evidence": [{"text": e.text, "where": f"{e.file}:{e.line}"} for e in store.evidence],
    }


def release_volume_evidence(report: ScanReport, score: WorkloadScore) -> dict[str, Any] | None:
    """Why a release of a chart from outside the repository owns state: the volumes its values ask for."""
    anchor = report.resource(score.workload.anchor) if score.workload.anchor else None
    volumes = release_volumes(anchor) if anchor is not None else ()
    if not volumes or score.state != "owns-state":
        return None
    return {
        "role": "",
        "summary": (
            "The release's values ask the chart for persistent volumes; the chart is not in the repository, "
            "so its claims are not either. Copy their data with the release."
        ),
        "decision": "",
        "evidence": [
            {
                "text": f"{v.name}: the existing claim {v.claim}"
                if v.claim
                else f"{v.name}: a claim the chart makes",
                "where": f"{anchor.file}:{anchor.line_of(v.path)}",
            }
            for v in volumes
        ],
    }


def findings_view(score: WorkloadScore, waived: bool) -> list[dict[str, Any]]:
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


def _workload_diagram(report: ScanReport, score: WorkloadScore) -> dict[str, Any]:
    """What this workload needs: edges from its own resources, and edges among its members. A shared
    member's links to other workloads belong in those workloads' diagrams."""
    workload = score.workload
    members = set(workload.resources)
    shared = set(workload.shared)
    chosen = [e for e in report.edges_from(members) if e.target in members or e.source not in shared]
    shown = members | {e.target for e in chosen}
    return resource_diagram(
        report, shown, chosen, members=members, anchor=workload.anchor, workload=workload.id
    )


def _steps(report: ScanReport, plan: Plan, score: WorkloadScore, procedures) -> list[dict[str, Any]]:
    """One procedure per distinct (service kind, interface, kind) among the workload's movable resources.
    Parts (a KMS alias, a subnet group) move with the service they belong to and get no procedure."""
    groups: dict[str, dict[str, Any]] = {}
    for rid in sorted(_main_resources(report, set(score.workload.resources))):
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
                "optional": [],
            },
        )
        group["resources"].append(resource.address)
        group["ids"].append(rid)
        if resource.conditional is not None:
            group["optional"].append(resource.address)
        group["wave"] = max(group["wave"], plan.wave_of(rid) or 0)
    for group in groups.values():
        group["fill"] = (
            _placeholders(report, report.resource(group["ids"][0])) if len(group["ids"]) == 1 else {}
        )
    ordered = sorted(groups.values(), key=lambda g: (g["wave"], g["id"]))
    return [
        {
            **group,
            "resources": sorted(group["resources"]),
            "optional": sorted(group["optional"]),
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
_EXACT_VERSION = re.compile(r"^v?\d+(\.\d+){0,2}([-+][0-9A-Za-z.-]+)?$")


def _placeholders(report: ScanReport, resource) -> dict[str, str]:
    """Values for the placeholders a runbook may fill from the code: only names, never secrets."""
    name = (
        next(
            (v for v in (resource.attributes.get(a) for a in _NAME_ATTRIBUTES) if isinstance(v, str)),
            resource.name,
        )
        if resource.source == "terraform"
        else resource.name
    )
    chart = remote_chart(resource, report.chart_sources())
    # An Argo CD application lives with Argo CD; its chart is installed in the destination. A Flux
    # HelmRelease is named by its own namespace in the flux commands, so it keeps that one.
    argo = chart is not None and resource.type != "HelmRelease"
    namespace = install_namespace(resource) if argo else resource.namespace
    values = dict(zip(FILLED_PLACEHOLDERS, (name, namespace, resource.region), strict=True))
    found = {k: v for k, v in values.items() if _plain(v)}
    return {**found, **_chart_placeholders(chart)}


def _chart_placeholders(chart: RemoteChart | None) -> dict[str, str]:
    """The chart a release installs, its version, and how Helm names it: ``oci://…/chart``, or
    ``chart --repo URL`` for a Helm repository. Only plain names and URLs are filled in."""
    if chart is None:
        return {}
    values = {"<CHART>": chart.chart} if _plain(chart.chart) else {}
    if chart.version and _EXACT_VERSION.match(chart.version):  # a range (1.x, ^2) names no file
        values["<CHART_VERSION>"] = chart.version
    url = chart.url if _plain(chart.url) else None
    if url and url.startswith(("https://", "http://")) and "<CHART>" in values:
        values["<CHART_REFERENCE>"] = f"{chart.chart} --repo {url}"
    elif url and "<CHART>" in values:  # an OCI registry, with or without the scheme (Argo CD omits it)
        registry = url.removeprefix("oci://").rstrip("/").removesuffix(f"/{chart.chart}")
        values["<CHART_REFERENCE>"] = f"oci://{registry}/{chart.chart}"
    return values


def _plain(value: str | None) -> bool:
    return isinstance(value, str) and bool(_SAFE_VALUE.match(value)) and value != REDACTED


def _fill(text: str | None, values: dict[str, str]) -> str | None:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value) if text else text
    return text


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
    if anchor is not None and anchor.stateful and operator_kind(anchor) is not None:  # an operator's database
        replicas = instances(anchor)
        parts = parts_by_store(members).get(anchor.id, ())
        data.append(f"{anchor.address}: {', '.join(protection(anchor, parts)) or 'none in the code'}")
        members = [r for r in members if r.id != anchor.id]
    for resource in members:
        if (
            resource.service_kind in _DATA_STORES
            and resource.stateful
            and not resource.is_data_source
            and resource.conditional is None
        ):
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
