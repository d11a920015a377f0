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


def test_json_tool_configs_with_comments_are_skipped_not_errors_and_strict_passes(tmp_path):
    # VS Code, dev container and TypeScript configurations are JSON with comments and trailing commas;
    # they were reported as "invalid YAML" errors, so `scan --strict` failed on application repositories.
    fixture = FIXTURES / "jsonc-tool-configs"
    result, resources = _load("jsonc-tool-configs")
    inputs = {i.path: (i.status, i.reason) for i in result.inputs}
    assert inputs == {
        ".devcontainer/devcontainer.json": (
            "skipped",
            "not a Kubernetes manifest (dev container configuration)",
        ),
        ".vscode/extensions.json": ("skipped", "not a Kubernetes manifest (VS Code configuration)"),
        "deploy/orders.yaml": ("parsed", None),
        "src/orders/.vscode/launch.json": ("skipped", "not a Kubernetes manifest (VS Code configuration)"),
        "src/orders/.vscode/tasks.json": ("skipped", "not a Kubernetes manifest (VS Code configuration)"),
        "src/storefront/tsconfig.json": ("skipped", "not a Kubernetes manifest (TypeScript configuration)"),
    }
    assert list(resources) == [".#Deployment/default/orders"]
    code = "from exitplan.cli import main; main()"
    args = ["scan", str(fixture), "--no-cache", "--strict", "-q", "-o", str(tmp_path / "out.txt")]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_broken_json_manifest_stays_an_error_and_unknown_jsonc_is_skipped(tmp_path):
    (tmp_path / "configmap.json").write_text(
        '{\n  // a comment kubectl refuses\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "a"}\n}\n'
    )
    (tmp_path / "cspell.json").write_text('{\n  // words\n  "words": ["exitplan"],\n}\n')
    discovery = discover([str(tmp_path)])
    inputs = {i.path: i for i in load(discovery, discovery.of_format("yaml", "json")).inputs}
    assert inputs["configmap.json"].status == "error"
    assert (inputs["cspell.json"].status, inputs["cspell.json"].reason) == (
        "skipped",
        "not a Kubernetes manifest (not JSON kubectl reads, and no apiVersion with kind)",
    )
