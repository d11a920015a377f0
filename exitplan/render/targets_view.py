"""`exitplan targets`: the target catalogs with their facts, and one target's coverage of an estate."""

from __future__ import annotations

import json
from collections import Counter

from ..knowledge.targets import load_target, load_targets


def render(name, catalog_dirs, report, fmt: str) -> str:
    if name is None:
        targets = load_targets(catalog_dirs)
        if fmt == "json":
            return json.dumps([_facts(t) for t in targets.values()], indent=2, ensure_ascii=False) + "\n"
        rows = [("NAME", "JURISDICTION", "OPENSTACK", "MANAGED", "TERRAFORM PROVIDER")]
        for t in targets.values():
            managed = sum(1 for o in t.services.values() if o.offering and o.managed)
            rows.append(
                (
                    t.name,
                    t.jurisdiction,
                    "yes" if t.openstack_based else "no",
                    f"{managed}/{len(t.services)}",
                    t.terraform_source,
                )
            )
        return _table(rows)
    target = load_target(name, catalog_dirs)
    facts = _facts(target)
    if report is not None:
        facts["coverage"] = _coverage(target, report)
    if fmt == "json":
        return json.dumps(facts, indent=2, ensure_ascii=False) + "\n"
    lines = [
        f"{target.title} ({target.name}), facts as of {target.as_of}",
        f"  legal seat:     {target.legal_seat}",
        f"  jurisdiction:   {target.jurisdiction}",
        f"  OpenStack:      {'yes' if target.openstack_based else 'no'}",
        f"  Terraform:      {', '.join([target.terraform_source, *target.terraform_also])}",
        "  certifications: "
        + (
            ", ".join(f"{c.name}{'' if c.verified else ' (unverified)'}" for c in target.certifications)
            or "none recorded"
        ),
        "  regions:        " + (", ".join(r.id for r in target.regions) or "none recorded"),
        "",
    ]
    rows = [("SERVICE KIND", "OFFERING", "MANAGED", "TERRAFORM TYPE")]
    for kind, offering in sorted(target.services.items()):
        rows.append(
            (
                kind,
                offering.offering or f"none — {offering.instead}",
                "yes" if offering.managed else "no",
                offering.terraform_type or "-",
            )
        )
    text = "\n".join(lines) + _table(rows)
    if report is not None:
        cov = facts["coverage"]
        text += (
            f"\nCoverage of the scanned estate: {cov['managed']} resources to a managed offering, "
            f"{cov['self_run']} self-run, {cov['none']} without an equivalent, "
            f"{cov['unclassified']} unclassified.\n"
        )
    return text


def _facts(target) -> dict:
    return {
        "name": target.name,
        "title": target.title,
        "as_of": target.as_of,
        "legal_seat": target.legal_seat,
        "jurisdiction": target.jurisdiction,
        "eu_only_ownership": target.eu_only_ownership,
        "openstack_based": target.openstack_based,
        "terraform_source": target.terraform_source,
        "terraform_also": list(target.terraform_also),
        "certifications": [{"name": c.name, "verified": c.verified} for c in target.certifications],
        "regions": [r.id for r in target.regions],
        "services": {k: o.offering for k, o in sorted(target.services.items())},
    }


def _coverage(target, report) -> dict:
    counts: Counter = Counter()
    for resource in report.resources:
        if resource.source != "terraform" or resource.is_data_source:
            continue
        if not resource.service_kind:
            counts["unclassified"] += 1
            continue
        offering = target.offering_for(resource.service_kind, resource.interface)
        counts[
            "none" if not offering or not offering.offering else "managed" if offering.managed else "self_run"
        ] += 1
    return {key: counts.get(key, 0) for key in ("managed", "self_run", "none", "unclassified")}


def _table(rows) -> str:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]) - 1)]
    return "".join(
        "  ".join(str(v).ljust(widths[i]) for i, v in enumerate(row[:-1])) + "  " + str(row[-1]) + "\n"
        for row in rows
    ).replace(" \n", "\n")
