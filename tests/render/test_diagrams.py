"""What the diagrams show: layers as boxes, lock-in colours that agree with the findings, supporting objects
as counts on their workload's node, the size budget, the estate by wave with its cycles explained."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from exitplan.api import scan
from exitplan.cli import main
from exitplan.render.diagram_style import diagram_style
from exitplan.render.diagram_view import resource_diagram
from exitplan.render.filters import mermaid_id

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webshop"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "webshop-openstack"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def report():
    return scan([str(EXAMPLE)], use_cache=False)


def _workload_diagram(report, name):
    score = next(s for s in report.workloads if s.workload.id == name)
    members = set(score.workload.resources)
    shown = members | {e.target for e in report.edges if e.source in members}
    return resource_diagram(report, shown, report.edges, members, score.workload.anchor, name)


def _nodes(diagram):
    return {n["id"]: n for layer in diagram["layers"] for n in layer["nodes"]}


def test_a_workload_is_drawn_in_its_layers_with_the_supporting_objects_as_counts(report):
    text = run("graph", EXAMPLE, "--workload", "orders-api").output
    boxes = re.findall(r'subgraph \w+\["([^"]+)"\]', text)
    assert boxes == ["Kubernetes objects", "Cluster", "Cloud resources managed by Terraform"]
    kubernetes = text.split("subgraph")[1]
    assert "Deployment/webshop/orders-api" in kubernetes and "aws_dynamodb_table" not in kubernetes
    assert "NetworkPolicy/" not in text and "PodDisruptionBudget/" not in text and "ConfigMap/" not in text
    deployment = next(line for line in text.splitlines() if "Deployment/webshop/orders-api" in line)
    assert "+4 policies" in deployment and "+1 autoscaler" in deployment and "+2 config maps" in deployment
    assert "in all 3 variants" in deployment
    # the cross-layer link crosses: from the Kubernetes box to the table in the cloud box
    assert re.search(
        r"Deployment_webshop_orders_api_\w+ -\.->\|uses-table\| terraform_aws_dynamodb_table_carts", text
    )
    # still listed one by one in the runbook's tables
    runbook = (GOLDEN / "workloads" / "orders-api.md").read_text()
    assert "NetworkPolicy/webshop/allow-from-alb" in runbook.split("## Target mapping")[1]


def test_node_colours_follow_the_heaviest_finding_the_score_counts(report):
    diagram = resource_diagram(
        report, [r.id for r in report.resources], report.edges, fold=False, budget=False
    )
    style = diagram_style()
    heaviest = {}
    for f in report.findings:
        if not f.waived and not f.conditional:
            heaviest[f.resource] = max(heaviest.get(f.resource, 0), f.weight)
    nodes = _nodes(diagram)
    assert set(nodes) == {r.id for r in report.resources}
    for rid, node in nodes.items():
        assert node["lockin"] == style.lockin(heaviest.get(rid, 0)).name, rid
    assert nodes["terraform#aws_dynamodb_table.carts"]["lockin"] == "proprietary"
    assert "EP201 −35" in nodes["terraform#aws_dynamodb_table.carts"]["lines"][1]
    assert nodes["terraform#aws_db_instance.orders"]["lockin"] == "managed"
    assert nodes["terraform#aws_dynamodb_table.carts"]["cylinder"]
    classes = {c["name"]: set(c["ids"]) for c in diagram["classes"]}
    assert "terraform#aws_dynamodb_table.carts" in classes["proprietary"]


def test_a_waived_finding_no_longer_colours_its_node(tmp_path):
    import shutil

    estate = tmp_path / "estate"
    shutil.copytree(EXAMPLE, estate)
    (estate / ".exitplan.yaml").write_text(
        'waivers:\n  - rule: EP201\n    resource: "terraform#aws_dynamodb_table.carts"\n'
        "    reason: accepted for the test\n"
    )
    waived = scan([str(estate)], use_cache=False)
    node = _nodes(_workload_diagram(waived, "orders-api"))["terraform#aws_dynamodb_table.carts"]
    assert node["lockin"] != "proprietary" and "EP201" not in " ".join(node["lines"])


def test_beyond_the_budget_nodes_are_grouped_by_service_kind_and_the_dot_graph_has_them_all(tmp_path):
    estate = tmp_path / "estate"
    estate.mkdir()
    queues = "\n".join(
        f'resource "aws_sqs_queue" "q{i:02}" {{\n  name = "jobs-{i:02}"\n}}\n' for i in range(30)
    )
    users = "\n".join(f'resource "aws_iam_user" "u{i:02}" {{\n  name = "ci-{i:02}"\n}}\n' for i in range(30))
    refs = (
        ", ".join(f"aws_sqs_queue.q{i:02}.arn" for i in range(30))
        + ", "
        + ", ".join(f"aws_iam_user.u{i:02}.arn" for i in range(30))
    )
    (estate / "main.tf").write_text(
        queues
        + users
        + 'resource "aws_lambda_function" "worker" {\n  function_name = "worker"\n  role = "x"\n'
        + f'  tags = {{ uses = join(",", [{refs}]) }}\n}}\n'
    )
    report = scan([str(estate)], use_cache=False)
    workload = next(
        s.workload
        for s in report.workloads
        if s.workload.anchor and "aws_lambda_function" in s.workload.anchor
    )
    text = run("graph", estate, "--workload", workload.id).output
    nodes = set(re.findall(r'^\s+(\w+)(?:\["|\[\(")', text, re.M))
    assert len(nodes) <= diagram_style().max_nodes
    # the heaviest lock-in stays visible one by one (SQS: EP301); the portable IAM users are counted
    assert all(f"aws_sqs_queue.q{i:02}<br>" in text for i in range(30))
    assert re.search(r'\["\d+ × identity<br>aws_iam_user\.u\d+, aws_iam_user\.u\d+, …"\]', text)
    assert "aws_lambda_function.worker" in text  # the focus stays itself
    plan = tmp_path / "plan"
    assert run("plan", estate, "--target", "openstack", "--out", plan, "--quiet").exit_code == 0
    runbook = (plan / "workloads" / f"{workload.id}.md").read_text()
    assert f"`exitplan graph --workload {workload.id} --format dot`" in runbook
    dot = run("graph", estate, "--workload", workload.id, "--format", "dot").output
    graph = json.loads(run("graph", estate, "--workload", workload.id, "--format", "json").output)
    for node in graph["nodes"]:
        assert f'"{node["id"]}" [label=' in dot
    assert dot.count(" -> ") == len({(e["from"], e["to"]) for e in graph["edges"]})


def test_the_estate_is_drawn_by_wave_left_to_right_and_its_cycle_is_explained():
    plan = (GOLDEN / "EXIT-PLAN.md").read_text()
    block = plan.split("```mermaid\n")[1].split("```")[0]
    assert block.startswith("flowchart RL\n")  # arrows point to what moves first: foundations on the left
    waves = re.findall(r'subgraph \w+\["Wave (\d) · (\w+)"\]', block)
    assert waves == [("1", "foundations"), ("2", "data"), ("3", "services")]
    foundations = block.split("subgraph")[1]
    services = block.split("subgraph")[3]
    assert mermaid_id("platform-terraform") in foundations and mermaid_id("orders-api") in services
    assert f"{mermaid_id('wave:2')} ~~~ {mermaid_id('wave:1')}" in block
    after = plan.split("```mermaid\n")[1].split("```")[1].split("Findings by rule")[0]
    cycle = [line for line in after.splitlines() if "need each other" in line]
    assert len(cycle) == 1
    assert "eks-cluster-main and platform-terraform need each other" in cycle[0]
    assert "aws\\_eks\\_cluster.main" in cycle[0]  # the resource link that closes the circle


def test_a_diagram_of_hostile_names_has_no_statement_of_theirs():
    hostile = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
    text = run("graph", hostile).output
    statements = re.compile(
        r'^(flowchart \w+|  subgraph \w+\["[^"]*"\]|    direction \w+|    \w+(\["[^"]*"\]|\[\("[^"]*"\)\])'
        r"|  end|  style \w+ [\w:#,-]+|  \w+ (-->|-\.->)(\|[^|]*\|)? \w+|  \w+ ~~~ \w+"
        r"|  classDef \w+ [\w:#,-]+|  class [\w,]+ \w+)$"
    )
    for line in text.splitlines():
        assert statements.match(line), line


def test_the_cycle_note_does_not_depend_on_the_order_the_needs_come_in(report):
    # On eks-blueprints two plans of one tree named different circles: the needs are sets, whose order
    # changes with string hashing from run to run.
    from exitplan.render.diagram_estate import _cycle_notes

    a, b, c = sorted(s.workload.id for s in report.workloads)[:3]
    one = _cycle_notes(report, report.workloads, {a: [b, c], b: [a], c: [a]})
    other = _cycle_notes(report, report.workloads, {c: [a], b: [a], a: [c, b]})
    assert one == other
    assert one[0]["text"].startswith(f"{a}, {b}, {c} need each other: {a} needs {b}")
