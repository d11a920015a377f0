"""`exitplan diff`: what a change does to each workload's portability, as data.

Both sides are report dicts (schema ``exitplan/report/v1``: `scan --format json` output or a plan's
`exitplan.json`). Nothing here scans or renders; `render/diff_view.py` prints the result.

Matching, in this order:
- workloads by their `id`; a workload left over on either side by its `anchor` resource id;
- findings within a matched pair of workloads by rule + resource id, so that moving a block or renaming a
  file (which changes file:line, not the id) is no change. A Kubernetes object whose id changed because its
  manifest moved to another folder (the configuration is part of the id) is matched by rule + address
  (`Kind/namespace/name`) as a second pass.
Only unwaived findings count: a finding that became waived is listed as removed with `waived: true`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .errors import UsageError
from .render.rules_doc import DEFAULT_DOCS_URL, rule_url

SCHEMA = "exitplan/diff/v1"
REPORT_SCHEMA = "exitplan/report/v1"


def load_report_file(path: Path) -> dict[str, Any]:
    """A report file from `scan --format json` or `plan` (`exitplan.json`); anything else is a usage error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the report: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: not a JSON report: {exc.msg}") from None
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema != REPORT_SCHEMA:
        raise UsageError(
            f"{path}: not an exitplan report (schema {schema!r}, expected {REPORT_SCHEMA!r}); "
            "pass a folder to scan, `scan --format json` output or a plan's exitplan.json"
        )
    if not isinstance(data.get("workloads"), list) or not isinstance(data.get("resources", []), list):
        raise UsageError(f"{path}: the report has no `workloads` list")
    return data


def compare(
    base: dict[str, Any],
    head: dict[str, Any],
    *,
    rule_names: dict[str, str] | None = None,
    docs_url: str = DEFAULT_DOCS_URL,
) -> dict[str, Any]:
    """The diff of two reports: summary, changed / added / removed workloads, unchanged counted."""
    names = rule_names or {}
    before_resources = _resources(base)
    after_resources = _resources(head)
    pairs, added, removed = _match_workloads(_workloads(base), _workloads(head))

    def finding(f: dict, resources: dict, **extra) -> dict[str, Any]:
        rule = str(f.get("rule", ""))
        resource = resources.get(f.get("resource"), {})
        entry = {
            "rule": rule,
            "name": names.get(rule),
            "resource": f.get("resource"),
            "address": resource.get("address"),
            "file": f.get("file"),
            "line": f.get("line"),
            "message": f.get("message"),
            "weight": f.get("weight"),
            "url": rule_url(rule, names.get(rule), docs_url),
            **extra,
        }
        return {k: v for k, v in entry.items() if v is not None}

    changed, unchanged = [], 0
    for old, new in pairs:
        gone, came = _match_findings(old, new, before_resources, after_resources)
        became_waived = {_key(f) for f in new.get("findings", []) if f.get("waived")}
        findings_removed = [
            finding(f, before_resources, **({"waived": True} if _key(f) in became_waived else {}))
            for f in gone
        ]
        findings_added = [finding(f, after_resources) for f in came]
        if old.get("score") == new.get("score") and not findings_added and not findings_removed:
            unchanged += 1
            continue
        changed.append(
            {
                "id": new.get("id"),
                "name": new.get("name"),
                "before": _score(old),
                "after": _score(new),
                "delta": _delta(old, new),
                "findings_added": _sorted(findings_added),
                "findings_removed": _sorted(findings_removed),
                **({"renamed_from": old.get("id")} if old.get("id") != new.get("id") else {}),
            }
        )
    changed.sort(key=lambda w: (w["delta"] if w["delta"] is not None else 0, str(w["id"])))
    new_workloads = [_summary(w, after_resources, finding) for w in added]
    old_workloads = [_summary(w, before_resources, finding) for w in removed]
    summary = {
        "score_before": _estate(base),
        "score_after": _estate(head),
        "workloads_changed": len(changed),
        "workloads_unchanged": unchanged,
        "workloads_added": len(new_workloads),
        "workloads_removed": len(old_workloads),
        "findings_added": sum(len(w["findings_added"]) for w in changed)
        + sum(len(w["findings"]) for w in new_workloads),
        "findings_removed": sum(len(w["findings_removed"]) for w in changed)
        + sum(len(w["findings"]) for w in old_workloads),
        "dropped": sorted(str(w["id"]) for w in changed if (w["delta"] or 0) < 0),
    }
    return {
        "schema": SCHEMA,
        "base": _side(base),
        "head": _side(head),
        "summary": summary,
        "changed": changed,
        "added": sorted(new_workloads, key=lambda w: str(w["id"])),
        "removed": sorted(old_workloads, key=lambda w: str(w["id"])),
    }


