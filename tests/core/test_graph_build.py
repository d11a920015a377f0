import subprocess
import sys
from dataclasses import replace

from exitplan.graph.build import base_address, build_graph, terraform_reference_edges, unique_edges
from exitplan.graph.needs import Needs
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


def test_the_scans_graph_walks_like_the_networkx_graph_of_the_same_edges():
    a, b, c, d = (tf("aws_instance", n) for n in "abcd")
    outside = tf("aws_vpc", "not-scanned")
    edges = [
        Edge(a.id, c.id, "reference"),
        Edge(a.id, b.id, "reference"),
        Edge(d.id, b.id, "reference"),
        Edge(a.id, c.id, "depends_on"),
        Edge(b.id, b.id, "reference"),  # to itself: no edge
        Edge(c.id, outside.id, "reference"),  # to a resource that is not in the graph: no edge
    ]
    needs, nx_graph = Needs([d, c, b, a], edges), build_graph([d, c, b, a], edges)
    assert list(needs) == list(nx_graph.nodes) == sorted(r.id for r in (a, b, c, d))
    for rid in needs:
        assert list(needs.successors(rid)) == list(nx_graph.successors(rid))
        assert list(needs.predecessors(rid)) == list(nx_graph.predecessors(rid))
    assert list(needs.successors(a.id)) == [c.id, b.id]  # in the order the first edge of each came
    assert list(needs.predecessors(b.id)) == [a.id, d.id]
    assert outside.id not in needs and a.id in needs


def test_a_scan_does_not_import_networkx(tmp_path):
    """Its import costs more than a small scan; only plans and diagrams need graph algorithms."""
    (tmp_path / "main.tf").write_text('resource "aws_sqs_queue" "jobs" {}\n')
    probe = (
        "import sys\n"
        "from exitplan.cli import main\n"
        "try:\n"
        f"    main(['scan', '--no-cache', '--format', 'json', '-o', {str(tmp_path / 'r.json')!r}, {str(tmp_path)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('networkx' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
    assert "aws_sqs_queue" in (tmp_path / "r.json").read_text()
