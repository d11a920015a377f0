"""Every Terraform reference and edge the loader resolves, on the example estate and every Terraform fixture,
against a recorded copy (tests/fixtures/terraform-reference-sets.json).

The copy was written by the reference follower before it was memoised, so this test shows the faster one
finds exactly the same references (resource, target, kind, attribute, line) and the same edges (source,
target, kind). After a deliberate change to what is resolved, refresh it and review the diff:

    .venv/bin/pytest --update-golden tests/terraform/test_reference_sets.py
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exitplan.discover import discover
from exitplan.graph.build import terraform_reference_edges
from exitplan.terraform import loader as terraform

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "tests" / "fixtures" / "terraform-reference-sets.json"


def _estates() -> list[Path]:
    fixtures = ROOT / "tests" / "fixtures"
    found = [ROOT / "examples" / "webshop", fixtures / "openstack-estate", fixtures / "hostile"]
    found += sorted(p for p in (fixtures / "terraform").iterdir() if p.is_dir())
    return found


def _sets(estate: Path) -> dict:
    result = terraform.load(discover([str(estate)]))
    references = sorted(
        [r.id, ref.target, ref.kind, ref.via, ref.line] for r in result.resources for ref in r.references
    )
    edges = sorted({(e.source, e.target, e.kind) for e in terraform_reference_edges(result.resources)})
    return {
        "resources": sorted(r.id for r in result.resources),
        "references": references,
        "edges": [list(e) for e in edges],
    }


def _name(estate: Path) -> str:
    return estate.relative_to(ROOT).as_posix()


@pytest.fixture(scope="module")
def recorded(request) -> dict:
    if request.config.getoption("--update-golden"):
        current = {_name(estate): _sets(estate) for estate in _estates()}
        RECORD.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return json.loads(RECORD.read_text(encoding="utf-8"))


def test_every_estate_is_recorded(recorded):
    assert sorted(recorded) == sorted(_name(estate) for estate in _estates())


@pytest.mark.parametrize("estate", _estates(), ids=_name)
def test_references_and_edges_unchanged(recorded, estate):
    current = _sets(estate)
    expected = recorded[_name(estate)]
    assert current["resources"] == expected["resources"]
    missing = [r for r in expected["references"] if r not in current["references"]]
    added = [r for r in current["references"] if r not in expected["references"]]
    assert (missing, added) == ([], []), "references differ from the record"
    assert current["edges"] == expected["edges"]


def test_the_module_library_shape_is_resolved_through_whole_module_objects(recorded):
    """The fixture is there for the shapes that made reference following slow; it must resolve through
    them: a service reads ``var.project.project_id`` where ``project = module.projects[each.key]``, and the
    root dashboard reads every service's endpoint through a ``for`` over ``module.services``."""
    edges = {tuple(e) for e in recorded["tests/fixtures/terraform/module-library"]["edges"]}
    run = '.#module.services["shop"].google_cloud_run_v2_service.app'
    assert (run, '.#module.projects["shop"].google_project.this', "module-input") in edges
    assert (".#google_monitoring_dashboard.estate", run, "module-output") in edges
    assert ('.#google_dns_record_set.services["shop"]', run, "module-output") in edges