def gate_failures(diff: dict[str, Any], *, fail_on_drop: bool, fail_under: int | None) -> list[str]:
    """Why `--fail-on-drop` or `--fail-under` (on HEAD's estate score) fails, one line each; empty: passed."""
    summary = diff["summary"]
    failures = []
    if fail_on_drop and summary["dropped"]:
        failures.append(f"score dropped: {', '.join(summary['dropped'])}")
    after = summary["score_after"]
    if fail_under is not None and (after is None or after < fail_under):
        failures.append(f"estate score {after} is below {fail_under}")
    return failures


def _side(report: dict) -> dict[str, Any]:
    tool = report.get("tool") if isinstance(report.get("tool"), dict) else {}
    return {
        "score": _estate(report),
        "workloads": len(_workloads(report)),
        "version": tool.get("version"),
    }


def _estate(report: dict) -> int | None:
    summary = report.get("summary")
    return summary.get("score") if isinstance(summary, dict) else None


def _workloads(report: dict) -> list[dict]:
    return [w for w in report.get("workloads", []) if isinstance(w, dict)]


def _resources(report: dict) -> dict[str, dict]:
    return {r["id"]: r for r in report.get("resources", []) if isinstance(r, dict) and "id" in r}


def _score(workload: dict) -> dict[str, Any]:
    return {"score": workload.get("score"), "grade": workload.get("grade")}


def _delta(old: dict, new: dict) -> int | None:
    a, b = old.get("score"), new.get("score")
    return b - a if isinstance(a, int) and isinstance(b, int) else None


def _summary(workload: dict, resources: dict, finding: Callable) -> dict[str, Any]:
    active = [f for f in workload.get("findings", []) if isinstance(f, dict) and not f.get("waived")]
    return {
        "id": workload.get("id"),
        "name": workload.get("name"),
        **_score(workload),
        "findings": _sorted(finding(f, resources) for f in active),
    }


def _sorted(findings: Iterable[dict]) -> list[dict]:
    return sorted(
        findings,
        key=lambda f: (str(f.get("rule")), str(f.get("resource")), str(f.get("file")), f.get("line") or 0),
    )


def _match_workloads(before: list[dict], after: list[dict]):
    """Pairs by `id`, then by `anchor` among those left; the rest are added or removed."""
    by_id = {w.get("id"): w for w in before}
    pairs, left_after = [], []
    for workload in after:
        old = by_id.pop(workload.get("id"), None)
        if old is None:
            left_after.append(workload)
        else:
            pairs.append((old, workload))
    by_anchor = {w.get("anchor"): w for w in by_id.values() if w.get("anchor")}
    added = []
    for workload in left_after:
        old = by_anchor.pop(workload.get("anchor"), None) if workload.get("anchor") else None
        if old is None:
            added.append(workload)
        else:
            pairs.append((old, workload))
            by_id.pop(old.get("id"), None)
    return pairs, added, list(by_id.values())


def _key(finding: dict) -> tuple:
    return (finding.get("rule"), finding.get("resource"))


def _match_findings(old: dict, new: dict, before_resources: dict, after_resources: dict):
    """The findings only in `old` and only in `new` (unwaived), matched as a multiset."""

    def active(workload):
        return [f for f in workload.get("findings", []) if isinstance(f, dict) and not f.get("waived")]

    def by_address(resources):
        def key(f):
            resource = resources.get(f.get("resource"), {})
            if resource.get("source") != "kubernetes":
                return None
            return (f.get("rule"), resource.get("address"))

        return key

    gone, came = active(old), active(new)
    # Same rule, resource and message first, so that two findings of one rule on one resource pair up
    # with their own counterparts; then rule + resource; then rule + Kubernetes address.
    for key_old, key_new in (
        (lambda f: (*_key(f), f.get("message")), lambda f: (*_key(f), f.get("message"))),
        (_key, _key),
        (by_address(before_resources), by_address(after_resources)),
    ):
        gone, came = _pair_off(gone, came, key_old, key_new)
    return gone, came


def _pair_off(before: list[dict], after: list[dict], key_before: Callable, key_after: Callable):
    waiting: dict[Any, list[dict]] = defaultdict(list)
    for f in before:
        waiting[key_before(f)].append(f)
    unmatched_after = []
    for f in after:
        key = key_after(f)
        bucket = waiting.get(key) if key is not None else None
        if bucket:
            bucket.pop(0)
        else:
            unmatched_after.append(f)
    unmatched_before = [f for bucket in waiting.values() for f in bucket]
    return unmatched_before, unmatched_after
