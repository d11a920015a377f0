"""EP101 proprietary-compute: functions and proprietary runtimes, not their permissions and triggers."""

from dataclasses import replace

from exitplan.rules import proprietary_compute as rule
from tests.factories import k8s, pod_spec, tf
from tests.rules.kit import check

LAMBDA = {"cloud": "aws", "service_kind": "faas", "interface": "proprietary", "lockin": "high"}


def test_a_function_is_reported_once_not_through_its_parts():
    function = tf("aws_lambda_function", "worker", **LAMBDA)
    permission = tf("aws_lambda_permission", "invoke", refs=["aws_lambda_function.worker"], **LAMBDA)
    mapping = tf(
        "aws_lambda_event_source_mapping",
        "jobs",
        refs=["aws_lambda_function.worker", "aws_sqs_queue.jobs"],
        **LAMBDA,
    )
    assert check(rule, function, permission, mapping) == {("EP101", "infra#aws_lambda_function.worker", 1)}


def test_a_state_machine_calling_functions_is_reported_too():
    function = tf("aws_lambda_function", "worker", **LAMBDA)
    machine = tf(
        "aws_sfn_state_machine",
        "flow",
        refs=["aws_lambda_function.worker"],
        **{**LAMBDA, "service_kind": "workflow"},
    )
    assert check(rule, function, machine) == {
        ("EP101", "infra#aws_lambda_function.worker", 1),
        ("EP101", "infra#aws_sfn_state_machine.flow", 1),
    }


def test_portable_compute_passes():
    deployment = k8s("Deployment", "web", spec=pod_spec("nginx:1.27"))
    containers = tf(
        "scaleway_container", "web", cloud="scaleway", service_kind="container-service", lockin="low"
    )
    vm = tf("openstack_compute_instance_v2", "web", cloud="openstack", service_kind="vm", lockin="none")
    data = replace(
        tf("aws_lambda_function", "existing", **LAMBDA), address="data.aws_lambda_function.existing"
    )
    assert check(rule, deployment, containers, vm, data) == set()


def test_parts_that_name_one_instance_of_a_counted_function_are_parts():
    # terraform-aws-modules/lambda: aws_lambda_function.this has count; its parts name this[0], and in a
    # call that creates no function (count 0) they name the key-less record that stands for it
    function = tf("aws_lambda_function", "this[0]", **LAMBDA)
    url = tf("aws_lambda_function_url", "this", refs=["aws_lambda_function.this[0]"], **LAMBDA)
    assert check(rule, function, url) == {("EP101", "infra#aws_lambda_function.this[0]", 1)}
    dormant = tf("aws_lambda_alias", "no_refresh", **LAMBDA)
    mapping = tf("aws_lambda_event_source_mapping", "this", refs=["aws_lambda_alias.no_refresh[0]"], **LAMBDA)
    assert check(rule, dormant, mapping) == {("EP101", "infra#aws_lambda_alias.no_refresh", 1)}
