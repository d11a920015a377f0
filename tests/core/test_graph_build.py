from dataclasses import replace

from exitplan.graph.build import base_address, build_graph, terraform_reference_edges, unique_edges
from exitplan.model import Edge, Reference
from tests.factories import tf


def _instance(resource, key):
    address = f"{resource.address}[{key}]"
    return replace(resource, address=address, id=f"{resource.configuration}#{address}")


def test_base_address_drops_every_instance_key():
    assert base_address('module.w["a"].aws_sqs_queue.jobs[0]') == "module.w.aws_sqs_queue.jobs"


def test_a_reference_without_key_reaches_every_instance_and_never_another_configuration():
    subnet = tf("aws_subnet", "private")
    subnets = [_instance(subnet, 0), _instance(subnet, 1)]
    other_env = replace(subnets[0], configuration="staging", id="staging#aws_subnet.private[0]")
    db = replace(
        tf("aws_db_subnet_group", "db"),
        references=(
            Reference("aws_subnet.private", "subnet_ids", 4),
            Reference("aws_subnet.private[1]", "x", 5),
        ),
    )
    edges = list(terraform_reference_edges([*subnets, other_env, db]))
    assert sorted((e.target, e.via, e.line) for e in edges) == [
        ("infra#aws_subnet.private[0]", "subnet_ids", 4),
        ("infra#aws_subnet.private[1]", "subnet_ids", 4),
        ("infra#aws_subnet.private[1]", "x", 5),
    ]


def test_one_edge_per_pair_and_kind_and_the_graph_keeps_them_all():
    a, b = tf("aws_instance", "a"), tf("aws_vpc", "b")
    first = Edge(a.id, b.id, "reference", via="subnet_id", line=3)
    second = Edge(a.id, b.id, "reference", via="vpc_id", line=9)
    other_kind = Edge(a.id, b.id, "depends_on", via="depends_on", line=12)
    kept = unique_edges([second, other_kind, first])
    assert kept == [other_kind, first]
    graph = build_graph([a, b], kept)
    assert [e.kind for e in graph.edges[a.id, b.id]["edges"]] == ["depends_on", "reference"]
