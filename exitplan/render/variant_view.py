"""What sets a workload's variants apart: replicas, images, patches and the rules that hold in some only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..scoring import VariantScore, WorkloadScore


def differences(variants: Sequence[VariantScore]) -> list[dict[str, Any]]:
    """For each variant, the aspects in which it is not like every other variant (empty for one variant)."""
    if len(variants) < 2:
        return [{} for _ in variants]
    everywhere = set.intersection(*(set(v.rules) for v in variants))
    result = []
    for v in variants:
        found: dict[str, Any] = {}
        if len({x.variant.replicas for x in variants}) > 1 and v.variant.replicas is not None:
            found["replicas"] = v.variant.replicas
        if len({x.variant.images for x in variants}) > 1 and v.variant.images:
            found["images"] = list(v.variant.images)
        if len({x.variant.patches for x in variants}) > 1 and v.variant.patches:
            found["patches"] = list(v.variant.patches)
        only = sorted(set(v.rules) - everywhere)
        if only:
            found["rules"] = only
        result.append(found)
    return result


def variant_labels(score: WorkloadScore) -> list[str]:
    """Short names for the variants: each configuration's last folder (``overlays/production`` →
    ``production``), or the whole path where two would read the same."""
    paths = [v.variant.configuration for v in score.variants]
    short = [p.rstrip("/").rsplit("/", 1)[-1] or p for p in paths]
    return [s if short.count(s) == 1 else p for s, p in zip(short, paths, strict=True)]


def deployed_sentence(score: WorkloadScore, included_by: Mapping[str, Sequence[str]]) -> str:
    """How many variants are deployed: a kustomize base that other variants build on is what they share,
    not one more deployment, so it is named apart."""
    labels, paths, bases = variant_labels(score), _paths(score), _bases(score, included_by)
    if not bases:
        return f"This component is deployed in {len(paths)} variants."
    deployed = [label for i, label in enumerate(labels) if i not in bases]
    named = ", ".join(f"`{paths[i]}`" for i in bases)
    base = f"the kustomize base {named}" if len(bases) == 1 else f"the kustomize bases {named}"
    rows = "its row" if len(bases) == 1 else "their rows"
    return (
        f"This component is deployed in {len(deployed)} variants, {_and(deployed)}, built on {base}"
        f" ({rows}: what they share)."
    )


def summary_labels(score: WorkloadScore, included_by: Mapping[str, Sequence[str]]) -> str:
    """The variants for the exit plan's table: ``production, staging (on base)``."""
    labels, bases = variant_labels(score), _bases(score, included_by)
    deployed = ", ".join(label for i, label in enumerate(labels) if i not in bases)
    return f"{deployed} (on {_and([labels[i] for i in bases])})" if bases else deployed


def _paths(score: WorkloadScore) -> list[str]:
    return [v.variant.configuration for v in score.variants]


def _bases(score: WorkloadScore, included_by: Mapping[str, Sequence[str]]) -> list[int]:
    """The positions of kustomize bases that other variants of the workload build on, unless every variant
    is one (then none is set apart)."""
    paths = _paths(score)
    bases = [i for i, p in enumerate(paths) if set(included_by.get(p, ())) & set(paths)]
    return bases if len(bases) < len(paths) else []


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def grouped_findings(report, score: WorkloadScore, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings of a workload in several variants: one line per rule, place and message (a finding on a
    base's line holds in every overlay of it), saying in which variants it holds ("all" when in every one)."""
    if len(score.variants) < 2:
        return findings
    labels = variant_labels(score)
    label_of: dict[str, list[str]] = {}  # a Terraform resource is a member of every variant that uses it
    for v, label in zip(score.variants, labels, strict=True):
        for rid in v.variant.resources:
            label_of.setdefault(rid, []).append(label)
    grouped: dict[tuple, dict[str, Any]] = {}
    where: dict[tuple, list[str]] = {}
    for f in findings:
        address = report.resource(f["resource"]).address
        key = (f["rule"], f["where"], f["message"])
        if key not in grouped:
            grouped[key] = {**f, "resource": address}
            where[key] = []
        for label in label_of.get(f["resource"], ()):
            if label not in where[key]:
                where[key].append(label)
    for key, row in grouped.items():
        found = where[key]
        row["variants"] = "all" if len(found) == len(labels) else ", ".join(x for x in labels if x in found)
    return list(grouped.values())


def variant_rows(score: WorkloadScore) -> list[dict[str, Any]]:
    """The runbook's and exit plan's lines for each variant: where, score, state and what differs."""
    rows = []
    labels = variant_labels(score)
    for v, differs, label in zip(score.variants, differences(score.variants), labels, strict=True):
        parts = []
        if "replicas" in differs:
            parts.append(f"replicas {differs['replicas']}")
        if "images" in differs:
            parts.append("images " + ", ".join(differs["images"]))
        if "patches" in differs:
            parts.append("patched by " + ", ".join(differs["patches"]))
        if "rules" in differs:
            parts.append("only here: " + ", ".join(differs["rules"]))
        rows.append(
            {
                "label": label,
                "configuration": v.variant.configuration,
                "namespace": v.variant.namespace or "",
                "resources": len(v.variant.resources),
                "score": v.score,
                "grade": v.grade,
                "score_if_enabled": v.score_if_enabled,
                "state": v.state,
                "differs": "; ".join(parts),
            }
        )
    return rows
