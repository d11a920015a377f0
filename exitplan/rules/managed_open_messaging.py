"""A managed broker that speaks an open protocol.

What it detects
    Managed Kafka, RabbitMQ (AMQP) and MQTT brokers and streams whose wire protocol is open: MSK,
    Amazon MQ, Event Hubs through its Kafka endpoint, Confluent Cloud and the like.

Why it hurts portability
    Only a little: producers and consumers keep their client libraries. What stays behind is the
    provider's authentication (IAM-only access), its operations (upgrades, scaling, storage) and the
    messages and offsets in flight at cut-over.

How to migrate
    Run the same protocol at the target (the provider's managed Kafka or RabbitMQ, Strimzi or the
    RabbitMQ cluster operator); mirror topics with MirrorMaker 2 or shovel/federate queues, switch
    consumers, then producers, and drain the old broker.

Example
    ``resource "aws_msk_cluster" "events" { kafka_version = "3.6.0" ... }``
"""

from ..model import Resource
from .base import RuleContext

ID = "EP302"
NAME = "managed-open-messaging"
CATEGORY = "messaging"
WEIGHT = 5
OPTIONS = {
    "service_kinds": ["kafka", "message-queue", "pubsub", "event-stream", "event-bus"],
    "interfaces": ["kafka", "amqp", "mqtt", "nats"],
}


def check(resource: Resource, context: RuleContext):
    kinds, interfaces = (context.option(ID, OPTIONS, key) for key in ("service_kinds", "interfaces"))

    def judged(kind: str | None, interface: str | None, lockin: str | None) -> bool:
        return kind in kinds and interface in interfaces and lockin in ("low", "medium")

    if not resource.is_data_source and judged(resource.service_kind, resource.interface, resource.lockin):
        yield context.finding(
            ID,
            WEIGHT,
            resource,
            f"managed {resource.service_kind} on the open {resource.interface} protocol: "
            f"{resource.lockin_reason or 'mirror the topics or queues, then switch consumers and producers'}",
            evidence=f"{resource.type} ({resource.interface})",
        )
    yield from context.named_service_findings(
        ID,
        WEIGHT,
        resource,
        judged,
        lambda marker: (
            f"{marker.service} named at {marker.path}: managed {marker.service_kind} on the open "
            f"{marker.interface} protocol. {marker.replacement}"
        ),
    )
