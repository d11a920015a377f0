"""Which resources stand for a service in a runbook, and which are parts that move with it."""

from pathlib import Path

from exitplan.api import ScanReport
from exitplan.model import Edge
from exitplan.render.runbook_view import _main_resources
from tests.factories import tf


def _report(resources, edges):
    return ScanReport(Path("."), (), (), tuple(resources), tuple(edges), (), (), (), {}, 100)


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


def test_the_edges_from_some_resources_come_in_report_order():
    a, b, c = (tf("aws_instance", n) for n in "abc")
    edges = [Edge(c.id, a.id, "reference"), Edge(a.id, b.id, "reference"), Edge(b.id, c.id, "reference")]
    edges.append(Edge(a.id, c.id, "depends_on"))
    report = _report([a, b, c], edges)
    assert report.edges_from([a.id, c.id, a.id]) == [edges[0], edges[1], edges[3]]
    assert report.edges_from([b.id]) == [edges[2]]
    assert report.edges_from(["nowhere"]) == []


def test_the_summary_names_what_the_scan_could_not_assess(tmp_path, exit_plan_summary):
    """A module whose code is not in the scan and a type the catalog does not know are not assessed:
    the executive summary says so, by source, instead of letting a score of 100 speak for them."""
    infra = tmp_path / "infra"
    for unit in ("qa", "prod"):
        (infra / unit).mkdir(parents=True)
        (infra / unit / "main.tf").write_text(
            'module "db" {\n  source = "git::https://git.example.com/modules.git//mysql?ref=v1"\n}\n'
            'resource "aws_shiny_new_service" "x" {}\n'
        )
    summary = exit_plan_summary(infra)
    assert "**Not assessed** (the scores above do not cover these):" in summary
    assert (
        "- 2 module calls whose code is not in the scan, so what they create is not in this plan." in summary
    )
    assert (
        "  - `git::https://git.example.com/modules.git//mysql?ref=v1`: 2 calls (module.db in prod, module.db in qa)"
        in summary
    )
    assert (
        "Resources of types the service catalog does not know (EP603 in the runbooks): `aws_shiny_new_service`."
        in summary
    )
