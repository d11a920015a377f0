"""Blocks switched off in the code stay in the report as one conditional record each (issue 11 §1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exitplan.discover import discover
from exitplan.graph.build import terraform_reference_edges
from exitplan.model import Condition
from exitplan.terraform import loader as terraform
from exitplan.terraform.variables import read_variable_inputs

FLAGS = Path(__file__).parent.parent / "fixtures" / "terraform" / "feature-flags"


@pytest.fixture(scope="module")
def flags():
    result = terraform.load(discover([str(FLAGS)]))
    return {r.address: r for r in result.resources}


def test_every_resource_block_of_the_files_is_in_the_report(flags):
    assert set(flags) == {
        "azurerm_resource_group.main",
        "azurerm_container_app_environment.main",
        "azurerm_container_app.api",
        "azurerm_cosmosdb_account.chat",
        "azurerm_servicebus_namespace.events",
        "azurerm_servicebus_queue.queue",
        "azurerm_monitor_diagnostic_setting.api",
        "module.openai.azurerm_cognitive_account.this",
        'module.openai.azurerm_cognitive_deployment.model["chat"]',
    }


@pytest.mark.parametrize(
    ("address", "condition"),
    [
        # untyped variable, default "false": Terraform converts the string where a bool is needed
        (
            "azurerm_cosmosdb_account.chat",
            Condition("var.use_cosmos ? 1 : 0", "infra/data.tf", 2, ("var.use_cosmos",)),
        ),
        # a string compared with "true"
        (
            "azurerm_servicebus_namespace.events",
            Condition('var.use_servicebus == "true" ? 1 : 0', "infra/data.tf", 19, ("var.use_servicebus",)),
        ),
        # for_each over a map whose default is {}
        ("azurerm_servicebus_queue.queue", Condition("var.queues", "infra/data.tf", 27, ("var.queues",))),
    ],
)
def test_a_block_with_no_instance_is_one_conditional_record(flags, address, condition):
    resource = flags[address]
    assert resource.conditional == condition
    assert resource.expanded is False
    assert resource.unexpanded is None


def test_resources_of_a_module_called_zero_times_carry_the_calls_condition(flags):
    call = Condition("var.use_openai ? 1 : 0", "infra/ai.tf", 3, ("var.use_openai",))
    account = flags["module.openai.azurerm_cognitive_account.this"]
    deployment = flags['module.openai.azurerm_cognitive_deployment.model["chat"]']
    assert account.conditional == call
    assert deployment.conditional == call
    assert (account.file, account.module) == ("infra/modules/openai/main.tf", "module.openai")
    # what the module would be given is still read
    assert account.get("name") == "oai-chat-dev"


def test_a_count_that_needs_a_variable_without_default_is_unexpanded_with_its_reason(flags):
    diagnostics = flags["azurerm_monitor_diagnostic_setting.api"]
    assert diagnostics.conditional is None
    assert diagnostics.expanded is False
    assert diagnostics.unexpanded == Condition(
        "var.enable_diagnostics ? 1 : 0", "infra/data.tf", 34, ("var.enable_diagnostics",)
    )


def test_resources_that_are_deployed_carry_no_condition(flags):
    assert flags["azurerm_container_app.api"].conditional is None
    assert flags["azurerm_container_app.api"].expanded is True


def test_conditional_resources_keep_their_references(flags):
    queue = {ref.target for ref in flags["azurerm_servicebus_queue.queue"].references}
    # the namespace has no instance while the flag is off; its key-less record stands for events[0]
    assert "azurerm_servicebus_namespace.events[0]" in queue
    edges = {(e.source, e.target) for e in terraform_reference_edges(list(flags.values()))}
    assert (
        flags["azurerm_servicebus_queue.queue"].id,
        flags["azurerm_servicebus_namespace.events"].id,
    ) in edges
    account = {ref.target for ref in flags["module.openai.azurerm_cognitive_account.this"].references}
    assert "azurerm_resource_group.main" in account


def test_enabling_a_flag_from_the_command_line_expands_the_block():
    inputs = read_variable_inputs(
        (), ["use_cosmos=true", "use_openai=true", "queues={orders = {max_delivery_count = 5}}"], {}
    )
    found = {r.address: r for r in terraform.load(discover([str(FLAGS)]), inputs).resources}
    assert found["azurerm_cosmosdb_account.chat[0]"].conditional is None
    assert found['azurerm_servicebus_queue.queue["orders"]'].get("max_delivery_count") == 5
    assert found["module.openai[0].azurerm_cognitive_account.this"].conditional is None
    assert "azurerm_cosmosdb_account.chat" not in found


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_switch_is_followed_through_locals_and_module_inputs_to_root_variables(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": """
variable "enable_cache" { default = false }
variable "region_count" { default = 1 }
locals { cache_on = var.enable_cache && var.region_count > 0 }
module "cache" {
  source = "./modules/cache"
  create = local.cache_on
}
module "audit" {
  source = "./modules/cache"
}
""",
            "modules/cache/main.tf": """
variable "create" { default = false }
resource "aws_elasticache_cluster" "this" {
  count      = var.create ? 1 : 0
  cluster_id = "shop"
}
""",
        },
    )
    found = {r.address: r for r in terraform.load(discover([str(tmp_path)])).resources}
    cache = found["module.cache.aws_elasticache_cluster.this"]
    assert cache.conditional.variables == ("var.enable_cache", "var.region_count")
    assert (cache.conditional.file, cache.conditional.line) == ("modules/cache/main.tf", 4)
    # a module input left at its default is named as the module's own variable
    audit = found["module.audit.aws_elasticache_cluster.this"]
    assert audit.conditional.variables == ("module.audit.var.create",)


def test_an_unresolved_module_with_count_zero_is_conditional(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": """
variable "enable_vpn" { default = "false" }
module "vpn" {
  source  = "terraform-aws-modules/vpn-gateway/aws"
  count   = var.enable_vpn ? 1 : 0
  vpc_id  = "vpc-1"
}
"""
        },
    )
    (vpn,) = terraform.load(discover([str(tmp_path)])).resources
    assert vpn.address == "module.vpn"
    assert vpn.conditional == Condition("var.enable_vpn ? 1 : 0", "main.tf", 5, ("var.enable_vpn",))


def test_a_multi_line_condition_is_shown_on_one_line(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": """
variable "buckets" { default = [] }
resource "aws_s3_bucket" "extra" {
  for_each = {
    for name in var.buckets : name => name
  }
  bucket = each.key
}
"""
        },
    )
    (bucket,) = terraform.load(discover([str(tmp_path)])).resources
    assert bucket.conditional.expression == "{ for name in var.buckets : name => name }"
