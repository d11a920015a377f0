"""IAM policies that grant actions on proprietary APIs.

What it detects
    Permissions in IAM policies and role bindings that name a service API with no open equivalent:
    DynamoDB, SQS, SNS, Kinesis, Lambda or Step Functions actions, Cosmos DB and Service Bus operations,
    Pub/Sub, Spanner or BigQuery roles, and secret or key actions of the provider's stores.

Why it hurts portability
    Each such permission shows code that calls the API it covers. The policy itself cannot be
    translated, and it is an inventory of the client calls that must change with the service.

How to migrate
    Use the policies as a checklist: find the code behind each action, move it to the replacement
    service's client, and grant access with the target service's own users, roles or ACLs.

Example
    ``"Action": ["dynamodb:GetItem", "sqs:SendMessage"]`` in ``aws_iam_role_policy``.
"""

from ..model import Resource
from .base import RuleContext

ID = "EP504"
NAME = "proprietary-iam-actions"
CATEGORY = "identity and keys"
WEIGHT = 3
OPTIONS: dict = {}


def check(resource: Resource, context: RuleContext):
    markers = [m for m in context.markers_of(resource, "iam-action")]
    if not markers:
        return
    actions = sorted({m.value for m in markers})
    shown = ", ".join(actions[:5]) + (f" and {len(actions) - 5} more" if len(actions) > 5 else "")
    first = min(markers, key=lambda m: (m.file, m.line))
    yield context.marker_finding(
        ID, WEIGHT, resource, first, f"grants {shown} on proprietary APIs: {first.replacement}"
    )
