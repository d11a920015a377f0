"""EP504 proprietary-iam-actions: policies granting actions on APIs with no open equivalent."""

from exitplan.rules import proprietary_iam_actions as rule
from tests.factories import tf
from tests.rules.kit import check, findings


def policy(*actions):
    document = {"Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]}
    return tf(
        "aws_iam_role_policy",
        "app",
        cloud="aws",
        service_kind="identity",
        attributes={"policy": document},
        lines={("policy",): 12},
    )


def test_proprietary_actions_make_one_finding_per_policy():
    granted = policy("dynamodb:GetItem", "sqs:SendMessage", "s3:GetObject")
    assert check(rule, granted) == {("EP504", "infra#aws_iam_role_policy.app", 12)}
    (finding,) = findings(rule, granted)
    assert "dynamodb:GetItem" in finding.message and "sqs:SendMessage" in finding.message


def test_open_api_actions_pass():
    assert check(rule, policy("s3:GetObject", "s3:PutObject")) == set()
