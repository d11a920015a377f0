"""The view of data gravity and capacity: the data inventory's sizes, transfer times, the capacity table,
the egress estimate with the Data Act position, and their JSON form (``plan.data``, ``plan.egress``,
``plan.capacity``, ``plan.transfer``)."""

from __future__ import annotations

from typing import Any

from ..api import ScanReport
from ..gravity.build import Gravity
from ..gravity.capacity import CapacityRow, totals
from ..gravity.sizes import DataSize


def _gb(value: float | None) -> str:
    if value is None:
        return "unknown"
    if value == 0:
        return "0 GB"
    return f"{value:,.1f} GB" if value >= 1 else f"{value:.3f} GB"


def _hours(value: float | None) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "0 h"
    return f"{value:,.2f} h" if value >= 1 else f"{value:.2f} h ({round(value * 60)} min)"


def _money(amount: float | None, currency: str | None) -> str:
    return "no list price" if amount is None else f"{currency} {amount:,.2f}"


def store_cells(size: DataSize | None) -> dict[str, Any]:
    """The size, its source and the transfer time of one data-inventory row."""
    if size is None:
        return {"size": "—", "size_source": "", "transfer": "—"}
    shown = _gb(size.size_gb) if size.volume else "not a data volume"
    return {"size": shown, "size_source": size.size_source, "transfer": _hours(size.transfer_hours)}


def capacity_rows(report: ScanReport, rows: tuple[CapacityRow, ...]) -> list[dict[str, Any]]:
    view = []
    for row in rows:
        count = "unknown" if row.count is None else str(row.count)
        if row.min is not None or row.max is not None:
            count += f" ({'?' if row.min is None else row.min}–{'?' if row.max is None else row.max})"
        flavor = row.target_flavor or row.flavor_note or "—"
        if row.target_flavor and row.flavor_verified is False:
            flavor += " (unverified)"
        itype = row.instance_type or "unknown"
        view.append(
            {
                "address": report.resource(row.resource).address,
                "instance_type": itype,
                "alternatives": ", ".join(row.alternatives),
                "count_note": "; ".join(
                    x
                    for x in (
                        row.count_note,
                        "only if switched on, not in the total" if row.conditional else None,
                    )
                    if x
                ),
                "source": row.type_source,
                "count": count,
                "vcpu": "—" if row.vcpu is None else str(row.vcpu),
                "memory": "—" if row.memory_gib is None else f"{row.memory_gib:g}",
                "gpus": "—"
                if row.gpus is None
                else (f"{row.gpus} × {row.gpu_model}" if row.gpu_model else str(row.gpus)),
                "unverified_size": not row.size_verified,
                "flavor": flavor,
            }
        )
    return view


def data_act_position(facts: dict[str, str]) -> dict[str, str]:
    return {
        "before": facts["before"],
        "after": facts["after"],
        "parallel_use": facts["parallel_use"],
        "source": facts["source"],
        "regulation": facts["regulation"],
    }


def egress_note(gravity: Gravity, facts: dict[str, str]) -> str:
    unknown = len(gravity.unknown)
    parts = ["List price for the volume known from the code and from measured sizes, moved in one month."]
    if unknown:
        parts.append(f"{unknown} data store(s) have no size yet and are not counted.")
    if gravity.unpriced_gb:
        parts.append(f"{gravity.unpriced_gb:g} GB sit where the price book has no entry and are not priced.")
    parts.append(f"Switch requested before {facts['cutoff']}: {facts['before']}")
    parts.append(f"Switch requested on or after {facts['cutoff']}: {facts['after']}")
    parts.append(facts["parallel_use"])
    return " ".join(parts)


