"""EP302 managed-open-messaging: a managed broker on an open protocol, a small deduction."""

from exitplan.rules import managed_open_messaging as rule
from tests.factories import tf
from tests.rules.kit import check, scan_files


def test_managed_kafka_and_amqp_are_reported(tmp_path):
    msk = 'resource "aws_msk_cluster" "events" {\n  cluster_name  = "events"\n  kafka_version = "3.6.0"\n}\n'
    files = {"main.tf": msk}
    assert scan_files(tmp_path, files, "EP302") == {("EP302", ".#aws_msk_cluster.events", 1)}
    broker = tf(
        "aws_mq_broker", "jobs", cloud="aws", service_kind="message-queue", interface="amqp", lockin="low"
    )
    assert check(rule, broker) == {("EP302", "infra#aws_mq_broker.jobs", 1)}


def test_proprietary_and_self_run_brokers_pass():
    queue = tf(
        "aws_sqs_queue", "jobs", service_kind="message-queue", interface="proprietary", lockin="medium"
    )
    rabbit = tf("rabbitmq_queue", "jobs", service_kind="message-queue", interface="amqp", lockin="none")
    assert check(rule, queue, rabbit) == set()
