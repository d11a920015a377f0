"""EP203 data-to-move: every resource holding persistent data, wherever it runs."""

from dataclasses import replace

from exitplan.rules import data_to_move as rule
from tests.factories import k8s, tf
from tests.rules.kit import check


def test_stateful_resources_are_reported():
    volume = tf(
        "openstack_blockstorage_volume_v3",
        "data",
        cloud="openstack",
        service_kind="block-volume",
        stateful=True,
    )
    claim = k8s("PersistentVolumeClaim", "data", stateful=True)
    assert check(rule, volume, claim) == {
        ("EP203", "infra#openstack_blockstorage_volume_v3.data", 1),
        ("EP203", "k8s#PersistentVolumeClaim/shop/data", 1),
    }


def test_stateless_resources_and_data_sources_pass():
    web = k8s("Deployment", "web")
    read = replace(tf("aws_s3_bucket", "logs", stateful=True), address="data.aws_s3_bucket.logs")
    assert check(rule, web, read) == set()
