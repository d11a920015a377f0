"""The whole rule set on three estates: the AWS webshop example, a cloud-neutral app, and OpenStack."""

from pathlib import Path

import pytest

from exitplan.api import scan
from exitplan.rules import BY_ID

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def webshop():
    return scan([str(ROOT / "examples" / "webshop")])


def applications(report):
    return [w for w in report.workloads if w.workload.role == "application"]


def heaviest_per_rule(findings) -> int:
    heaviest: dict[str, int] = {}
    for finding in findings:
        if not finding.waived:
            heaviest[finding.rule] = max(heaviest.get(finding.rule, 0), finding.weight)
    return sum(heaviest.values())


def test_proprietary_data_and_serverless_workloads_rank_lowest(webshop):
    def anchored_on(w, service_kind):
        return w.workload.anchor and webshop.resource(w.workload.anchor).service_kind == service_kind

    table = next(r.id for r in webshop.resources if r.service_kind == "nosql-database")
    worst = [w for w in applications(webshop) if table in w.workload.resources or anchored_on(w, "faas")]
    others = [w for w in applications(webshop) if w not in worst]
    assert {w.workload.name for w in worst} == {"orders-api", "invoices-worker", "thumbnails-worker"}
    assert max(w.score for w in worst) < min(w.score for w in others)
    holder = next(w for w in worst if table in w.workload.resources)
    assert holder.score <= min(w.score for w in worst if w is not holder)


def test_storefront_is_the_most_portable_of_the_shop_services(webshop):
    services = [
        w
        for w in applications(webshop)
        if w.workload.anchor and webshop.resource(w.workload.anchor).type in ("Deployment", "CronJob")
    ]
    assert {w.workload.name for w in services} >= {
        "storefront",
        "catalog-api",
        "orders-api",
        "catalog-feed-export",
    }
    storefront = next(w for w in services if w.workload.name == "storefront")
    assert all(storefront.score > w.score for w in services if w is not storefront)


def test_managed_postgresql_is_a_small_deduction(webshop):
    (database,) = [r for r in webshop.resources if r.service_kind == "relational-database" and r.stateful]
    weights = {f.weight for f in webshop.findings if f.rule == "EP202" and f.resource == database.id}
    assert weights and max(weights) <= 8


def test_every_score_is_traceable_to_its_findings(webshop):
    for workload in webshop.workloads:
        assert workload.score == max(0, 100 - heaviest_per_rule(workload.findings)), workload.workload.name
    for finding in webshop.findings:
        assert finding.rule in BY_ID
        assert (ROOT / "examples" / "webshop" / finding.file).is_file() and finding.line >= 1


def test_the_new_rules_see_the_webshop(webshop):
    rules = {f.rule for f in webshop.findings}
    assert {"EP204", "EP403", "EP503", "EP601", "EP602", "EP701"} <= rules
    assert not rules & {"EP103", "EP302", "EP603", "EP702"}


def test_a_cloud_neutral_app_scores_a_everywhere():
    report = scan([str(ROOT / "tests" / "fixtures" / "neutral")])
    assert report.workloads and all(w.grade == "A" for w in report.workloads)
    # the claim's data must still be copied: that is effort, not lock-in
    assert {(f.rule, f.resource) for f in report.findings} == {
        ("EP203", ".#PersistentVolumeClaim/shop/uploads")
    }


def test_an_openstack_estate_is_not_penalised_for_being_on_openstack():
    report = scan([str(ROOT / "tests" / "fixtures" / "openstack-estate")])
    assert any(r.cloud == "openstack" for r in report.resources)
    assert {f.rule for f in report.findings} <= {"EP203"}
    assert all(w.grade == "A" for w in report.workloads)
