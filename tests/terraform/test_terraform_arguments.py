"""References to other resources' configured arguments resolve to their values, as at plan time."""

from __future__ import annotations

import json
import time
from pathlib import Path

from exitplan.discover import discover
from exitplan.model import REDACTED, LoadResult, Unknown
from exitplan.terraform import loader as terraform

FIXTURES = Path(__file__).parent.parent / "fixtures" / "terraform"


def load(path: Path) -> LoadResult:
    return terraform.load(discover([str(path)]))


def attributes(result: LoadResult, address: str) -> dict:
    (found,) = [r for r in result.resources if r.address == address]
    return found.attributes


class TestArguments:
    result = load(FIXTURES / "arguments")

    def test_configured_arguments_of_single_counted_and_for_each_instances(self):
        (environment,) = attributes(self.result, "aws_lambda_function.consumer")["environment"]
        assert environment["variables"] == {
            "BUCKET": "prod-assets",
            "BUCKET_ID": Unknown("aws_s3_bucket.assets.id"),
            "TEAM": "web",
            "ROLE": "prod-api",
            "CLUSTER": "prod-eks",
            "PUBLIC": False,
            "FIRST_CIDR": "10.0.0.0/24",
            "SECOND_NAME": "prod-private-1",
            "REPOSITORY": "prod/api",
            "VPC": "prod-vpc",
            "VPC_ID": Unknown("data.aws_vpc.main.id"),
            "MISSING": Unknown('aws_ecr_repository.service["nope"].name'),
        }
        assert attributes(self.result, "aws_lambda_function.consumer")["function_name"] == "prod-eks-consumer"

    def test_computed_attributes_stay_unknown(self):
        cluster = attributes(self.result, "aws_eks_cluster.main")
        assert cluster["role_arn"] == Unknown("aws_iam_role.api.arn")
        assert cluster["vpc_config"][0]["subnet_ids"] == Unknown("aws_subnet.private[*].id")

    def test_splat_over_counted_instances(self):
        assert attributes(self.result, "aws_ssm_parameter.cidrs")["value"] == "10.0.0.0/24,10.0.1.0/24"

    def test_the_referring_instance_picks_its_own_counterpart(self):
        assert [attributes(self.result, f"aws_route_table_association.private[{i}]") for i in (0, 1)] == [
            {"subnet_id": Unknown("aws_subnet.private[count.index].id"), "route": "prod-private-0"},
            {"subnet_id": Unknown("aws_subnet.private[count.index].id"), "route": "prod-private-1"},
        ]
        assert [
            attributes(self.result, f'aws_ecr_lifecycle_policy.service["{key}"]')["repository"]
            for key in ("api", "worker")
        ] == ["prod/api", "prod/worker"]

    def test_cycles_end_in_unknown(self):
        assert attributes(self.result, "aws_sns_topic.a")["name"] == Unknown('"a-${aws_sqs_queue.b.name}"')
        assert attributes(self.result, "aws_sqs_queue.b")["name"] == Unknown('"b-${aws_sns_topic.a.name}"')
        (queue,) = [r for r in self.result.resources if r.address == "aws_sqs_queue.self"]
        assert queue.expanded is False

    def test_secrets_do_not_travel_through_references(self):
        assert attributes(self.result, "aws_secretsmanager_secret_version.main")["secret_string"] == REDACTED
        assert attributes(self.result, "aws_ssm_parameter.main_copy") == {
            "name": "copy",
            "value": REDACTED,
            "description": REDACTED,
        }
        assert attributes(self.result, "aws_ssm_parameter.legacy_copy") == {
            "name": "legacy",
            "value": REDACTED,
            "description": REDACTED,
            "tags": {"copied": REDACTED, "user": "legacy"},
        }
        assert attributes(self.result, "aws_ssm_parameter.reporting_env") == {
            "name": "reporting-env",
            "value": REDACTED,
            "description": REDACTED,
            "tags": {"DB_PASSWORD": REDACTED, "DB_HOST": "reporting-db"},
        }
        text = "\n".join(repr(r) + json.dumps(r.attributes, default=repr) for r in self.result.resources)
        for literal in ("Literal-Pa55-7731", "Tfvars-Pa55-0042", "Env-Literal-4412"):
            assert literal not in text


def test_references_inside_a_module_instance_use_that_instance(tmp_path):
    (tmp_path / "modules" / "queue").mkdir(parents=True)
    (tmp_path / "modules" / "queue" / "main.tf").write_text(
        'variable "name" {}\n'
        'resource "aws_sqs_queue" "jobs" {\n  name = "${var.name}-jobs"\n}\n'
        'resource "aws_lambda_event_source_mapping" "jobs" {\n'
        "  function_name = aws_sqs_queue.jobs.name\n}\n"
        'output "queue_name" {\n  value = aws_sqs_queue.jobs.name\n}\n'
    )
    (tmp_path / "main.tf").write_text(
        'module "queue" {\n  source   = "./modules/queue"\n  for_each = toset(["a", "b"])\n'
        "  name     = each.key\n}\n"
        'resource "aws_ssm_parameter" "names" {\n  value = module.queue["b"].queue_name\n}\n'
    )
    result = load(tmp_path)
    for key in ("a", "b"):
        mapping = attributes(result, f'module.queue["{key}"].aws_lambda_event_source_mapping.jobs')
        assert mapping["function_name"] == f"{key}-jobs"
    assert attributes(result, "aws_ssm_parameter.names")["value"] == "b-jobs"


def test_long_reference_chains_are_bounded(tmp_path):
    chain = "".join(
        f'resource "aws_ssm_parameter" "p{i}" {{\n  value = aws_ssm_parameter.p{i + 1}.value\n}}\n'
        for i in range(400)
    )
    (tmp_path / "main.tf").write_text(chain + 'resource "aws_ssm_parameter" "p400" {\n  value = "end"\n}\n')
    started = time.monotonic()
    result = load(tmp_path)
    assert time.monotonic() - started < 20
    assert attributes(result, "aws_ssm_parameter.p399")["value"] == "end"
    assert isinstance(attributes(result, "aws_ssm_parameter.p0")["value"], Unknown)
