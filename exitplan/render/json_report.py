"""The JSON report, schema ``exitplan/report/v1`` (SPEC §8). Keys and lists are sorted: same input, same bytes."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..api import ScanReport
from ..knowledge.data_stores import DataStore
from ..scoring import WorkloadScore
from .json_text import pretty_json
from .plan_facts import plan_facts
from .variant_view import differences

if TYPE_CHECKING:
    from ..gravity.build import Gravity
    from ..plan import Plan

SCHEMA = "exitplan/report/v1"


def _drop_none(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def _condition(condition, reason: str | None = None) -> dict[str, Any] | None:
    if condition is None:
        return None
    return _drop_none(
        {
            "expression": condition.expression,
            "file": condition.file,
            "line": condition.line,
            "variables": list(condition.variables),
            "reason": reason,
        }
    )


def _unknown_reason(condition) -> str:
    needs = ", ".join(condition.variables)
    return f"the number of instances is not known without Terraform{f' (needs {needs})' if needs else ''}"


def report_dict(
    report: ScanReport, plan: Plan | None = None, gravity: Gravity | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": {"name": "exitplan", "version": report.version},
        "inputs": [
            _drop_none(
                {"path": i.path, "format": i.format, "status": i.status, "reason": i.reason, "line": i.line}
            )
            for i in report.inputs
        ],
        "configurations": [
            _drop_none(
                {
                    "path": c.path,
                    "source": c.source,
                    "kind": c.kind,
                    "note": c.note,
                    "included_by": list(c.included_by) or None,
                    "depends_on": sorted({d.target for d in c.depends_on}) or None,
                }
            )
            for c in report.configurations
        ],
        "resources": [
            _drop_none(
                {
                    "id": r.id,
                    "address": r.address,
                    "configuration": r.configuration,
                    "source": r.source,
                    "type": r.type,
                    "name": r.name,
                    "namespace": r.namespace,
                    "module": r.module,
                    "file": r.file,
                    "line": r.line,
                    "cloud": r.cloud,
                    "region": r.region,
                    "service_kind": r.service_kind,
                    "stateful": r.stateful,
                    "interface": r.interface,
                    "lockin": r.lockin,
                    "expanded": None if r.expanded else False,
                    "conditional": _condition(r.conditional),
                    "unexpanded": _condition(r.unexpanded, _unknown_reason(r.unexpanded))
                    if r.unexpanded
                    else None,
                }
            )
            for r in report.resources
        ],
        "edges": [
            _drop_none(
                {
                    "from": e.source,
                    "to": e.target,
                    "kind": e.kind,
                    "confidence": e.confidence,
                    "via": e.via,
                    "file": e.file,
                    "line": e.line,
                }
            )
            for e in report.edges
        ],
        "workloads": [_workload(report, s) for s in report.workloads],
        "summary": {
            "resources": len(report.resources),
            "workloads": len(report.workloads),
            "score": report.score,
            "score_if_enabled": report.score_if_enabled,
            "by_cloud": dict(sorted(Counter(r.cloud or "none" for r in report.resources).items())),
            "inputs_by_status": dict(sorted(Counter(i.status for i in report.inputs).items())),
            "unclassified": report.coverage,
        },
    }
    if plan is not None:
        data["plan"] = {
            "target": plan.target.name,
            "waves": [{"index": w.index, "name": w.name, "resources": list(w.resources)} for w in plan.waves],
            "broken_edges": [{"from": e.source, "to": e.target, "kind": e.kind} for e in plan.broken_edges],
            "mapping": [
                _drop_none(
                    {
                        "resource": m.resource,
                        "service_kind": m.service_kind,
                        "offering": m.offering,
                        "managed": m.managed,
                        "terraform_type": m.terraform_type,
                        "method": m.method,
                    }
                )
                for m in plan.mappings
            ],
            **_gravity(report, plan, gravity),
        }
    return data


def _workload(report: ScanReport, s: WorkloadScore) -> dict[str, Any]:
    several = len(s.variants) > 1
    return {
        "id": s.workload.id,
        "name": s.workload.name,
        "configuration": s.workload.configuration,
        "role": s.workload.role,
        "anchor": s.workload.anchor,
        "resources": list(s.workload.resources),
        "shared": list(s.workload.shared),
        "state": s.state,
        **({"data_store": data_store_json(s.data_store)} if s.data_store else {}),
        "score": s.score,
        "score_if_enabled": s.score_if_enabled,
        "grade": s.grade,
        "effort": s.effort,
        "effort_points": s.effort_points,
        "exposure": {
            "clouds": list(s.exposure.clouds),
            "jurisdictions": list(s.exposure.jurisdictions),
            "regions": list(s.exposure.regions),
            "data": list(s.exposure.data_locations),
            "keys": s.exposure.key_custody,
        },
        "findings": [
            _drop_none(
                {
                    "rule": f.rule,
                    "resource": f.resource,
                    "file": f.file,
                    "line": f.line,
                    "message": f.message,
                    "evidence": f.evidence or None,
                    "weight": f.weight,
                    "waived": f.waived,
                    "waiver_reason": f.waiver_reason,
                    "confidence": "inferred" if f.confidence == "inferred" else None,
                    "conditional": True if f.conditional else None,
                    "variant": report.resource(f.resource).configuration if several else None,
                }
            )
            for f in s.findings
        ],
        "variants": [
            {
                "configuration": v.variant.configuration,
                "namespace": v.variant.namespace,
                "anchor": v.variant.anchor,
                "resources": list(v.variant.resources),
                "state": v.state,
                "score": v.score,
                "grade": v.grade,
                "score_if_enabled": v.score_if_enabled,
                "rules": list(v.rules),
                "differs": differs,
            }
            for v, differs in zip(s.variants, differences(s.variants), strict=True)
        ],
    }


def _gravity(report: ScanReport, plan: Plan, gravity: Gravity | None) -> dict[str, Any]:
    # imported here: a scan without a plan never needs the data-gravity model and its catalogs
    from ..gravity.build import build_gravity
    from .gravity_view import gravity_json

    return gravity_json(gravity or build_gravity(report, plan.target), plan_facts()["switching_charges"])


def to_json(report: ScanReport, plan: Plan | None = None, gravity: Gravity | None = None) -> str:
    return pretty_json(report_dict(report, plan, gravity)) + "\n"  # json.dumps(indent=2), faster


def data_store_json(store: DataStore) -> dict[str, Any]:
    """The data-store role a workload's anchor plays, with the evidence and where its data is."""
    return {
        "role": store.role,
        "label": store.label,
        "kind": store.kind,
        "resource": store.resource,
        "container": store.container,
        "data_path": store.data_path,
        "data_path_from": store.data_path_from,
        "storage": store.storage,
        "persistent": store.persistent,
        "why": store.why,
        "evidence": [
            {"kind": e.kind, "text": e.text, "file": e.file, "line": e.line} for e in store.evidence
        ],
    }
