"""Fixtures shared by the Kubernetes tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exitplan.cli import main

GITOPS = Path(__file__).resolve().parents[1] / "fixtures" / "gitops"


@pytest.fixture(scope="session")
def gitops_runbooks(tmp_path_factory) -> Path:
    """The runbooks ``plan --target hetzner`` writes for tests/fixtures/gitops, made once."""
    out = tmp_path_factory.mktemp("gitops-plan")
    result = CliRunner().invoke(
        main, ["plan", str(GITOPS), "--target", "hetzner", "--out", str(out), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    return out / "workloads"
