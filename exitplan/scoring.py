"""Run the rules, apply waivers, and score each workload (SPEC §5).

Score = 100 minus the weights of the workload's unwaived findings, floored at 0. A rule deducts once
per workload (its heaviest finding there): the score measures which kinds of lock-in a workload has,
the findings list shows how many places carry each. A workload deployed in several variants is scored
per variant; its score is its lowest variant's, its state its most demanding variant's, its effort its
costliest variant's (the work is done once per component, then repeated per configuration). Grade: A ≥ 85, B ≥ 70,
C ≥ 50, D ≥ 30, E below. Effort is a documented estimate from the findings, not a promise:
each finding adds its weight in effort points, each stateful resource 10 more; points map to
S (< 25), M (< 60), L (< 120), XL.

A resource switched off in the code (``Resource.conditional``: ``count = var.enable_x ? 1 : 0`` with
the default ``false``) is not deployed as the code stands: its findings carry ``conditional`` and lower
only ``score_if_enabled`` (every condition taken as true); state, effort and exposure are those of what
the code deploys.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from .config import Config
from .graph.variants import Variant
from .graph.workloads import Workload, variants_of
from .knowledge.data_stores import DataStore
from .model import FINDING_ORDER, Finding, Resource
from .rules import RULES
from .rules.base import RuleContext

GRADES = ((85, "A"), (70, "B"), (50, "C"), (30, "D"), (0, "E"))
EFFORT_SIZES = ((25, "S"), (60, "M"), (120, "L"))


@dataclass(frozen=True)
class Exposure:
    """Who can reach the data and who can switch it off."""

    clouds: tuple[str, ...]  # whose control plane runs it
    jurisdictions: tuple[str, ...]  # the legal seats of those providers
    regions: tuple[str, ...]
    data_locations: tuple[str, ...]  # stateful resource ids
    key_custody: str  # who holds the keys to its data


@dataclass(frozen=True)
class VariantScore:
    """One variant of a workload, judged on its own resources."""

    variant: Variant
    score: int
    grade: str
    state: str
    rules: tuple[str, ...]  # the rules that hold in this variant (unwaived)
    score_if_enabled: int


@dataclass(frozen=True)
class WorkloadScore:
    workload: Workload
    findings: tuple[Finding, ...]  # waived ones included, flagged
    score: int
    grade: str
    state: str  # stateless | owns-state | ephemeral-state | depends-on-state
    effort: str
    effort_points: int
    exposure: Exposure
    data_store: DataStore | None = None  # the data-store role its anchor plays, with the evidence
    #: The score with every condition in the code taken as true (conditional findings counted too).
    score_if_enabled: int = 100
    #: Member ids switched off in the code (``Resource.conditional``).
    conditional: tuple[str, ...] = ()
    variants: tuple[VariantScore, ...] = ()

    @property
    def active(self) -> tuple[Finding, ...]:
        """The findings that count: neither waived nor on a resource switched off in the code."""
        return tuple(f for f in self.findings if not f.waived and not f.conditional)

    @property
    def optional(self) -> tuple[Finding, ...]:
        """Unwaived findings on resources switched off in the code: what enabling them adds."""
        return tuple(f for f in self.findings if not f.waived and f.conditional)

    @property
    def waived(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.waived)


def grade_of(score: int) -> str:
    return next(grade for floor, grade in GRADES if score >= floor)


def run_rules(resources: Sequence[Resource], context: RuleContext, config: Config) -> list[Finding]:
    enabled = [r for r in RULES if config.rules.get(r.ID, {}).get("enabled", True)]
    findings: list[Finding] = []
    for resource in resources:
        for rule in enabled:
            findings.extend(rule.check(resource, context))
    return sorted(set(findings), key=FINDING_ORDER)


def mark_conditional(findings: Iterable[Finding], resources: Mapping[str, Resource]) -> list[Finding]:
    """Findings on resources switched off in the code carry ``conditional``."""
    return [
        replace(f, conditional=True)
        if f.resource in resources and resources[f.resource].conditional is not None
        else f
        for f in findings
    ]


def apply_waivers(
    findings: Iterable[Finding], resources: Mapping[str, Resource], config: Config, today: dt.date
):
    """Findings with waived=True where a live waiver matches; an expired waiver waives nothing."""
    result = []
    for finding in findings:
        address = resources[finding.resource].address if finding.resource in resources else ""
        waiver = next(
            (
                w
                for w in config.waivers
                if w.matches(finding.rule, finding.resource, address) and not w.expired(today)
            ),
            None,
        )
        result.append(replace(finding, waived=True, waiver_reason=waiver.reason) if waiver else finding)
    return result


def score_workloads(
    workloads: Sequence[Workload],
    resources: Mapping[str, Resource],
    findings: Sequence[Finding],
    jurisdictions: Mapping[str, str],
    data_stores: Mapping[str, DataStore] | None = None,
    uses_state: Mapping[str, frozenset[str]] | None = None,
) -> tuple[WorkloadScore, ...]:
    """``data_stores`` maps an anchor's id to the data-store role it plays (``knowledge/data_stores``);
    ``uses_state`` a resource's id to the resources holding data it reads (``api.state_used``)."""
    data_stores = data_stores or {}
    uses_state = uses_state or {}
    by_resource: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_resource[finding.resource].append(finding)
    scores = []
    for workload in workloads:
        everything = [resources[rid] for rid in workload.resources]
        members = [r for r in everything if r.conditional is None]
        own = tuple(
            sorted((f for rid in workload.resources for f in by_resource.get(rid, ())), key=FINDING_ORDER)
        )
        variants = []
        points = 0
        stores: list[DataStore | None] = []
        for variant in variants_of(workload):
            enabled = [f for rid in variant.resources for f in by_resource.get(rid, ()) if not f.waived]
            active = [f for f in enabled if not f.conditional]
            score = max(0, 100 - deduction(active))
            stores.append(data_stores.get(variant.anchor) if variant.anchor else None)
            present = [resources[rid] for rid in variant.resources if resources[rid].conditional is None]
            stateful = [r for r in present if r.stateful]
            points = max(points, sum(f.weight for f in active) + 10 * len(stateful))
            variants.append(
                VariantScore(
                    variant,
                    score,
                    grade_of(score),
                    state_class(variant, present, stores[-1], uses_state),
                    tuple(sorted({f.rule for f in active})),
                    max(0, 100 - deduction(enabled)),
                )
            )
        score = min(v.score for v in variants)
        store = next((x for x in stores if x is not None), None)
        scores.append(
            WorkloadScore(
                workload=workload,
                findings=own,
                score=score,
                grade=grade_of(score),
                state=max((v.state for v in variants), key=STATE_ORDER.index),
                effort=next((size for limit, size in EFFORT_SIZES if points < limit), "XL"),
                effort_points=points,
                exposure=exposure(members, jurisdictions),
                data_store=store,
                score_if_enabled=min(v.score_if_enabled for v in variants),
                conditional=tuple(r.id for r in everything if r.conditional is not None),
                variants=tuple(variants),
            )
        )
    return tuple(scores)


