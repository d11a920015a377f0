"""`scan --format sarif`: SARIF 2.1.0 as code-scanning services read it (GitHub, GitLab, Azure DevOps).

- `tool.driver` names exitplan with its version and home; `rules` holds every rule that has a result, with
  the rule documentation as `fullDescription` and `help` (text and Markdown) and its docs/rules.md heading
  as `helpUri`.
- each finding is a result at `file` relative to the repository root (the git work tree holding the
  scanned folder; the scanned folder itself outside git), `region.startLine` at least 1;
- `partialFingerprints` hash the rule, resource id and evidence — never the file or line — so moving a
  block or renaming a file keeps an alert's identity;
- waived findings are results with an accepted `external` suppression carrying the waiver's reason.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath

from .. import __version__
from ..api import ScanReport
from ..model import Finding
from ..rules import BY_ID
from .rules_doc import PROJECT_URL, docs_url, rule_doc, rule_url
from .rules_doc import render as rule_markdown

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "exitplan/v1"


def repository_prefix(root: Path) -> str:
    """The scanned root's path inside its git work tree (``""`` at the top or outside git)."""
    root = root.resolve()
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            relative = root.relative_to(folder).as_posix()
            return "" if relative == "." else relative
    return ""


def fingerprint(finding: Finding) -> str:
    text = "\0".join((finding.rule, finding.resource, finding.evidence or ""))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _rule(rule_id: str, base: str) -> dict:
    rule = BY_ID[rule_id]
    doc = rule_doc(rule)
    return {
        "id": rule_id,
        "name": rule.NAME,
        "shortDescription": {"text": doc.split("\n", 1)[0]},
        "fullDescription": {"text": doc},
        "help": {"text": doc, "markdown": rule_markdown(rule_id, "markdown")},
        "helpUri": rule_url(rule_id, rule.NAME, base),
        "defaultConfiguration": {"level": _level(rule.WEIGHT)},
        "properties": {"category": rule.CATEGORY, "weight": rule.WEIGHT, "tags": ["portability"]},
    }


def _level(weight: int) -> str:
    return "warning" if weight >= 15 else "note"


def _result(finding: Finding, index: dict[str, int], prefix: str) -> dict:
    uri = str(PurePosixPath(prefix) / finding.file) if prefix else finding.file
    result = {
        "ruleId": finding.rule,
        **({"ruleIndex": index[finding.rule]} if finding.rule in index else {}),
        "level": _level(finding.weight),
        "message": {"text": finding.message or finding.rule},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(1, finding.line or 1)},
                },
                "logicalLocations": [{"fullyQualifiedName": finding.resource, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint(finding)},
    }
    if finding.conditional:
        # on a resource switched off in the code: what enabling it would add, not a problem today
        result["level"] = "note"
        result["properties"] = {"conditional": True}
    if finding.waived:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": finding.waiver_reason or "waived"}
        ]
    return result


def sarif(report: ScanReport) -> str:
    base = docs_url()
    used = sorted({f.rule for f in report.findings if f.rule in BY_ID})
    index = {rule_id: i for i, rule_id in enumerate(used)}
    prefix = repository_prefix(report.root)
    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "exitplan",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": [_rule(rule_id, base) for rule_id in used],
                    }
                },
                "results": [_result(f, index, prefix) for f in report.findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
