import os

import pytest
from hypothesis import settings

# CI runs the same examples every time, so a red build is reproducible; locally every run explores anew.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files under tests/golden from the current output (review the diff)",
    )


@pytest.fixture(autouse=True)
def _private_scan_cache(tmp_path_factory, monkeypatch):
    """Each test session caches scans in its own folder, never in the user's."""
    monkeypatch.setenv("EXITPLAN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "scan-cache"))


@pytest.fixture
def no_home_folder(monkeypatch):
    """A user with no passwd entry and no HOME (a container's random uid): ``Path.home()`` cannot answer."""
    from pathlib import Path

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("EXITPLAN_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))


@pytest.fixture
def exit_plan_summary(tmp_path):
    """Run ``plan --target hetzner`` on a folder and return the exit plan's executive summary (§1)."""
    from click.testing import CliRunner

    from exitplan.cli import main

    def summary(folder) -> str:
        out = tmp_path / "exit-plan-out"
        result = CliRunner().invoke(
            main, ["plan", str(folder), "--target", "hetzner", "--out", str(out), "--no-cache"]
        )
        assert result.exit_code == 0, result.output
        return (out / "EXIT-PLAN.md").read_text().split("## 2.")[0]

    return summary