#: State classes from the least to the most demanding: a workload takes its most demanding variant's.
STATE_ORDER = ("stateless", "depends-on-state", "ephemeral-state", "owns-state")


def deduction(findings: Sequence[Finding]) -> int:
    """The points a workload loses: each rule's heaviest unwaived finding, once."""
    heaviest: dict[str, int] = {}
    for finding in findings:
        heaviest[finding.rule] = max(heaviest.get(finding.rule, 0), finding.weight)
    return sum(heaviest.values())


def estate_score(scores: Sequence[WorkloadScore], if_enabled: bool = False) -> int:
    """The mean of the workload scores, weighted by the number of resources each one moves: those the
    code deploys, or (``if_enabled``) every resource with ``score_if_enabled``."""

    def weight(s: WorkloadScore) -> int:
        return len(s.workload.resources) - (0 if if_enabled else len(s.conditional))

    total = sum(weight(s) for s in scores)
    if not total:
        return 100
    return round(sum((s.score_if_enabled if if_enabled else s.score) * weight(s) for s in scores) / total)


#: Stateful, but artefacts rebuilt or copied as digital assets rather than a workload's own data.
ARTEFACT_KINDS = frozenset(
    {"container-registry", "key-management", "secret-manager", "logging", "monitoring"}
)


def state_class(
    workload: Workload | Variant,
    members: Sequence[Resource],
    store: DataStore | None = None,
    uses_state: Mapping[str, frozenset[str]] | None = None,
) -> str:
    """``owns-state`` when a member of its own (not in ``workload.shared``) is stateful, or its data-store role keeps its data on
    persistent storage; ``ephemeral-state`` when it plays a data-store role with its data on ``emptyDir``
    or on no volume; ``depends-on-state`` when a shared member is stateful, or a member reads data another
    workload holds (``uses_state``: the app reading the Secret of an operator's database); ``stateless``
    otherwise."""
    shared = set(workload.shared)
    members = [r for r in members if r.service_kind not in ARTEFACT_KINDS]
    if any(r.stateful and r.id not in shared for r in members):
        return "owns-state"
    if store is not None:
        return "owns-state" if store.persistent else "ephemeral-state"
    if any(r.stateful for r in members):
        return "depends-on-state"
    held = set(workload.resources)
    if uses_state and any(t not in held for r in members for t in uses_state.get(r.id, ())):
        return "depends-on-state"
    return "stateless"


def exposure(members: Sequence[Resource], jurisdictions: Mapping[str, str]) -> Exposure:
    clouds = sorted({r.cloud for r in members if r.cloud})
    keys = sorted(r.id for r in members if r.service_kind == "key-management" and not r.is_data_source)
    if keys:
        custody = "customer-managed keys in the provider's KMS: " + ", ".join(keys)
    elif clouds:
        custody = "provider-managed keys (default encryption) or none found in the code"
    else:
        custody = "no cloud key service found in the code"
    return Exposure(
        clouds=tuple(clouds),
        jurisdictions=tuple(sorted({jurisdictions.get(c, "unknown") for c in clouds})),
        regions=tuple(sorted({r.region for r in members if r.region})),
        data_locations=tuple(sorted(r.id for r in members if r.stateful and not r.is_data_source)),
        key_custody=custody,
    )
