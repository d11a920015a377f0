import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from exitplan.graph.build import build_graph
from exitplan.model import Edge
from exitplan.plan import migration_waves
from tests.factories import tf


def _resources(n):
    return [tf("aws_instance", f"r{i}", service_kind="vm") for i in range(n)]


def test_waves_go_foundations_data_services_edge():
    net = tf("aws_vpc", "net", service_kind="network")
    db = tf("aws_db_instance", "db", service_kind="relational-database")
    bucket = tf("aws_s3_bucket", "other", service_kind="object-storage")
    app = tf("aws_instance", "app", service_kind="vm")
    dns = tf("aws_route53_record", "www", service_kind="dns")
    edges = [Edge(app.id, db.id, "reference"), Edge(db.id, net.id, "reference"), Edge(dns.id, app.id, "x")]
    resources = [net, db, bucket, app, dns]
    waves, broken = migration_waves(build_graph(resources, edges), resources)
    assert [(w.index, w.name, w.resources) for w in waves] == [
        (1, "foundations", (net.id,)),
        (2, "data", (db.id, bucket.id)),
        (3, "services", (app.id,)),
        (4, "edge", (dns.id,)),
    ]
    assert broken == ()


def test_a_dependency_in_a_later_phase_pulls_a_resource_along():
    policy = tf("aws_iam_role_policy", "app", service_kind="identity")
    bucket = tf("aws_s3_bucket", "data", service_kind="object-storage")
    graph = build_graph([policy, bucket], [Edge(policy.id, bucket.id, "reference")])
    waves, _ = migration_waves(graph, [policy, bucket])
    assert [(w.name, w.resources) for w in waves] == [("data", (policy.id, bucket.id))]


def test_a_cycle_is_broken_at_its_inferred_edge_and_reported():
    a, b = tf("aws_instance", "a"), tf("aws_instance", "b")
    explicit = Edge(a.id, b.id, "reference", confidence="explicit")
    inferred = Edge(b.id, a.id, "endpoint", confidence="inferred")
    waves, broken = migration_waves(build_graph([a, b], [explicit, inferred]), [a, b])
    assert broken == (inferred,)
    assert [w.resources for w in waves] == [(a.id, b.id)]


def test_data_sources_never_move():
    data = tf("aws_caller_identity", "me")
    data = data.__class__(**{**data.__dict__, "address": "data.aws_caller_identity.me", "id": "infra#data.x"})
    app = tf("aws_instance", "app")
    waves, _ = migration_waves(build_graph([data, app], [Edge(app.id, data.id, "reference")]), [data, app])
    assert [w.resources for w in waves] == [(app.id,)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=40))
def test_waves_respect_every_edge_that_was_not_broken(pairs):
    resources = _resources(12)
    edges = [Edge(resources[a].id, resources[b].id, "reference") for a, b in pairs if a != b]
    waves, broken = migration_waves(build_graph(resources, edges), resources)
    wave_of = {rid: w.index for w in waves for rid in w.resources}
    assert set(wave_of) == {r.id for r in resources}
    kept = set(edges) - set(broken)
    for edge in kept:
        assert wave_of[edge.target] <= wave_of[edge.source]
    remaining = nx.DiGraph([(e.source, e.target) for e in kept])
    assert nx.is_directed_acyclic_graph(remaining)
