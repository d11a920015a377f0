"""Workload names of a module's `this`: the module call names the component."""

from __future__ import annotations

from pathlib import Path

from exitplan import api

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "terraform" / "module-this-names"


def test_a_modules_this_is_named_by_the_module_call():
    # terraform-aws-lambda's examples gave lambda-function-this, lambda-function-this-2 … -10.
    report = api.scan([str(FIXTURE / "examples" / "runtimes")])
    apps = sorted(s.workload.id for s in report.workloads if s.workload.role == "application")
    assert apps == ["go-lambda-function", "rust-lambda-function"]


def test_a_generic_name_the_type_already_says_is_not_said_twice():
    # cloud-foundation-fabric's module examples gave container-cluster-cluster, cloudfunctions-function-function.
    report = api.scan([str(FIXTURE.parent / "generic-names")])
    apps = sorted(s.workload.id for s in report.workloads if s.workload.role == "application")
    assert apps == ["cloud-run-v2-service-default", "cloudfunctions-function", "container-cluster"]
