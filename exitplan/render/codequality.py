"""`scan --format codequality`: GitLab's code-quality report (the Code Climate issue list GitLab reads).

GitLab shows these in the merge request's code-quality widget and on the diff's lines; it takes no SARIF
as a code-quality or SAST report. Unwaived findings only (waived ones are accepted risk, not issues); the
paths and fingerprints are the SARIF ones, so an issue keeps its identity when a block moves.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from ..api import ScanReport
from .sarif import fingerprint, repository_prefix

_SEVERITIES = ((30, "critical"), (15, "major"), (5, "minor"), (0, "info"))


def severity(weight: int) -> str:
    return next(name for floor, name in _SEVERITIES if weight >= floor)


def codequality(report: ScanReport) -> str:
    prefix = repository_prefix(report.root)
    issues = [
        {
            "description": f"{f.rule}: {f.message}",
            "check_name": f.rule,
            "fingerprint": fingerprint(f),
            "severity": severity(f.weight),
            "categories": ["Compatibility"],
            "location": {
                "path": str(PurePosixPath(prefix) / f.file) if prefix else f.file,
                "lines": {"begin": max(1, f.line or 1)},
            },
        }
        for f in report.findings
        if not f.waived
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
