"""Regressions found by scanning public infrastructure code; each fixture is a small self-made stand-in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from exitplan.discover import discover
from exitplan.kubernetes.loader import load

FIXTURES = Path(__file__).parent / "fixtures" / "realworld"


def _load(case: str):
    discovery = discover([str(FIXTURES / case)])
    result = load(discovery, discovery.of_format("yaml", "json"))
    return result, {r.id: r for r in result.resources}


def test_crlf_manifest_with_a_comment_header_scans_in_bounded_time(tmp_path):
    # A license header of CRLF comment lines made the directive check backtrack exponentially: the
    # scan of one 14-line header never finished.
    fixture = FIXTURES / "crlf-comment-header"
    assert b"\r\n" in (fixture / "ledger.yaml").read_bytes()
    out = tmp_path / "report.json"
    code = "from exitplan.cli import main; main()"
    args = ["scan", str(fixture), "--no-cache", "--format", "json", "-o", str(out)]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert [(i["path"], i["status"]) for i in report["inputs"]] == [("ledger.yaml", "parsed")]
    assert sorted((r["address"], r["line"]) for r in report["resources"]) == [
        ("Deployment/default/ledger", 16),
        ("Service/default/ledger", 34),
    ]


def test_top_level_delete_directive_removes_the_resource():
    _, resources = _load("kustomize-delete-directive")
    overlay = sorted(rid for rid in resources if rid.startswith("overlay#"))
    assert overlay == ["overlay#Deployment/default/basket"]
    base = sorted(rid for rid in resources if rid.startswith("base#"))
    assert len(base) == 4


def test_patches_entry_given_as_a_bare_file_name_is_applied():
    result, resources = _load("kustomize-patches-plain-path")
    assert resources["overlay#Deployment/default/pricing"].get("spec", "replicas") == 4
    assert resources["base#Deployment/default/pricing"].get("spec", "replicas") == 1
    inputs = {i.path: i for i in result.inputs}
    patch = inputs["overlay/more-replicas.yaml"]
    assert (patch.status, patch.format) == ("parsed", "kustomize-patch")
