from exitplan.graph.workloads import Workload
from exitplan.knowledge.data_stores import load_data_stores, recognise
from exitplan.model import Finding
from exitplan.scoring import deduction, grade_of, score_workloads, state_class
from tests.factories import k8s, pod_spec, tf


def test_grades_follow_the_documented_thresholds():
    assert [grade_of(s) for s in (100, 85, 84, 70, 69, 50, 49, 30, 29, 0)] == list("AABBCCDDEE")


def test_a_rule_deducts_once_per_workload_with_its_heaviest_finding():
    findings = [
        Finding("EP301", "a", "f", 1, "q", 15),
        Finding("EP301", "b", "f", 2, "q", 15),
        Finding("EP201", "c", "f", 3, "t", 35),
        Finding("EP203", "c", "f", 3, "d", 3),
    ]
    assert deduction(findings) == 53


def test_waived_findings_do_not_lower_the_score_but_stay_listed():
    table = tf("aws_dynamodb_table", "carts", stateful=True, service_kind="nosql-database")
    workload = Workload("carts", "carts", "infra", "backing-service", table.id, (table.id,))
    active = Finding("EP203", table.id, "f", 1, "data", 3)
    waived = Finding("EP201", table.id, "f", 1, "proprietary", 35, waived=True, waiver_reason="accepted")
    (score,) = score_workloads([workload], {table.id: table}, [active, waived], {"aws": "US"})
    assert (score.score, score.grade) == (97, "A")
    assert score.waived == (waived,)
    assert score.exposure.jurisdictions == ()  # the table has no cloud set in this test


def test_state_classes():
    stores = load_data_stores()
    db = tf("aws_db_instance", "orders", stateful=True, service_kind="relational-database")
    redis_on_emptydir = k8s(
        "Deployment", "cache", spec=pod_spec("redis:7.2-alpine", volumes=[{"emptyDir": {}}])
    )
    web = k8s("Deployment", "web", spec=pod_spec("nginx:1.27"))

    def wl(*members, shared=()):
        return Workload("w", "w", "c", "application", members[0].id, tuple(m.id for m in members), shared)

    assert state_class(wl(web, db), [web, db]) == "owns-state"
    assert state_class(wl(web, db, shared=(db.id,)), [web, db]) == "depends-on-state"
    redis = recognise(redis_on_emptydir, [], stores)
    assert state_class(wl(redis_on_emptydir), [redis_on_emptydir], redis) == "ephemeral-state"
    assert recognise(web, [], stores) is None
    assert state_class(wl(web), [web]) == "stateless"


def test_findings_on_conditional_members_lower_only_the_score_if_enabled():
    from exitplan.model import Condition
    from exitplan.scoring import estate_score, mark_conditional

    flag = Condition("var.use_cosmos ? 1 : 0", "infra/data.tf", 2, ("var.use_cosmos",))
    app = tf("azurerm_linux_web_app", "api", service_kind="paas-app")
    cosmos = tf(
        "azurerm_cosmosdb_account", "chat", stateful=True, service_kind="nosql-database", conditional=flag
    )
    by_id = {app.id: app, cosmos.id: cosmos}
    workload = Workload("api", "api", "infra", "application", app.id, (app.id, cosmos.id))
    findings = mark_conditional(
        [Finding("EP102", app.id, "f", 1, "paas", 20), Finding("EP201", cosmos.id, "f", 2, "nosql", 35)],
        by_id,
    )
    assert [f.conditional for f in findings] == [False, True]
    (score,) = score_workloads([workload], by_id, findings, {})
    assert (score.score, score.score_if_enabled, score.grade) == (80, 45, "B")
    assert score.active == (findings[0],)
    assert score.optional == (findings[1],)
    # what is switched off holds no data yet and costs no effort
    assert (score.state, score.effort_points) == ("stateless", 20)
    assert score.exposure.data_locations == ()
    assert score.conditional == (cosmos.id,)
    # the estate counts the deployed resource only; if enabled, both
    assert estate_score([score]) == 80
    assert estate_score([score], if_enabled=True) == 45
