"""EP502 key-custody: keys generated inside the provider's KMS."""

from exitplan.rules import key_custody as rule
from tests.factories import tf
from tests.rules.kit import check


def test_a_provider_key_is_reported():
    key = tf("aws_kms_key", "data", cloud="aws", service_kind="key-management", lockin="high", stateful=True)
    assert check(rule, key) == {("EP502", "infra#aws_kms_key.data", 1)}


def test_aliases_and_keys_the_estate_holds_pass():
    alias = tf("aws_kms_alias", "data", cloud="aws", service_kind="key-management", lockin="high")
    barbican = tf(
        "openstack_keymanager_order_v1",
        "key",
        cloud="openstack",
        service_kind="key-management",
        lockin="none",
    )
    assert check(rule, alias, barbican) == set()