def gravity_plan_view(report: ScanReport, gravity: Gravity, facts: dict[str, str], flavors) -> dict[str, Any]:
    window = gravity.window
    total = totals(gravity.capacity)
    return {
        "total": _gb(gravity.total_gb),
        "total_hours": _hours(gravity.total_hours),
        "link": f"{gravity.transfer.link_gbit_s:g} Gbit/s at {gravity.transfer.efficiency:.0%} efficiency",
        "effective": f"{gravity.transfer.link_gbit_s * gravity.transfer.efficiency:g} Gbit/s",
        "window": {
            "address": report.resource(window.resource).address,
            "hours": _hours(window.transfer_hours),
            "size": _gb(window.size_gb),
        }
        if window
        else None,
        "unknown": [
            {
                "address": report.resource(d.resource).address,
                "reason": d.size_source,
                "measure": d.measure or "",
                "region": d.region,
                "filled": d.size_gb is not None,
            }
            for d in gravity.volumes
            if d.region
        ],
        "capacity": capacity_rows(report, gravity.capacity),
        "capacity_total": total,
        "instance_types_as_of": gravity.instance_types_as_of,
        "flavors": {
            "as_of": flavors.as_of,
            "source": flavors.source,
            "unverified": sum(1 for f in flavors.flavors if not f.verified),
            "count": len(flavors.flavors),
            "origin": flavors.origin,
        }
        if flavors
        else None,
        "egress": [
            {
                "cloud": e.cloud,
                "gb": _gb(e.gb),
                "stores": e.stores,
                "amount": _money(e.amount, e.currency),
                "free": f"{e.free_gb:g} GB free a month" if e.free_gb else "",
                "as_of": e.as_of,
                "source": e.source,
                "verified": e.verified,
                "waiver": e.waiver or "",
                "waiver_source": e.waiver_source or "",
                "beyond": e.beyond_last_tier or "",
            }
            for e in gravity.egress
        ],
        "not_counted": len(gravity.unknown),
        "data_act": {**data_act_position(facts), "cutoff": "12 January 2027", "as_of": facts["as_of"]},
    }


def gravity_json(gravity: Gravity, facts: dict[str, str]) -> dict[str, Any]:
    """``plan.data``, ``plan.egress``, ``plan.capacity`` and ``plan.transfer`` of exitplan.json."""
    window = gravity.window
    currencies = sorted({e.currency for e in gravity.egress})
    amounts = [e.amount for e in gravity.egress]
    return {
        "data": [
            {
                "resource": d.resource,
                "size_gb": d.size_gb,
                "size_source": d.size_source,
                "transfer_hours": d.transfer_hours,
                "measure": d.measure,
                "volume": d.volume,
                **({"region": d.region} if d.region else {}),
                **({"conditional": d.conditional} if d.conditional else {}),
            }
            for d in gravity.data
        ],
        "transfer": {
            "link_gbit_s": gravity.transfer.link_gbit_s,
            "efficiency": gravity.transfer.efficiency,
            "total_gb": gravity.total_gb,
            "total_hours": gravity.total_hours,
            "unknown_sizes": len(gravity.unknown),
            "window_resource": window.resource if window else None,
            "window_hours": window.transfer_hours if window else None,
        },
        "egress": {
            "gb": round(sum(e.gb for e in gravity.egress), 3),
            "amount": round(sum(amounts), 2)
            if amounts and None not in amounts and len(currencies) == 1
            else None,
            "currency": currencies[0] if len(currencies) == 1 else None,
            "as_of": ", ".join(sorted({e.as_of for e in gravity.egress})) or None,
            "source": "; ".join(e.source for e in gravity.egress) or None,
            "note": egress_note(gravity, facts),
            "by_cloud": [
                {
                    "cloud": e.cloud,
                    "gb": e.gb,
                    "amount": e.amount,
                    "currency": e.currency,
                    "as_of": e.as_of,
                    "source": e.source,
                    "verified": e.verified,
                    "waiver_source": e.waiver_source,
                }
                for e in gravity.egress
            ],
        },
        "capacity": [
            {
                "resource": r.resource,
                "instance_type": r.instance_type,
                "count": r.count,
                **({"min": r.min} if r.min is not None else {}),
                **({"max": r.max} if r.max is not None else {}),
                "vcpu": r.vcpu,
                "memory_gib": r.memory_gib,
                "gpus": r.gpus,
                "target_flavor": r.target_flavor,
                "flavor_verified": r.flavor_verified,
                "source": r.type_source,
                **({"conditional": True} if r.conditional else {}),
            }
            for r in gravity.capacity
        ],
    }


def workload_gravity(report: ScanReport, gravity: Gravity, resources) -> dict[str, Any]:
    """A runbook's own data stores (size, source, transfer time) and capacity rows."""
    own = set(resources)
    stores = [
        {"address": report.resource(d.resource).address, **store_cells(d)}
        for d in gravity.data
        if d.resource in own and d.volume
    ]
    return {
        "stores": stores,
        "capacity": capacity_rows(report, tuple(r for r in gravity.capacity if r.resource in own)),
    }
