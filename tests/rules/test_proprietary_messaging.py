"""EP301 proprietary-messaging: queues and topics that speak only their provider's API."""

from exitplan.rules import proprietary_messaging as rule
from tests.factories import tf
from tests.rules.kit import check


def test_a_proprietary_queue_is_reported():
    queue = tf("aws_sqs_queue", "jobs", cloud="aws", service_kind="message-queue", interface="proprietary")
    assert check(rule, queue) == {("EP301", "infra#aws_sqs_queue.jobs", 1)}


def test_open_protocol_brokers_pass():
    broker = tf(
        "aws_mq_broker", "jobs", cloud="aws", service_kind="message-queue", interface="amqp", lockin="low"
    )
    kafka = tf(
        "aws_msk_cluster", "events", cloud="aws", service_kind="kafka", interface="kafka", lockin="low"
    )
    assert check(rule, broker, kafka) == set()
