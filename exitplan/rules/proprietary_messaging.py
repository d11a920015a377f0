"""Messaging through a proprietary API.

What it detects
    Queues, topics, event buses and streams that speak only their provider's API: SQS, SNS,
    EventBridge, Kinesis, Service Bus, Event Grid, Event Hubs (native API), Pub/Sub.

Why it hurts portability
    Producers and consumers use the provider's SDK and delivery semantics (visibility timeouts, dead-letter
    redrive, filtering). The target offers open protocols instead, so client code changes.

How to migrate
    Choose an open broker by semantics: RabbitMQ (AMQP) for work queues, Kafka or NATS JetStream for
    streams and fan-out. Dual-publish during the transition, drain the old queues, then switch consumers.
    A queue URL or topic ARN in a setting counts the same, marked inferred.

Example
    ``resource "aws_sqs_queue" "jobs" { visibility_timeout_seconds = 300 }``
"""

from ..model import Resource
from .base import RuleContext

ID = "EP301"
NAME = "proprietary-messaging"
CATEGORY = "messaging"
WEIGHT = 15
OPTIONS = {"service_kinds": ["message-queue", "pubsub", "event-bus", "event-stream"]}


def check(resource: Resource, context: RuleContext):
    kinds = context.option(ID, OPTIONS, "service_kinds")

    def judged(kind: str | None, interface: str | None, _lockin: str | None = None) -> bool:
        return kind in kinds and interface == "proprietary"

    if not resource.is_data_source and judged(resource.service_kind, resource.interface):
        yield context.finding(
            ID,
            WEIGHT,
            resource,
            f"{resource.service_kind} on a proprietary API: "
            f"{resource.lockin_reason or 'producers and consumers must move to an open protocol'}",
            evidence=resource.type,
        )
    yield from context.named_service_findings(
        ID,
        WEIGHT,
        resource,
        judged,
        lambda marker: (
            f"{marker.service} named at {marker.path}: {marker.service_kind} on a proprietary API. "
            f"{marker.replacement}"
        ),
    )
