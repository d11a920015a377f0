"""Settings that name a managed service are judged by that service's rule and weight, marked inferred."""

from pathlib import Path

import pytest

from exitplan.api import scan
from exitplan.knowledge.service_catalog import load_service_catalog
from exitplan.markers import load_markers
from exitplan.render.json_report import report_dict
from exitplan.rules import BY_ID, RULES
from tests.factories import k8s, pod_spec, tf
from tests.rules.kit import findings

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "settings-coupling"
SERVICE_RULES = ("EP101", "EP104", "EP201", "EP202", "EP204", "EP301", "EP302")


@pytest.fixture(scope="module")
def report():
    return scan([str(FIXTURE)])


def scores(report):
    """Each variant's score: the base and the Spanner overlay are two variants of one cartservice."""
    return {(s.workload.name, v.variant.configuration): v.score for s in report.workloads for v in s.variants}


def test_each_setting_is_judged_by_the_rule_of_the_service_it_names(report):
    found = {(f.rule, f.resource, f.line, f.weight) for f in report.findings if f.confidence == "inferred"}
    assert found == {
        ("EP301", ".#ConfigMap/jobs/worker-config", 7, 15),  # an SQS queue URL
        ("EP201", ".#ConfigMap/jobs/worker-config", 8, 35),  # a DynamoDB table ARN
        ("EP302", ".#Deployment/jobs/notifier", 47, 5),  # a Service Bus namespace (AMQP)
        ("EP201", ".#Deployment/jobs/notifier", 49, 35),  # a Cosmos DB account
        # the component's SPANNER_CONNECTION_STRING: the value is removed as a secret, the name remains
        ("EP201", "cart/overlays/spanner#Deployment/default/cartservice", 18, 35),
    }


def test_messages_name_the_service_and_the_evidence_is_the_value(report):
    by_line = {(f.resource, f.line): f for f in report.findings if f.confidence == "inferred"}
    queue = by_line[(".#ConfigMap/jobs/worker-config", 7)]
    assert queue.message.startswith(
        "Amazon SQS named at data.JOBS_QUEUE_URL: message-queue on a proprietary API"
    )
    assert queue.evidence == "data.JOBS_QUEUE_URL: sqs.eu-west-1.amazonaws.com"
    spanner = by_line[("cart/overlays/spanner#Deployment/default/cartservice", 18)]
    assert spanner.message.startswith("Cloud Spanner named at spec.template.spec.containers[0].env[0].name")
    assert spanner.file == "cart/components/spanner/kustomization.yaml"


def test_score_deltas_are_the_service_rules_weights(report):
    got = scores(report)
    # before: each of these settings was one generic endpoint finding of 3 points
    assert got[("cartservice", "cart/base")] == 100
    assert got[("cartservice", "cart/overlays/spanner")] == 100 - BY_ID["EP201"].WEIGHT  # a blocker
    # SQS 15 + DynamoDB 35 + the Translation API host, whose service cannot be told (EP602, 3)
    assert got[("render-worker", ".")] == 100 - 15 - 35 - 3


def test_a_value_linked_to_the_terraform_resource_is_judged_there_once(report):
    notifier = [f for f in report.findings if f.resource == ".#Deployment/jobs/notifier"]
    # OUTBOX_QUEUE_URL names aws_sqs_queue.outbox: the queue's own EP301 stands, no inferred copy
    assert ("EP301", "explicit") in {
        (f.rule, f.confidence) for f in report.findings if f.resource == "infra#aws_sqs_queue.outbox"
    }
    assert "EP301" not in {f.rule for f in notifier}
    assert not [
        f for f in report.findings if f.rule == "EP602" and f.resource == ".#Deployment/jobs/notifier"
    ]


def test_a_policy_naming_an_arn_is_no_use_of_the_service(report):
    policy = {(f.rule, f.confidence) for f in report.findings if f.resource == "infra#aws_iam_policy.worker"}
    assert policy == {("EP504", "explicit"), ("EP602", "explicit")}


def test_json_report_marks_inferred_findings(report):
    data = report_dict(report)
    marked = [f for w in data["workloads"] for f in w["findings"] if f.get("confidence") == "inferred"]
    plain = [f for w in data["workloads"] for f in w["findings"] if "confidence" not in f]
    assert len({(f["resource"], f["line"]) for f in marked}) == 5 and plain


def test_the_same_value_in_a_lambda_environment_counts_too():
    function = tf(
        "aws_lambda_function",
        "resize",
        cloud="aws",
        service_kind="faas",
        lockin="high",
        attributes={"environment": {"variables": {"EVENTS": "arn:aws:sns:eu-west-1:123456789012:uploads"}}},
    )
    assert {(f.rule, f.confidence) for f in findings(BY_ID["EP301"], function)} == {("EP301", "inferred")}


def test_a_setting_name_alone_names_the_service_once_per_service():
    spec = pod_spec("app:1")
    env = [{"name": "DYNAMODB_TABLE", "value": "carts"}, {"name": "DYNAMO_REGION", "value": "eu-west-1"}]
    spec["template"]["spec"]["containers"][0]["env"] = env
    api = k8s("Deployment", "api", spec=spec)
    (found,) = findings(BY_ID["EP201"], api)
    assert (found.confidence, found.evidence) == (
        "inferred",
        "spec.template.spec.containers[0].env[0].name: DYNAMODB_TABLE",
    )


@pytest.mark.parametrize("spec", [s for s in load_markers().specs if s.service_type], ids=lambda s: s.id)
def test_every_service_a_marker_names_is_judged_by_a_rule(spec):
    entry = load_service_catalog().classify_type(spec.service_type, dict(spec.service_attributes)).entry
    assert entry is not None, f"{spec.id}: {spec.service_type} is not in the service catalog"
    resource = tf(
        spec.service_type,
        "x",
        cloud=spec.cloud,
        service_kind=entry.kind,
        interface=entry.interface,
        lockin=entry.lockin,
        stateful=True,
    )
    judged = {f.rule for rule in RULES if rule.ID in SERVICE_RULES for f in findings(rule, resource)}
    assert judged, f"{spec.id}: no rule judges {spec.service_type} ({entry.kind}, {entry.interface})"


def test_a_bare_google_api_name_is_no_use_of_the_service():
    # VPC Service Controls and google_project_service list API names; only an endpoint names a use
    perimeter = tf(
        "module",
        "perimeter",
        attributes={"restricted_services": ["spanner.googleapis.com", "aiplatform.googleapis.com"]},
    )
    client = k8s("ConfigMap", "ai")
    client.attributes["data"] = {"VERTEX_ENDPOINT": "https://europe-west4-aiplatform.googleapis.com"}
    assert {f.rule for rule in RULES for f in findings(rule, perimeter)} == {"EP602"}
    (found,) = [f for rule in RULES for f in findings(rule, client) if f.rule != "EP602"]
    assert (found.rule, found.confidence) == ("EP104", "inferred")


def test_private_dns_zones_and_blob_downloads_stay_generic():
    zone = tf(
        "azurerm_private_dns_zone",
        "openai",
        cloud="azure",
        service_kind="dns",
        attributes={"name": "privatelink.openai.azure.com"},
    )
    script = tf(
        "azurerm_resource_deployment_script_azure_cli",
        "install",
        cloud="azure",
        attributes={"primary_script_uri": "https://scripts.blob.core.windows.net/public/install.sh"},
    )
    judged = {
        (f.rule, f.resource) for rule in RULES for f in findings(rule, zone, script) if f.rule != "EP603"
    }
    assert judged == {("EP602", zone.id), ("EP602", script.id)}
