"""AI models hosted by a cloud: the model and its API are the provider's.

What it detects
    Hosted model services: Azure OpenAI accounts and model deployments (also through registry
    modules), Amazon Bedrock models, agents and knowledge bases, Vertex AI endpoints and agent
    engines, SageMaker endpoints and models; and, marked inferred, settings that name one (an
    ``*.openai.azure.com`` endpoint, a ``bedrock-runtime`` host, an ``AZURE_OPENAI_*`` variable).

Why it hurts portability
    A provider's own models (GPT, Claude, Gemini) exist nowhere else and cannot be exported; every
    prompt and every document sent with it is processed by the provider, under its jurisdiction,
    whatever the region. The application's answers depend on one model's behaviour, so a change of
    model is a change of the product that has to be evaluated, not only re-pointed.

How to migrate
    Pick an open-weight model for each use and evaluate it on your own test set; serve it behind an
    OpenAI-compatible API, on the target's hosted models where it has them or with vLLM or KServe on
    GPU nodes of its Kubernetes; re-embed documents whose vectors came from the old embedding model.

Example
    ``resource "azurerm_cognitive_account" "ai" { kind = "OpenAI" }`` with an
    ``azurerm_cognitive_deployment`` of ``gpt-4o``.
"""

from ..model import Resource
from .base import RuleContext

ID = "EP104"
NAME = "proprietary-model-hosting"
CATEGORY = "compute"
WEIGHT = 30
OPTIONS = {"service_kinds": ["hosted-ai-model"]}


def _judged(kind: str | None, interface: str | None, lockin: str | None, kinds: list) -> bool:
    return kind in kinds and lockin in ("medium", "high")


def _exposure(cloud: str | None, context: RuleContext) -> str:
    seat = context.clouds.get(cloud or "", {}).get("jurisdiction")
    owner = f"belong to {cloud}" if cloud else "belong to the provider"
    where = f"under {seat} jurisdiction" if seat else "under the provider's jurisdiction"
    return f"the model and its API {owner}; prompts and data are processed {where}"


def _what(resource: Resource) -> str:
    return f"module.{resource.name}" if resource.type == "module" else resource.type


def check(resource: Resource, context: RuleContext):
    kinds = context.option(ID, OPTIONS, "service_kinds")
    if not resource.is_data_source and _judged(
        resource.service_kind, resource.interface, resource.lockin, kinds
    ):
        yield context.finding(
            ID,
            WEIGHT,
            resource,
            f"{_what(resource)} hosts AI models: {_exposure(resource.cloud, context)}. "
            f"{resource.lockin_reason or 'Replace the model with an open-weight one and re-evaluate.'}",
            evidence=resource.type,
        )
    yield from context.named_service_findings(
        ID,
        WEIGHT,
        resource,
        lambda k, i, lock: _judged(k, i, lock, kinds),
        lambda marker: (
            f"{marker.service} named at {marker.path}: {_exposure(marker.cloud, context)}. "
            f"{marker.replacement}"
        ),
    )
