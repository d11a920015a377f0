"""EP204 object-storage: a cloud bucket on the S3 API, with the settings around it."""

from exitplan.rules import object_storage as rule
from tests.factories import tf
from tests.rules.kit import check, findings

S3 = {"cloud": "aws", "service_kind": "object-storage", "interface": "s3", "lockin": "low"}


def test_a_bucket_and_its_settings_make_one_small_finding():
    bucket = tf("aws_s3_bucket", "assets", stateful=True, **S3)
    policy = tf("aws_s3_bucket_policy", "assets", refs=["aws_s3_bucket.assets"], **{**S3, "lockin": "medium"})
    assert check(rule, bucket, policy) == {("EP204", "infra#aws_s3_bucket.assets", 1)}
    (finding,) = findings(rule, bucket, policy)
    assert finding.weight <= 5
    assert "aws_s3_bucket_policy" in finding.message and "lifecycle" in finding.message


def test_buckets_the_estate_controls_pass():
    swift = tf(
        "openstack_objectstorage_container_v1",
        "assets",
        cloud="openstack",
        service_kind="object-storage",
        interface="swift",
        lockin="none",
        stateful=True,
    )
    proprietary = tf(
        "azurerm_storage_table", "t", service_kind="object-storage", interface="proprietary", stateful=True
    )
    assert check(rule, swift, proprietary) == set()
