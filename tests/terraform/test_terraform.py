"""The Terraform loader on fixtures shaped like real repositories: resources, references, values."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exitplan.discover import discover
from exitplan.model import REDACTED, Configuration, LoadResult, Unknown
from exitplan.terraform import loader as terraform

FIXTURES = Path(__file__).parent.parent / "fixtures" / "terraform"


def load(name: str) -> LoadResult:
    return terraform.load(discover([str(FIXTURES / name)]))


def addresses(result: LoadResult, configuration: str = ".") -> set[str]:
    return {r.address for r in result.resources if r.configuration == configuration}


def edges(result: LoadResult, configuration: str = ".") -> set[tuple[str, str, str]]:
    return {
        (r.address, ref.target, ref.kind)
        for r in result.resources
        if r.configuration == configuration
        for ref in r.references
    }


def resource(result: LoadResult, address: str, configuration: str = "."):
    (found,) = [r for r in result.resources if r.address == address and r.configuration == configuration]
    return found


def dump(result: LoadResult) -> str:
    """Everything a resource stores, as text, to search for leaked secrets."""
    return "\n".join(
        repr(r) + json.dumps(r.attributes, default=repr) + repr(dict(r.lines)) for r in result.resources
    )


class TestServerless:
    result = load("serverless")

    def test_resources(self):
        assert addresses(self.result) == {
            'aws_sqs_queue.jobs["exports"]',
            'aws_sqs_queue.jobs["thumbnails"]',
            "data.aws_iam_policy_document.assume",
            "aws_iam_role.worker",
            "aws_iam_role_policy.worker",
            "aws_lambda_function.worker",
            'aws_lambda_event_source_mapping.jobs["exports"]',
            'aws_lambda_event_source_mapping.jobs["thumbnails"]',
            "aws_cloudwatch_log_group.us_audit",
        }
        assert self.result.configurations == (Configuration(".", "terraform", "terraform-root"),)

    def test_references_include_heredoc_environment_and_depends_on(self):
        assert edges(self.result) == {
            ("aws_iam_role.worker", "data.aws_iam_policy_document.assume", "reference"),
            ("aws_iam_role_policy.worker", "aws_iam_role.worker", "reference"),
            ("aws_iam_role_policy.worker", 'aws_sqs_queue.jobs["thumbnails"]', "reference"),
            ("aws_lambda_function.worker", "aws_iam_role.worker", "reference"),
            ("aws_lambda_function.worker", 'aws_sqs_queue.jobs["thumbnails"]', "reference"),
            ('aws_lambda_event_source_mapping.jobs["exports"]', 'aws_sqs_queue.jobs["exports"]', "reference"),
            ('aws_lambda_event_source_mapping.jobs["exports"]', "aws_lambda_function.worker", "reference"),
            (
                'aws_lambda_event_source_mapping.jobs["thumbnails"]',
                'aws_sqs_queue.jobs["thumbnails"]',
                "reference",
            ),
            ('aws_lambda_event_source_mapping.jobs["thumbnails"]', "aws_lambda_function.worker", "reference"),
            ("aws_cloudwatch_log_group.us_audit", "aws_lambda_function.worker", "depends_on"),
        }
        lambda_refs = resource(self.result, "aws_lambda_function.worker").references
        assert {(r.target, r.via, r.line) for r in lambda_refs} == {
            ("aws_iam_role.worker", "role", 67),
            ('aws_sqs_queue.jobs["thumbnails"]', "environment.variables", 74),
        }
        policy_refs = resource(self.result, "aws_iam_role_policy.worker").references
        assert ('aws_sqs_queue.jobs["thumbnails"]', "policy", 59) in {
            (r.target, r.via, r.line) for r in policy_refs
        }

    def test_tfvars_precedence_locals_and_for_each_keys(self):
        # default "dev" < terraform.tfvars "test" < prod.auto.tfvars "prod"
        assert resource(self.result, "aws_lambda_function.worker").get("function_name") == "acme-prod-worker"
        assert resource(self.result, 'aws_sqs_queue.jobs["exports"]').get("name") == "acme-prod-exports"
        assert (
            resource(self.result, "aws_lambda_function.worker").get("environment", 0, "variables", "STAGE")
            == "prod"
        )

    def test_regions_from_default_and_aliased_provider(self):
        assert (
            resource(self.result, "aws_lambda_function.worker").region == "eu-central-1"
        )  # from terraform.tfvars
        assert resource(self.result, "aws_cloudwatch_log_group.us_audit").region == "us-east-1"

    def test_nested_blocks_and_unknowns(self):
        policy = resource(self.result, "data.aws_iam_policy_document.assume")
        assert policy.type == "aws_iam_policy_document"
        assert policy.get("statement", 0, "principals", 0, "identifiers") == ["lambda.amazonaws.com"]
        assert policy.lines[("statement", 0, "principals", 0, "type")] == 40
        assert resource(self.result, "aws_iam_role.worker").get("assume_role_policy") == Unknown(
            "data.aws_iam_policy_document.assume.json"
        )

    def test_for_each_over_a_resource_has_its_instance_keys(self):
        for key in ("exports", "thumbnails"):
            mapping = resource(self.result, f'aws_lambda_event_source_mapping.jobs["{key}"]')
            assert mapping.expanded is True
            assert mapping.get("event_source_arn") == Unknown("each.value.arn")  # computed by AWS

    def test_secret_in_environment_is_removed(self):
        variables = resource(self.result, "aws_lambda_function.worker").get("environment", 0, "variables")
        assert variables["API_TOKEN"] == REDACTED
        assert "tok-live-9f8e7d6c5b4a" not in dump(self.result)

    def test_positions(self):
        queue = resource(self.result, 'aws_sqs_queue.jobs["thumbnails"]')
        assert (queue.file, queue.line, queue.lines[("visibility_timeout_seconds",)]) == ("main.tf", 30, 33)
        assert queue.id == '.#aws_sqs_queue.jobs["thumbnails"]'

    def test_inputs(self):
        assert {(i.path, i.format, i.status) for i in self.result.inputs} == {
            ("main.tf", "terraform", "parsed"),
            ("variables.tf", "terraform", "parsed"),
            ("terraform.tfvars", "tfvars", "parsed"),
            ("prod.auto.tfvars", "tfvars", "parsed"),
        }


class TestEks:
    def test_registry_modules_unresolved(self):
        result = load("eks-registry")
        assert addresses(result) == {"module.vpc", "module.eks", "aws_iam_role.irsa_orders"}
        assert edges(result) == {
            ("module.eks", "module.vpc", "module-output"),
            ("aws_iam_role.irsa_orders", "module.eks", "module-output"),
        }
        vpc = resource(result, "module.vpc")
        assert (vpc.type, vpc.name, vpc.module) == ("module", "vpc", None)
        assert vpc.get("source") == "terraform-aws-modules/vpc/aws"
        assert vpc.get("version") == "5.8.1"
        assert vpc.get("private_subnets") == ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]
        assert resource(result, "module.eks").get("eks_managed_node_groups") == {
            "default": {"instance_types": ["m6i.large"], "min_size": 2}
        }

    def test_downloaded_modules_followed(self):
        result = load("eks-downloaded")
        node_group = 'module.eks.module.node_group["default"].aws_eks_node_group.this'
        assert addresses(result) == {
            "module.vpc",
            "aws_iam_role.irsa_orders",
            "module.eks.aws_iam_role.cluster",
            "module.eks.aws_eks_cluster.this",
            "module.eks.aws_iam_openid_connect_provider.oidc",
            node_group,
        }
        assert edges(result) == {
            ("aws_iam_role.irsa_orders", "module.eks.aws_iam_openid_connect_provider.oidc", "module-output"),
            ("module.eks.aws_eks_cluster.this", "module.eks.aws_iam_role.cluster", "reference"),
            ("module.eks.aws_eks_cluster.this", "module.vpc", "module-input"),
            (
                "module.eks.aws_iam_openid_connect_provider.oidc",
                "module.eks.aws_eks_cluster.this",
                "reference",
            ),
            (node_group, "module.eks.aws_eks_cluster.this", "module-input"),
        }
        cluster = resource(result, "module.eks.aws_eks_cluster.this")
        assert (cluster.file, cluster.line, cluster.module) == (
            ".terraform/modules/eks/main.tf",
            24,
            "module.eks",
        )
        assert cluster.get("version") == "1.29"
        assert cluster.region == "eu-west-1"
        group = resource(result, node_group)
        assert group.module == 'module.eks.module.node_group["default"]'
        assert group.get("instance_types") == ["m6i.large"]
        assert {(i.path, i.status) for i in result.inputs} == {
            ("main.tf", "parsed"),
            (".terraform/modules/eks/main.tf", "parsed"),
            (".terraform/modules/eks/modules/node-group/main.tf", "parsed"),
        }


class TestNestedModules:
    result = load("nested")
    db = "module.app.module.database.aws_db_instance.this"
    subnets = "module.app.module.database.module.network.aws_db_subnet_group.this"

    def test_three_levels_deep(self):
        assert addresses(self.result) == {
            "aws_kms_key.data",
            "aws_route53_record.db",
            "module.app.aws_ecs_cluster.this",
            self.db,
            self.subnets,
        }
        assert [c.path for c in self.result.configurations] == ["."]

    def test_inputs_and_outputs_followed(self):
        assert edges(self.result) == {
            ("aws_route53_record.db", self.db, "module-output"),
            (self.db, "aws_kms_key.data", "module-input"),
            (self.db, self.subnets, "module-output"),
        }

    def test_values_through_module_inputs(self):
        db = resource(self.result, self.db)
        assert db.get("identifier") == "orders-db"
        assert resource(self.result, self.subnets).get("name") == "orders-db-subnets"
        assert (db.file, db.line, db.lines[("engine",)]) == ("modules/app/database/main.tf", 10, 12)

    def test_sensitive_variable_never_stored(self):
        db = resource(self.result, self.db)
        assert db.get("password") == REDACTED
        assert db.get("connection_hint") == REDACTED
        assert "Sup3rS3cret!db" not in dump(self.result)


class TestMultipleEnvironments:
    result = load("multi-env")

    @pytest.mark.parametrize("env,region", [("prod", "eu-central-1"), ("staging", "eu-west-1")])
    def test_each_env_is_a_root_with_the_shared_module_expanded(self, env, region):
        config = f"envs/{env}"
        assert addresses(self.result, config) == {
            "aws_sns_topic.alerts",
            'module.queue_worker.aws_sqs_queue.jobs["exports"]',
            'module.queue_worker.aws_sqs_queue.jobs["thumbnails"]',
            'module.queue_worker.aws_sqs_queue_policy.jobs["exports"]',
            'module.queue_worker.aws_sqs_queue_policy.jobs["thumbnails"]',
        }
        assert edges(self.result, config) == {
            ("aws_sns_topic.alerts", "module.queue_worker.aws_sqs_queue.jobs", "module-output"),
            (
                'module.queue_worker.aws_sqs_queue_policy.jobs["exports"]',
                'module.queue_worker.aws_sqs_queue.jobs["exports"]',
                "reference",
            ),
            (
                'module.queue_worker.aws_sqs_queue_policy.jobs["thumbnails"]',
                'module.queue_worker.aws_sqs_queue.jobs["thumbnails"]',
                "reference",
            ),
        }
        queue = resource(self.result, 'module.queue_worker.aws_sqs_queue.jobs["thumbnails"]', config)
        assert queue.get("name") == f"{env}-thumbnails"
        assert queue.get("message_retention_seconds") == 86400
        assert queue.region == region
        assert queue.id == f'{config}#module.queue_worker.aws_sqs_queue.jobs["thumbnails"]'
        assert queue.file == "modules/queue-worker/main.tf"

    def test_configurations(self):
        assert self.result.configurations == (
            Configuration("envs/prod", "terraform", "terraform-root"),
            Configuration("envs/staging", "terraform", "terraform-root"),
        )


class TestAzure:
    result = load("azure")

    def test_generic_resources_keep_their_service_strings(self):
        assert addresses(self.result) == {
            "azurerm_resource_group.main",
            "azapi_resource.aks",
            "azurerm_mssql_server.sql",
            "helm_release.ingress",
        }
        aks = resource(self.result, "azapi_resource.aks")
        assert aks.get("type") == "Microsoft.ContainerService/managedClusters@2024-02-01"
        assert aks.get("body", "properties", "agentPoolProfiles", 0, "vmSize") == "Standard_D4s_v5"
        helm = resource(self.result, "helm_release.ingress")
        assert helm.get("chart") == "ingress-nginx"
        assert helm.get("values") == ["controller:\n  replicaCount: 2\n"]

    def test_references(self):
        assert edges(self.result) == {
            ("azapi_resource.aks", "azurerm_resource_group.main", "reference"),
            ("azurerm_mssql_server.sql", "azurerm_resource_group.main", "reference"),
            ("helm_release.ingress", "azapi_resource.aks", "depends_on"),
        }

    def test_secrets_removed(self):
        assert (
            resource(self.result, "azurerm_mssql_server.sql").get("administrator_login_password") == REDACTED
        )
        helm = resource(self.result, "helm_release.ingress")
        assert helm.get("set", 0, "name") == "controller.admissionWebhooks.token"
        assert helm.get("set", 0, "value") == REDACTED
        assert helm.get("set_sensitive", 0, "value") == REDACTED
        text = dump(self.result)
        for secret in ("P@ssw0rd-Azure-42", "helm-t0ken-value", "helm-sens-value"):
            assert secret not in text

    def test_region_from_location(self):
        assert resource(self.result, "azurerm_resource_group.main").region == "westeurope"


class TestGcp:
    result = load("gcp")

    def test_for_each_over_a_map_and_dynamic_blocks(self):
        assert addresses(self.result) == {
            'google_storage_bucket.this["assets"]',
            'google_storage_bucket.this["invoices"]',
            "google_compute_firewall.web",
            'google_storage_bucket_iam_member.reader["assets"]',
            'google_storage_bucket_iam_member.reader["invoices"]',
            "google_service_account.app",
            "kubernetes_manifest.config",
        }
        invoices = resource(self.result, 'google_storage_bucket.this["invoices"]')
        assert invoices.get("location") == "EU"
        assert invoices.get("versioning") == [{"enabled": True}]
        assert invoices.region == "europe-west3"
        firewall = resource(self.result, "google_compute_firewall.web")
        assert firewall.get("allow") == [
            {"protocol": "tcp", "ports": ["443"]},
            {"protocol": "tcp", "ports": ["80"]},
        ]
        assert firewall.lines[("allow", 1, "ports")] == 35

    def test_references(self):
        assert edges(self.result) == {
            *(
                (f'google_storage_bucket_iam_member.reader["{key}"]', target, "reference")
                for key in ("assets", "invoices")
                for target in ("google_service_account.app", f'google_storage_bucket.this["{key}"]')
            ),
            ("kubernetes_manifest.config", 'google_storage_bucket.this["invoices"]', "reference"),
        }
        reader = resource(self.result, 'google_storage_bucket_iam_member.reader["invoices"]')
        assert reader.get("bucket") == "acme-invoices"
        manifest = resource(self.result, "kubernetes_manifest.config")
        assert manifest.get("manifest", "metadata") == {"name": "app", "namespace": "shop"}
        assert {(r.via, r.line) for r in manifest.references} == {("manifest", 56)}


def test_tofu_file_overrides_tf_of_same_basename():
    result = load("tofu")
    assert addresses(result) == {"aws_s3_bucket.logs", "aws_s3_bucket_versioning.logs"}
    logs = resource(result, "aws_s3_bucket.logs")
    assert (logs.file, logs.get("bucket")) == ("main.tofu", "logs-tofu")
    assert edges(result) == {("aws_s3_bucket_versioning.logs", "aws_s3_bucket.logs", "reference")}


def test_terraform_011_file_is_reported():
    result = load("legacy-011")
    (record,) = result.inputs
    assert (record.status, record.line) == ("error", 14)
    assert "Terraform 0.11" in record.reason
    # count = "${var.count}" with the default "2": Terraform converts the string, so two instances
    assert addresses(result) == {"aws_eip.web[0]", "aws_eip.web[1]"}


def test_syntax_error_keeps_blocks_before_and_after():
    result = load("broken")
    assert addresses(result) == {"aws_s3_bucket.before", "aws_s3_bucket.after", "aws_sns_topic.fine"}
    assert edges(result) == {("aws_s3_bucket.after", "aws_s3_bucket.before", "reference")}
    assert {(i.path, i.status, i.line) for i in result.inputs} == {
        ("main.tf", "error", 6),
        ("ok.tf", "parsed", None),
    }
    assert resource(result, "aws_s3_bucket.after").line == 10


def test_tf_json():
    result = load("tf-json")
    assert addresses(result) == {"aws_dynamodb_table.orders", "aws_lambda_function.api"}
    assert edges(result) == {
        ("aws_lambda_function.api", "aws_dynamodb_table.orders", "reference"),
        ("aws_lambda_function.api", "aws_dynamodb_table.orders", "depends_on"),
    }
    table = resource(result, "aws_dynamodb_table.orders")
    assert (table.get("name"), table.region, table.line) == ("shop-prod-orders", "eu-north-1", 14)
    api = resource(result, "aws_lambda_function.api")
    assert api.get("environment", "variables", "KEY") == REDACTED
    assert "json-api-key-123" not in dump(result)
    assert {(r.via, r.line) for r in api.references} == {("environment", 23), ("depends_on", 24)}


def test_every_file_gets_an_input_record(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "a" {\n  bucket = "a"\n}\n')
    (tmp_path / "binary.tf").write_bytes(b"\x00\x01resource")
    (tmp_path / "latin.tf").write_bytes(b'variable "x" { default = "caf\xe9" }\n')
    (tmp_path / "bad.tf.json").write_text('{"resource": ')
    (tmp_path / "empty.tf").write_text("")
    result = terraform.load(discover([str(tmp_path)]))
    assert {(i.path, i.status) for i in result.inputs} == {
        ("main.tf", "parsed"),
        ("binary.tf", "error"),
        ("latin.tf", "error"),
        ("bad.tf.json", "error"),
        ("empty.tf", "parsed"),
    }
    assert addresses(result) == {"aws_s3_bucket.a"}


def test_cyclic_locals_and_module_self_calls_end(tmp_path):
    (tmp_path / "main.tf").write_text(
        'locals {\n  a = local.b\n  b = "${local.a}-x"\n}\n'
        'module "self" {\n  source = "./"\n}\n'
        'resource "aws_s3_bucket" "c" {\n  bucket = local.a\n}\n'
    )
    result = terraform.load(discover([str(tmp_path)]))
    bucket = resource(result, "aws_s3_bucket.c")
    assert isinstance(bucket.get("bucket"), Unknown)
    assert addresses(result) == {"aws_s3_bucket.c", "module.self"}


def test_deep_json_is_an_input_error(tmp_path):
    (tmp_path / "deep.tf.json").write_text('{"locals": {"a": ' + "[" * 900 + "]" * 900 + "}}")
    result = terraform.load(discover([str(tmp_path)]))
    assert [(i.path, i.status, i.reason) for i in result.inputs] == [
        ("deep.tf.json", "error", "JSON nested too deeply")
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(
        alphabet=st.sampled_from(
            list('resource module "ab" source=./{}[]()\n${}%<EOT-.*,:?!0123#var.local.each')
        ),
        max_size=300,
    )
)
def test_loader_never_raises_on_garbage(tmp_path, text):
    (tmp_path / "main.tf").write_text(text)
    result = terraform.load(discover([str(tmp_path)]))
    assert [i.path for i in result.inputs] == ["main.tf"]


class TestForEachOverResources:
    """``for_each = aws_ecr_repository.service``: one instance per key, each tied to its own instance."""

    result = load("for-each-resource")

    def references(self, address: str) -> set[tuple[str, str, str]]:
        return {(r.target, r.via, r.kind) for r in resource(self.result, address).references}

    def test_instances_of_the_resource_iterated(self):
        found = addresses(self.result)
        assert {a for a in found if a.startswith("aws_ecr_lifecycle_policy.service")} == {
            'aws_ecr_lifecycle_policy.service["catalog-api"]',
            'aws_ecr_lifecycle_policy.service["orders-api"]',
            'aws_ecr_lifecycle_policy.service["storefront"]',
        }
        assert {a for a in found if a.startswith("aws_ecr_repository_policy.pull")} == {
            'aws_ecr_repository_policy.pull["catalog-api"]',
            'aws_ecr_repository_policy.pull["storefront"]',
        }
        assert {a for a in found if a.startswith("aws_nat_gateway.zone")} == {
            'aws_nat_gateway.zone["0"]',
            'aws_nat_gateway.zone["1"]',
        }
        assert {a for a in found if a.startswith("aws_ecr_lifecycle_policy.team")} == {
            'aws_ecr_lifecycle_policy.team["billing"]',
            'aws_ecr_lifecycle_policy.team["search"]',
        }
        keys = [
            r.address for r in self.result.resources if r.address.startswith("aws_ecr_lifecycle_policy.s")
        ]
        assert keys == sorted(keys)
        assert all(
            resource(self.result, a).expanded for a in found if "loop" not in a and "route53_r" not in a
        )

    def test_each_value_reads_the_configured_arguments_of_that_instance(self):
        for key in ("catalog-api", "orders-api", "storefront"):
            policy = resource(self.result, f'aws_ecr_lifecycle_policy.service["{key}"]')
            assert policy.get("repository") == f"webshop/{key}"
        pull = resource(self.result, 'aws_ecr_repository_policy.pull["storefront"]')
        assert pull.get("repository") == "webshop/storefront"
        assert pull.get("tags") == {
            "repository_arn": Unknown("each.value.arn"),  # computed by AWS
            "whole": Unknown('aws_ecr_repository.service["storefront"]'),
        }
        assert resource(self.result, 'aws_nat_gateway.zone["1"]').get("allocation_id") == Unknown(
            "each.value.id"
        )
        assert (
            resource(self.result, 'aws_ecr_lifecycle_policy.team["search"]').get("repository")
            == "team/search"
        )
        assert resource(self.result, "aws_ssm_parameter.repositories").get("value") == json.dumps(
            {f"{k}": f"webshop/{k}" for k in ("catalog-api", "orders-api", "storefront")},
            separators=(",", ":"),
        )

    def test_each_instance_references_its_own_counterpart(self):
        for key in ("catalog-api", "orders-api", "storefront"):
            target = f'aws_ecr_repository.service["{key}"]'
            assert self.references(f'aws_ecr_lifecycle_policy.service["{key}"]') == {
                (target, "for_each", "reference"),
                (target, "repository", "reference"),
            }
        for key in ("catalog-api", "storefront"):
            target = f'aws_ecr_repository.service["{key}"]'
            assert self.references(f'aws_ecr_repository_policy.pull["{key}"]') == {
                (target, "for_each", "reference"),
                (target, "repository", "reference"),
                (target, "tags", "reference"),
            }
        for key in ("0", "1"):
            target = f"aws_eip.nat[{key}]"
            assert self.references(f'aws_nat_gateway.zone["{key}"]') == {
                (target, "for_each", "reference"),
                (target, "allocation_id", "reference"),
            }
        for key in ("billing", "search"):
            target = f'module.registry.aws_ecr_repository.this["{key}"]'
            assert self.references(f'aws_ecr_lifecycle_policy.team["{key}"]') == {
                (target, "for_each", "module-output"),
                (target, "repository", "module-output"),
            }

    def test_a_reference_to_all_instances_stays_one_to_the_resource(self):
        assert self.references("aws_ssm_parameter.repositories") == {
            ("aws_ecr_repository.service", "value", "reference")
        }

    def test_keys_from_computed_attributes_stay_unexpanded(self):
        record = resource(self.result, "aws_route53_record.cert_validation")
        assert record.expanded is False
        assert record.get("name") == Unknown("each.value.name")
        assert self.references("aws_route53_record.cert_validation") == {
            ("aws_acm_certificate.web", "for_each", "reference"),
            ("aws_route53_zone.main", "zone_id", "reference"),
        }

    def test_resources_iterating_each_other_stay_unexpanded(self):
        assert resource(self.result, "aws_sns_topic.loop").expanded is False
        assert resource(self.result, "aws_sqs_queue.loop").expanded is False
        assert self.references("aws_sns_topic.loop") == {("aws_sqs_queue.loop", "for_each", "reference")}

    def test_secrets_do_not_travel_through_each_value(self):
        for key in ("eu", "us"):
            copy = resource(self.result, f'aws_ssm_parameter.tenant_password["{key}"]')
            assert copy.get("name") == f"/tenant-{key}/password"
            assert copy.get("value") == REDACTED
            assert copy.get("description") == Unknown("jsonencode(each.value)")
            assert {r.target for r in copy.references} == {f'aws_db_instance.tenant["{key}"]'}
        assert "Tenant-Pa55-8812" not in dump(self.result)


def test_for_each_over_a_large_resource_is_bounded(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_ecr_repository" "many" {\n  count = 8000\n  name  = "r-${count.index}"\n}\n'
        'resource "aws_ecr_lifecycle_policy" "by_name" {\n'
        "  for_each   = { for i, r in aws_ecr_repository.many : r.name => r }\n"
        "  repository = each.value.name\n}\n"
        'resource "aws_ecr_lifecycle_policy" "by_index" {\n'
        "  for_each   = { for i, r in aws_ecr_repository.many : i => r }\n"
        "  repository = each.value.name\n}\n"
    )
    started = time.monotonic()
    result = terraform.load(discover([str(tmp_path)]))
    assert time.monotonic() - started < 30
    by_index = [r for r in result.resources if r.name == "by_index"]
    assert len(by_index) == 8000 and all(r.expanded for r in by_index)
    seventh = resource(result, 'aws_ecr_lifecycle_policy.by_index["7"]')
    assert seventh.get("repository") == "r-7"
    assert {r.target for r in seventh.references} == {"aws_ecr_repository.many[7]"}
    # reading 8000 names (none read before: by_name comes first) for the keys is beyond the step
    # budget of one expression: one record, keys unknown
    (by_name,) = [r for r in result.resources if r.name == "by_name"]
    assert by_name.expanded is False
    assert {r.target for r in by_name.references} == {"aws_ecr_repository.many"}


@pytest.mark.parametrize(
    ("line", "marker"),
    [
        ('  name = "${lookup(var.m, \\"k\\")}"', 'escaped quotes inside "${…}"'),
        ('  type = "map"', 'quoted type names (type = "list")'),
        ('  default = "${list("a")}"', "the list()/map() functions"),
    ],
)
def test_each_terraform_011_marker_is_named(tmp_path, line, marker):
    (tmp_path / "main.tf").write_text(f'variable "v" {{\n{line}\n}}\n', encoding="utf-8")
    (record,) = terraform.load(discover([str(tmp_path)])).inputs
    assert marker in record.reason and "Terraform 0.11" in record.reason


def test_a_secret_literal_is_scrubbed_from_resources_met_before_it(tmp_path):
    # Resources are read in file order: the parameter in a.tf comes before the password in b.tf.
    (tmp_path / "a.tf").write_text(
        'resource "aws_ssm_parameter" "dsn" {\n'
        '  name  = "/app/dsn"\n'
        '  type  = "String"\n'
        '  value = "postgres://app:Tr0ub4dor-77@orders.internal:5432/orders"\n'
        "}\n"
        'resource "google_project_service" "sql" {\n'
        '  service = "sqladmin.googleapis.com"\n'
        "}\n"
        'resource "aws_ssm_parameter" "login" {\n'
        '  name  = "/app/login"\n'
        '  type  = "String"\n'
        '  value = "user admin at orders"\n'
        "}\n"
    )
    (tmp_path / "b.tf").write_text(
        'resource "aws_db_instance" "orders" {\n'
        '  engine   = "postgres"\n'
        '  username = "app"\n'
        '  password = "Tr0ub4dor-77"\n'
        "}\n"
        'resource "aws_db_instance" "reports" {\n'
        '  engine   = "postgres"\n'
        '  password = "admin"\n'
        "}\n"
    )
    result = terraform.load(discover([str(tmp_path)]))
    assert "Tr0ub4dor-77" not in dump(result)
    assert resource(result, "aws_ssm_parameter.dsn").get("value") == (
        f"postgres://app:{REDACTED}@orders.internal:5432/orders"
    )
    # a short password is removed where it is a word of its own, not from inside other words
    assert resource(result, "aws_ssm_parameter.login").get("value") == f"user {REDACTED} at orders"
    assert resource(result, "google_project_service.sql").get("service") == "sqladmin.googleapis.com"
