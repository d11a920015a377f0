"""Which resources stand for a service in a runbook, and which are parts that move with it."""

from types import SimpleNamespace

from exitplan.model import Edge
from exitplan.render.runbook_view import _main_resources
from tests.factories import tf


def _report(resources, edges):
    by_id = {r.id: r for r in resources}
    return SimpleNamespace(edges=edges, resource=by_id.__getitem__)


def test_parts_are_the_resources_that_only_name_others_of_their_kind():
    key = tf("aws_kms_key", "data", service_kind="key-management", stateful=True)
    alias = tf("aws_kms_alias", "data", service_kind="key-management")
    db = tf("aws_db_instance", "orders", service_kind="relational-database", stateful=True)
    subnets = tf("aws_db_subnet_group", "orders", service_kind="relational-database")
    oidc = tf("aws_iam_openid_connect_provider", "eks", service_kind="identity")
    role = tf("aws_iam_role", "api", service_kind="identity")
    policy = tf("aws_iam_role_policy", "api", service_kind="identity")
    bucket = tf("aws_s3_bucket", "assets", service_kind="object-storage", stateful=True)
    edges = [
        Edge(alias.id, key.id, "reference"),
        Edge(db.id, subnets.id, "reference"),
        Edge(db.id, key.id, "reference"),
        Edge(role.id, oidc.id, "reference"),
        Edge(policy.id, role.id, "reference"),
        Edge(policy.id, bucket.id, "reference"),
    ]
    resources = [key, alias, db, subnets, oidc, role, policy, bucket]
    main = _main_resources(_report(resources, edges), {r.id for r in resources})
    assert main == {key.id, db.id, oidc.id, role.id, bucket.id}
