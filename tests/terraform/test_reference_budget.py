"""The budget on reference following: when a configuration uses it up, the scan goes on, keeps every
resource and every direct reference, and says on the configuration where following stopped."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from exitplan.cli import main
from exitplan.discover import discover
from exitplan.terraform import loader as terraform
from exitplan.terraform import references

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "tests" / "fixtures" / "terraform" / "module-library"
SCHEMA = json.loads((ROOT / "docs" / "report-v1.schema.json").read_text())


def _load():
    return terraform.load(discover([str(LIBRARY)]))


def _references(result) -> set[tuple[str, str, str]]:
    return {(r.address, ref.target, ref.kind) for r in result.resources for ref in r.references}


def test_without_a_tight_budget_nothing_is_noted():
    (configuration,) = _load().configurations
    assert configuration.note is None


def test_a_spent_budget_is_noted_and_the_scan_goes_on(monkeypatch):
    complete = _load()
    monkeypatch.setattr(references, "MAX_FOLLOW_STEPS", 4)
    limited = _load()

    (configuration,) = limited.configurations
    note = configuration.note or ""
    assert note.startswith("reference following stopped after 4 steps (the budget per configuration) at ")
    # Which file, line, resource attribute and expression were being followed when it ran out.
    assert "main.tf:" in note and " = " in note
    where = note.split(" at ", 1)[1].split(";")[0]
    file_line, expression = where.split(": ", 1)
    address, traversal = expression.split(" = ")
    assert (LIBRARY / file_line.split(":")[0]).is_file()
    assert any(r.address.startswith(address.rsplit(".", 1)[0].split("[")[0]) for r in limited.resources)
    assert traversal.startswith(("var.", "local.", "module."))

    # Every resource is still there; direct references are still found; what went through module objects
    # after the budget ran out is missing, and nothing was invented.
    assert sorted(r.id for r in limited.resources) == sorted(r.id for r in complete.resources)
    found, everything = _references(limited), _references(complete)
    direct = {ref for ref in everything if ref[2] == "reference"}
    assert direct <= found
    assert found < everything


def test_the_note_is_in_the_json_report_and_fits_the_schema(monkeypatch, tmp_path):
    monkeypatch.setattr(references, "MAX_FOLLOW_STEPS", 4)
    result = CliRunner().invoke(main, ["scan", str(LIBRARY), "--format", "json", "--no-cache"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    (configuration,) = report["configurations"]
    assert configuration["note"].startswith("reference following stopped after 4 steps")
    again = CliRunner().invoke(main, ["scan", str(LIBRARY), "--format", "json", "--no-cache"])
    assert again.stdout == result.stdout
