"""EP501 cloud-identity: pods bound to cloud IAM roles, and the roles themselves."""

from exitplan.rules import cloud_identity as rule
from tests.factories import k8s, tf
from tests.rules.kit import check

ROLE_ARN = "arn:aws:iam::123456789012:role/orders-api"


def test_irsa_and_iam_roles_are_reported():
    account = k8s(
        "ServiceAccount", "orders-api", lines={("metadata", "annotations", "eks.amazonaws.com/role-arn"): 7}
    )
    account.attributes["metadata"]["annotations"] = {"eks.amazonaws.com/role-arn": ROLE_ARN}
    role = tf("aws_iam_role", "orders_api", cloud="aws", service_kind="identity", lockin="high")
    assert check(rule, account, role) == {
        ("EP501", "k8s#ServiceAccount/shop/orders-api", 7),
        ("EP501", "infra#aws_iam_role.orders_api", 1),
    }


def test_plain_accounts_and_policies_pass():
    account = k8s("ServiceAccount", "web")
    policy = tf("aws_iam_role_policy", "orders_api", cloud="aws", service_kind="identity", lockin="high")
    keystone = tf(
        "openstack_identity_application_credential_v3", "app", cloud="openstack", service_kind="identity"
    )
    assert check(rule, account, policy, keystone) == set()
