"""YAML that `kubectl apply` accepts is read, even where libyaml's scanner refuses it (issue 11 §5)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from exitplan.cli import main
from exitplan.kubernetes.yaml_safe import MAX_NODES, load_stream

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "realworld" / "monitoring-probes"


def _scan(path: Path) -> dict:
    result = CliRunner().invoke(main, ["scan", str(path), "--format", "json", "--no-cache"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_monitoring_file_with_host_port_flow_items_is_read_whole():
    report = _scan(FIXTURE)
    inputs = {i["path"]: (i["status"], i.get("reason")) for i in report["inputs"]}
    assert inputs["probes.yaml"] == ("parsed", None)
    by_address = {r["address"]: r for r in report["resources"] if r["file"] == "probes.yaml"}
    assert sorted(by_address) == [
        "PodMonitoring/default/checkout-probe",
        "PodMonitoring/default/storefront-probe",
        "Service/default/blackbox-exporter",
    ]
    assert by_address["PodMonitoring/default/storefront-probe"]["line"] == 3
    assert by_address["Service/default/blackbox-exporter"]["line"] == 37


def test_duplicate_keys_stay_an_error_after_the_retry():
    report = _scan(FIXTURE)
    broken = next(i for i in report["inputs"] if i["path"] == "duplicate-key.yaml")
    assert (broken["status"], broken["reason"], broken["line"]) == ("error", "duplicate key 'target'", 10)
    assert not [r for r in report["resources"] if r["file"] == "duplicate-key.yaml"]


def test_the_retried_document_keeps_values_and_lines():
    stream = load_stream("kind: Probe\nspec:\n  targets: [web:80, api:8080]\n")
    assert stream.error is None
    (document,) = stream.documents
    assert document.value["spec"]["targets"] == ["web:80", "api:8080"]
    assert document.lines[("spec", "targets", 1)] == 3


def test_the_retry_keeps_the_bounds_and_reports_real_syntax_errors():
    bomb = (
        "a: &a [x:1"
        + ", x:1" * 10
        + "]\n"
        + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcde", "bcdef", strict=True))
    )
    assert load_stream(bomb).error.reason == (
        f"more than {MAX_NODES} nodes once aliases are expanded (an alias bomb?)"
    )
    assert load_stream("a: !!python/name:os.system [x:1]\n").error.reason.startswith("unsafe YAML tag")
    unclosed = load_stream("kind: Probe\ntargets: [web:80\n---\nkind: Service\n")
    assert unclosed.error.line == 2 and unclosed.error.reason.startswith("invalid YAML: ")
    assert [d.value for d in unclosed.documents] == [{"kind": "Service"}]
