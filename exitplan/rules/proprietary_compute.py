"""Compute that runs only on its cloud's own runtime.

What it detects
    Functions, workflow engines, proprietary container services and PaaS apps (Lambda, Azure Functions,
    Cloud Functions, Step Functions, Logic Apps, App Runner, ECS, Cloud Run v2, App Service) whose
    catalog entry carries medium or high lock-in. Parts that refer to another resource of the same kind
    (a function's permission or event source mapping) are left out: the finding sits on the resource
    the code runs in.

Why it hurts portability
    The code is written against the provider's event model, triggers, runtime limits and IAM. Nothing
    on the target runs it unchanged: the handler must be repackaged and every trigger rewired.

How to migrate
    Package the handler as a container image with an HTTP entry point (Knative Serving or Functions,
    OpenFaaS) or a plain Deployment consuming from an open broker; re-create triggers as broker
    subscriptions or CronJobs; move state machines to Temporal or Argo Workflows.

Example
    ``resource "aws_lambda_function" "thumbnailer" { runtime = "python3.12" ... }``
"""

from ..graph.build import named_addresses
from ..model import Resource
from .base import RuleContext

ID = "EP101"
NAME = "proprietary-compute"
CATEGORY = "compute"
WEIGHT = 30
OPTIONS = {"service_kinds": ["faas", "workflow", "container-service", "paas-app"]}


def check(resource: Resource, context: RuleContext):
    kinds = context.option(ID, OPTIONS, "service_kinds")

    def judged(kind: str | None, _interface: str | None, lockin: str | None) -> bool:
        return kind in kinds and lockin in ("medium", "high")

    if (
        not resource.is_data_source
        and judged(resource.service_kind, resource.interface, resource.lockin)
        and not _is_part(resource, context)
    ):
        yield context.finding(
            ID,
            WEIGHT,
            resource,
            f"{resource.type} runs only on {resource.cloud or 'its provider'}'s runtime: "
            f"{resource.lockin_reason or 'the code and its triggers must change'}",
            evidence=resource.type,
        )
    yield from context.named_service_findings(
        ID,
        WEIGHT,
        resource,
        judged,
        lambda marker: (
            f"{marker.service} named at {marker.path}: it runs only on {marker.cloud}'s runtime. "
            f"{marker.replacement}"
        ),
    )


def _is_part(resource: Resource, context: RuleContext) -> bool:
    """Whether ``resource`` refers to another resource of its own service kind (it configures that one)."""
    prefix = f"{resource.configuration}#"
    for reference in resource.references:
        target = next(
            (
                hit
                for name in named_addresses(reference.target)
                if (hit := context.resources.get(prefix + name))
            ),
            None,
        )
        if target is not None and target.id != resource.id and target.service_kind == resource.service_kind:
            return True
    return False
