"""References that name one instance, or one part of an object, end there and not at everything.

The fixture (tests/fixtures/terraform/narrowing) is a landing zone of the shape that made every reader
depend on every project: module objects passed whole, a shared object of modules, modules indexed by a
literal key and by the calling instance's ``each.value``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exitplan.discover import discover
from exitplan.graph.build import named_addresses, terraform_reference_edges
from exitplan.terraform import loader as terraform

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "terraform" / "narrowing"


@pytest.fixture(scope="module")
def needs() -> dict[str, set[str]]:
    """Resource address → the addresses it needs (Terraform reference edges)."""
    result = terraform.load(discover([str(FIXTURE)]))
    found: dict[str, set[str]] = {}
    for edge in terraform_reference_edges(result.resources):
        found.setdefault(edge.source.split("#", 1)[1], set()).add(edge.target.split("#", 1)[1])
    return found


def _project(team: str) -> str:
    return f'module.projects["{team}"].google_project.this'


def test_a_literal_key_names_one_module_instance(needs):
    assert needs["google_dns_managed_zone.internal"] == {_project("platform")}


def test_an_index_by_the_callers_each_value_names_that_instance(needs):
    # services["checkout"] gets project = module.projects[each.value.team], and its team is "shop"
    run = needs['module.services["checkout"].google_cloud_run_v2_service.this']
    assert _project("shop") in run
    assert not {_project("ledger"), _project("platform")} & run


def test_an_attribute_of_a_shared_object_reaches_that_item_alone(needs):
    # var.shared.network.network_id: the network module's output, not the audit bucket beside it
    run = needs['module.services["invoices"].google_cloud_run_v2_service.this']
    assert "module.network.google_compute_network.shared" in run
    assert "google_storage_bucket.audit" not in run
    sink = needs['module.services["invoices"].google_logging_project_sink.audit']
    assert sink == {"google_storage_bucket.audit", _project("ledger")}


def test_what_an_instance_was_given_keeps_its_own_key(needs):
    # var.project.folder is what module.projects["ledger"] was given: google_folder.team["data"]; the
    # pinned key of the project does not leak onto the folder
    run = needs['module.services["invoices"].google_cloud_run_v2_service.this']
    assert 'google_folder.team["data"]' in run
    assert 'google_folder.team["apps"]' not in run
    assert needs['module.projects["shop"].google_project.this'] == {'google_folder.team["apps"]'}


def test_count_index_names_the_matching_instance(needs):
    assert needs["google_compute_router.edge[0]"] == {"google_compute_subnetwork.edge[0]"}
    assert needs["google_compute_router.edge[1]"] == {"google_compute_subnetwork.edge[1]"}


def test_a_whole_module_object_still_means_every_instance(needs):
    assert needs["google_monitoring_dashboard.services"] == {
        'module.services["checkout"].google_cloud_run_v2_service.this',
        'module.services["invoices"].google_cloud_run_v2_service.this',
    }
    # for_each over every project: what every instance was given is in it, each folder included
    subnet = needs['module.network.google_compute_subnetwork.team["shop"]']
    assert {'google_folder.team["apps"]', 'google_folder.team["data"]'} <= subnet


def test_a_module_indexed_inside_a_module_by_a_literal_key(needs):
    # network reads var.projects["platform"].project_id of the whole module object it was given
    assert needs["module.network.google_compute_network.shared"] == {_project("platform")}


def test_a_target_is_looked_up_precise_first():
    assert named_addresses('module.a["x"].aws_sqs_queue.jobs[0]') == (
        'module.a["x"].aws_sqs_queue.jobs[0]',
        'module.a["x"].aws_sqs_queue.jobs',
        "module.a.aws_sqs_queue.jobs",
    )
    assert named_addresses("aws_sqs_queue.jobs") == ("aws_sqs_queue.jobs",)
