"""`exitplan scan` output: table, json, markdown, SARIF (render/sarif.py) and GitLab code quality."""

from __future__ import annotations

from collections import Counter

from ..api import ScanReport
from .codequality import codequality
from .filters import cell, code
from .json_report import to_json
from .sarif import sarif


def render(report: ScanReport, fmt: str) -> str:
    formats = {
        "table": table,
        "json": to_json,
        "markdown": markdown,
        "sarif": sarif,
        "codequality": codequality,
    }
    return formats[fmt](report)


def table(report: ScanReport) -> str:
    statuses = Counter(i.status for i in report.inputs)
    rows = [("WORKLOAD", "SCORE", "GRADE", "STATE", "FINDINGS", "TOP FINDING")]
    for s in sorted(report.workloads, key=lambda s: (s.score, s.workload.id)):
        top = max(s.active, key=lambda f: (f.weight, f.rule), default=None)
        rows.append(
            (
                s.workload.id,
                str(s.score),
                s.grade,
                s.state,
                str(len(s.active)),
                f"{top.rule} {top.message[:60]}" if top else "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(value.ljust(widths[i]) for i, value in enumerate(row[:-1])) + "  " + row[-1] for row in rows
    ]
    inputs = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
    lines.append("")
    optional = sum(1 for r in report.resources if r.conditional is not None)
    lines.append(
        f"{len(report.resources)} resources, {len(report.edges)} edges, {len(report.workloads)} workloads; "
        f"inputs: {inputs or 'none'}; estate score {report.score}"
        + (f" ({report.score_if_enabled} with the {optional} optional resources enabled)" if optional else "")
    )
    return "\n".join(line.rstrip() for line in lines) + "\n"


def markdown(report: ScanReport) -> str:
    lines = [
        "# exitplan scan",
        "",
        f"Estate score **{report.score}** over {len(report.workloads)} workloads and {len(report.resources)} resources.",
        "",
        "| Workload | Score | Grade | State | Findings |",
        "|---|---:|:---:|---|---:|",
    ]
    for s in sorted(report.workloads, key=lambda s: (s.score, s.workload.id)):
        lines.append(f"| {cell(s.workload.id)} | {s.score} | {s.grade} | {s.state} | {len(s.active)} |")
    lines += ["", "## Findings", "", "| Rule | Resource | Where | Message |", "|---|---|---|---|"]
    for f in report.findings:
        if not f.waived:
            optional = " (optional in the code: does not lower the score)" if f.conditional else ""
            lines.append(
                f"| {f.rule} | {code(f.resource, in_table=True)} | {code(f'{f.file}:{f.line}', in_table=True)} "
                f"| {cell(f.message + optional)} |"
            )
    return "\n".join(lines) + "\n"
