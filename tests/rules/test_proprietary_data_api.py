"""EP201 proprietary-data-api: data behind an API no other provider speaks."""

from exitplan.rules import proprietary_data_api as rule
from tests.factories import tf
from tests.rules.kit import check


def test_a_proprietary_table_is_reported():
    table = tf(
        "aws_dynamodb_table", "carts", cloud="aws", service_kind="nosql-database", interface="proprietary"
    )
    assert check(rule, table) == {("EP201", "infra#aws_dynamodb_table.carts", 1)}


def test_open_protocol_data_services_pass():
    db = tf(
        "aws_db_instance", "orders", cloud="aws", service_kind="relational-database", interface="postgresql"
    )
    bucket = tf("aws_s3_bucket", "assets", cloud="aws", service_kind="object-storage", interface="s3")
    queue = tf("aws_sqs_queue", "jobs", cloud="aws", service_kind="message-queue", interface="proprietary")
    assert check(rule, db, bucket, queue) == set()
