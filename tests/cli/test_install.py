"""What a user sees right after `pipx install .`: the version and shell completion (README, "Install")."""

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import exitplan
from exitplan.cli import main

EXITPLAN = Path(sys.executable).parent / "exitplan"


def test_version_prints_the_package_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"exitplan, version {exitplan.__version__}\n"


def completion(**env) -> str:
    done = subprocess.run(
        [str(EXITPLAN)], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_bash_completion_script_and_answers():
    script = completion(_EXITPLAN_COMPLETE="bash_source")
    assert "complete -o nosort -F _exitplan_completion exitplan" in script
    assert completion(_EXITPLAN_COMPLETE="bash_complete", COMP_WORDS="exitplan di", COMP_CWORD="1") == (
        "plain,diff\n"
    )
    options = completion(
        _EXITPLAN_COMPLETE="bash_complete", COMP_WORDS="exitplan diff --fail-o", COMP_CWORD="2"
    )
    assert options == "plain,--fail-on-drop\n"
