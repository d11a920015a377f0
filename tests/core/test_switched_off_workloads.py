"""Resources switched off in the code (conditional records) are never workload anchors.

On a landing-zone module library, switched-off compute became workloads of their own that collected the
key-vault secrets the code does deploy (27 workloads became 70); the fixture is a small root of that shape.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from exitplan import api

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "terraform" / "switched-off-anchors"


@pytest.fixture(scope="module")
def report() -> api.ScanReport:
    return api.scan([str(FIXTURE)])


def _members(report: api.ScanReport) -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return {
        s.workload.id: (s.workload.role, s.workload.resources, s.workload.shared) for s in report.workloads
    }


def test_a_switched_off_function_is_no_workload_and_deployed_resources_are_not_shared_through_it(report):
    assert _members(report) == {
        "api": (
            "application",
            (
                ".#aws_iam_role.api",
                ".#aws_iam_role_policy.api_search",
                ".#aws_lambda_function.api",
                ".#aws_lambda_provisioned_concurrency_config.api",
                ".#aws_opensearch_domain.search",  # switched off, behind the switched-off policy
                ".#aws_secretsmanager_secret.db",
                ".#aws_sqs_queue.dlq",
            ),
            (),
        ),
        # The worker is switched off: it and the queue only it would use wait in the platform, the
        # secret stays the deployed function's alone; the key only the switched-off domain names too.
        "platform": (
            "platform",
            (
                ".#aws_kms_key.cmk",
                ".#aws_kms_key.data",
                ".#aws_lambda_function.worker",
                ".#aws_sqs_queue.jobs",
            ),
            (),
        ),
    }


def test_the_deployed_workload_lists_what_it_names_or_configures_as_optional(report, tmp_path):
    out = tmp_path / "plan"
    code = "from exitplan.cli import main; main()"
    args = ["plan", str(FIXTURE), "--target", "openstack", "--out", str(out), "--no-cache", "-q"]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    runbook = (out / "workloads" / "api.md").read_text()
    optional = runbook.split("## Optional in the code", 1)[1].split("\n## ", 1)[0]
    assert "Enabling `var.enable_dlq` adds:" in optional  # named by the deployed function
    assert "Enabling `var.provisioned` adds:" in optional  # configures the deployed function
    assert "Enabling `var.enable_search` adds:" in optional and "aws_opensearch_domain.search" in optional
    assert "worker" not in optional
    platform = (out / "workloads" / "platform.md").read_text()
    assert "Enabling `var.enable_worker` adds:" in platform.split("## Optional in the code", 1)[1]
