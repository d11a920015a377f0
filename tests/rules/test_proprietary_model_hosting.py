"""EP104 proprietary-model-hosting: hosted AI models, in Terraform and named in settings."""

from pathlib import Path

import pytest

from exitplan.api import scan
from exitplan.graph.build import build_graph
from exitplan.knowledge.targets import load_target
from exitplan.plan import build_plan
from exitplan.rules import proprietary_model_hosting as rule
from tests.factories import tf
from tests.rules.kit import check

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ai-models"


@pytest.fixture(scope="module")
def report():
    return scan([str(FIXTURE)])


def test_hosted_models_in_terraform_and_in_settings_are_found(report):
    found = {(f.resource, f.line, f.confidence) for f in report.findings if f.rule == "EP104"}
    assert found == {
        ("infra#module.openai", 3, "explicit"),  # Azure/openai/azurerm, classified from the module catalog
        ("infra#azurerm_cognitive_account.search_ai", 11, "explicit"),
        ("infra#azurerm_cognitive_deployment.chat", 19, "explicit"),
        ("infra#aws_bedrock_provisioned_model_throughput.claude", 1, "explicit"),
        ("infra#aws_sagemaker_endpoint.ranker", 7, "explicit"),
        ("infra#google_vertex_ai_endpoint.summarizer", 1, "explicit"),
        # settings: the Azure OpenAI endpoint (before the AZURE_OPENAI_* names) and a BEDROCK_* name
        (".#Deployment/assistant/chat-api", 18, "inferred"),
        (".#Deployment/assistant/chat-api", 21, "inferred"),
    }
    # a translation account and a notebook are AI services, but no hosted model; vLLM in the cluster is none
    flagged = {f.resource for f in report.findings if f.rule == "EP104"}
    assert "infra#azurerm_cognitive_account.translator" not in flagged
    assert ".#Deployment/assistant/local-llm" not in flagged


def test_message_names_the_exposure_and_the_service(report):
    by_resource = {(f.resource, f.line): f for f in report.findings if f.rule == "EP104"}
    deployment = by_resource[("infra#azurerm_cognitive_deployment.chat", 19)]
    assert deployment.message.startswith(
        "azurerm_cognitive_deployment hosts AI models: the model and its API belong to azure; "
        "prompts and data are processed under US jurisdiction."
    )
    setting = by_resource[(".#Deployment/assistant/chat-api", 18)]
    assert setting.message.startswith("Azure OpenAI named at spec.template.spec.containers[0].env[0].value")
    assert setting.evidence.endswith(": assistant-prod.openai.azure.com")
    assert setting.weight == rule.WEIGHT == 30


def test_the_workload_pays_the_weight_once(report):
    scores = {s.workload.name: s.score for s in report.workloads}
    assert scores["chat-api"] == 100 - rule.WEIGHT
    assert scores["local-llm"] == 100
    # the translator account nobody uses is listed with the platform, and carries no EP104
    platform = next(s.workload for s in report.workloads if s.workload.role == "platform")
    assert "infra#azurerm_cognitive_account.translator" in platform.resources
    assert not [
        f
        for f in report.findings
        if f.rule == "EP104" and f.resource.endswith("cognitive_account.translator")
    ]


def test_open_or_own_model_services_pass():
    scaleway = tf(
        "scaleway_inference_deployment", "llm", cloud="scaleway", service_kind="ai-ml", lockin="low"
    )
    notebook = tf(
        "aws_sagemaker_notebook_instance", "lab", cloud="aws", service_kind="ai-ml", lockin="medium"
    )
    data = tf("aws_bedrock_custom_model", "m", cloud="aws", service_kind="hosted-ai-model", lockin="high")
    assert check(rule, scaleway, notebook) == set()
    assert check(rule, data) == {("EP104", "infra#aws_bedrock_custom_model.m", 1)}


@pytest.mark.parametrize(
    ("target", "offering", "terraform_type", "managed"),
    [
        ("scaleway", "Managed Inference", "scaleway_inference_deployment", True),
        ("stackit", "AI Model Serving", "stackit_modelserving_token", True),
        ("ovhcloud", "AI Endpoints", None, True),
        ("openstack", "vLLM or KServe", None, False),
        ("upcloud", "vLLM or KServe", "upcloud_kubernetes_node_group", False),
    ],
)
def test_targets_offer_hosted_open_weight_models_or_gpu_nodes(
    report, target, offering, terraform_type, managed
):
    plan = build_plan(load_target(target), report.resources, build_graph(report.resources, report.edges))
    mapping = {m.resource: m for m in plan.mappings}["infra#azurerm_cognitive_deployment.chat"]
    assert (mapping.service_kind, mapping.terraform_type, mapping.managed) == (
        "hosted-ai-model",
        terraform_type,
        managed,
    )
    assert mapping.offering.startswith(offering)


def test_a_target_without_gpus_says_what_to_do_instead(report):
    plan = build_plan(load_target("hetzner"), report.resources, build_graph(report.resources, report.edges))
    mapping = {m.resource: m for m in plan.mappings}["infra#aws_sagemaker_endpoint.ranker"]
    assert mapping.offering is None and "open-weight" in mapping.instead
