"""`exitplan diff` output: a pull-request comment (Markdown), JSON, and a table for terminals.

Takes the dict `exitplan.diff.compare` returns. Every name that comes from the inputs goes through
`filters` (Markdown) or `filters.plain` (terminal), so a resource or workload name cannot open HTML,
break a table, forge the comment marker or send escape sequences to a terminal.
"""

from __future__ import annotations

import json
from typing import Any

from .filters import cell, code, md, plain

MARKER = "<!-- exitplan:diff -->"


def render(diff: dict[str, Any], fmt: str) -> str:
    return {"markdown": markdown, "json": to_json, "table": table}[fmt](diff)


def to_json(diff: dict[str, Any]) -> str:
    return json.dumps(diff, indent=2, ensure_ascii=False) + "\n"


def _change(before: Any, after: Any) -> str:
    if isinstance(before, int) and isinstance(after, int) and before != after:
        return f"{before} → {after} ({after - before:+d})"
    return f"{_n(before)} → {_n(after)}"


def _n(value: Any) -> str:
    return "none" if value is None else str(value)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(diff: dict[str, Any]) -> str:
    s = diff["summary"]
    parts = [
        f"estate score {_change(s['score_before'], s['score_after'])}",
        f"{_plural(s['workloads_changed'], 'workload')} changed, {s['workloads_added']} new, "
        f"{s['workloads_removed']} removed, {s['workloads_unchanged']} unchanged",
        f"{_plural(s['findings_added'], 'finding')} added, {s['findings_removed']} removed",
    ]
    return " · ".join(parts)


def _rule_cell(f: dict[str, Any]) -> str:
    label = cell(f.get("rule"))
    if f.get("name"):
        label = f"{label} {md(f['name'])}"
    url = f.get("url")
    return f"[{label}]({url})" if url else label


def _where(f: dict[str, Any]) -> str:
    return code(f"{f.get('file') or '?'}:{f.get('line') or '?'}", in_table=True)


def _findings_table(rows: list[tuple[str, dict[str, Any]]]) -> list[str]:
    lines = ["| | Rule | Resource | Where | Message |", "|---|---|---|---|---|"]
    for change, f in rows:
        if f.get("waived"):
            change += " (waived)"
        lines.append(
            f"| {change} | {_rule_cell(f)} | {code(f.get('resource'), in_table=True) or '—'} | {_where(f)} "
            f"| {cell(f.get('message'))} |"
        )
    return lines


def _grade(side: dict[str, Any]) -> str:
    return f"{_n(side.get('score'))} ({md(side.get('grade')) or '?'})"


def _title(w: dict[str, Any]) -> str:
    title = code(w.get("id"))
    if w.get("renamed_from"):
        title += f" (was {code(w['renamed_from'])})"
    return title


#: GitHub refuses a comment over 65,536 characters; the comment stays under this, workloads past it counted.
COMMENT_LIMIT = 60_000
#: Finding rows shown per changed workload; the rest are counted.
ROWS_PER_WORKLOAD = 50


def _workload_block(w: dict[str, Any]) -> list[str]:
    delta = w.get("delta")
    lines = [f"### {_title(w)}: {_grade(w['before'])} → {_grade(w['after'])}", ""]
    if delta:
        lines += [f"Score {'drops' if delta < 0 else 'rises'} by {abs(delta)}.", ""]
    rows = [("added", f) for f in w["findings_added"]] + [("removed", f) for f in w["findings_removed"]]
    if rows:
        lines += _findings_table(rows[:ROWS_PER_WORKLOAD])
        if len(rows) > ROWS_PER_WORKLOAD:
            lines += ["", f"… and {len(rows) - ROWS_PER_WORKLOAD} more findings on this workload."]
        lines.append("")
    return lines


def _workloads_block(heading: str, workloads: list[dict[str, Any]]) -> list[str]:
    lines = [f"### {heading}", "", "| Workload | Score | Grade | Findings |", "|---|---:|:---:|---:|"]
    for w in workloads:
        lines.append(
            f"| {code(w.get('id'), in_table=True) or '—'} | {_n(w.get('score'))} | {cell(w.get('grade'))} "
            f"| {len(w['findings'])} |"
        )
    return [*lines, ""]


def markdown(diff: dict[str, Any], limit: int = COMMENT_LIMIT) -> str:
    """The pull-request comment: marker, one summary line, changed workloads, then new and removed.

    Blocks that would take the comment past ``limit`` characters are left out and counted in a last line
    (`--format json` has everything)."""
    lines = [MARKER, f"**exitplan** · {summary_line(diff)}", ""]
    if not (diff["changed"] or diff["added"] or diff["removed"]):
        lines += ["No workload's portability changed.", ""]
    blocks = [_workload_block(w) for w in diff["changed"]]
    blocks += [
        _workloads_block(heading, workloads)
        for heading, workloads in (("New workloads", diff["added"]), ("Removed workloads", diff["removed"]))
        if workloads
    ]
    size = sum(len(line) + 1 for line in lines)
    for shown, block in enumerate(blocks):
        block_size = sum(len(line) + 1 for line in block)
        if size + block_size > limit - 200:
            lines.append(
                f"… {len(blocks) - shown} more sections not shown: the comment is kept under {limit:,} "
                "characters; `exitplan diff --format json` lists everything."
            )
            break
        lines += block
        size += block_size
    return "\n".join(lines).rstrip("\n") + "\n"


def table(diff: dict[str, Any]) -> str:
    lines = [summary_line(diff), ""]
    for w in diff["changed"]:
        was = f" (was {plain(w['renamed_from'])})" if w.get("renamed_from") else ""
        before, after = w["before"], w["after"]
        lines.append(
            f"{plain(w.get('id'))}{was}: {_n(before.get('score'))} {plain(before.get('grade'))} → "
            f"{_n(after.get('score'))} {plain(after.get('grade'))}"
        )
        for sign, findings in (("+", w["findings_added"]), ("-", w["findings_removed"])):
            for f in findings:
                lines.append(
                    f"  {sign} {plain(f.get('rule'))}  {plain(f.get('resource'))}  "
                    f"{plain(f.get('file'))}:{_n(f.get('line'))}  {plain(f.get('message'))}"
                    + ("  (waived)" if f.get("waived") else "")
                )
    for label, workloads in (("new", diff["added"]), ("removed", diff["removed"])):
        for w in workloads:
            lines.append(
                f"{label}: {plain(w.get('id'))} {_n(w.get('score'))} {plain(w.get('grade'))} "
                f"({_plural(len(w['findings']), 'finding')})"
            )
    return "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"
