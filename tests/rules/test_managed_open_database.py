"""EP202 managed-open-database: a managed engine on an open protocol, a small deduction."""

from exitplan.rules import managed_open_database as rule
from tests.factories import tf
from tests.rules.kit import check, findings


def test_a_managed_postgresql_is_a_small_deduction():
    db = tf(
        "aws_db_instance",
        "orders",
        cloud="aws",
        service_kind="relational-database",
        interface="postgresql",
        lockin="low",
    )
    assert check(rule, db) == {("EP202", "infra#aws_db_instance.orders", 1)}
    assert all(f.weight <= 8 for f in findings(rule, db))


def test_proprietary_and_self_run_databases_pass():
    table = tf(
        "aws_dynamodb_table", "carts", service_kind="nosql-database", interface="proprietary", lockin="high"
    )
    trove = tf(
        "openstack_db_instance_v1",
        "db",
        service_kind="relational-database",
        interface="postgresql",
        lockin="none",
    )
    assert check(rule, table, trove) == set()
