"""The CI recipes run as CI would run them: action.yml's steps, the pre-commit hooks' entries and the
README's GitLab job, each on a git repository made here, with stub `gh`, `curl`, `pip` and `python`
(the only commands that would reach a network or reinstall exitplan) recording what they were asked.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "diff"
GOLDEN = ROOT / "tests" / "golden" / "diff"
MARKER = "<!-- exitplan:diff -->"
BIN = Path(sys.executable).parent  # where this environment's `exitplan` is
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")

STUB = """#!/bin/sh
# records its arguments (and any @file or body@file it was handed), answers from $STUB_REPLY_<name>
log="$STUB_LOG/$(basename "$0").log"
printf '%s\\n' "$*" >> "$log"
for arg in "$@"; do
  case "$arg" in
    body=@*) cat "${arg#body=@}" > "$STUB_LOG/$(basename "$0").body" ;;
    body@*) cat "${arg#body@}" > "$STUB_LOG/$(basename "$0").body" ;;
  esac
done
case "$*" in
  *" --method "*|*"--request "*) ;;
  *) reply_var="STUB_REPLY_$(basename "$0")"; eval "reply=\\${$reply_var:-}"; printf '%s' "$reply" ;;
esac
"""


def load_yaml(path: Path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def readme_block(heading: str) -> str:
    """The first fenced YAML block under a README heading: the snippet users copy."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(f"### {heading}\n", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


class RepoPath(type(Path())):
    """A repository's path that also knows the commit ids of its base."""

    base: str


@pytest.fixture
def repo(tmp_path):
    """A repository whose base commit has tests/fixtures/diff/base under infra/ and whose work tree has head."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "base", repo / "infra")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    shutil.rmtree(repo / "infra")
    shutil.copytree(FIXTURES / "head", repo / "infra")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "head")
    repo = RepoPath(repo)
    repo.base = base
    return repo


@pytest.fixture
def stubs(tmp_path):
    folder, log = tmp_path / "stubs", tmp_path / "log"
    folder.mkdir()
    log.mkdir()
    for name in ("gh", "curl", "pip", "python"):
        (folder / name).write_text(STUB)
        (folder / name).chmod(0o755)
    env = {
        "PATH": os.pathsep.join([str(folder), str(BIN), "/usr/bin", "/bin"]),
        "HOME": str(tmp_path),
        "STUB_LOG": str(log),
        "EXITPLAN_CACHE_DIR": str(tmp_path / "cache"),
    }
    return env, log


# ---------------------------------------------------------------- the GitHub Action


ACTION = load_yaml(ROOT / "action.yml")


def evaluate(text: str, context: dict) -> str:
    def value(match):
        expression = match.group(1)
        if expression.startswith("inputs."):
            name = expression.removeprefix("inputs.")
            assert name in ACTION["inputs"], f"action.yml uses an undeclared input {name}"
            given = context["inputs"].get(name)
            return (
                evaluate(str(ACTION["inputs"][name].get("default", "")), context) if given is None else given
            )
        assert expression in context, f"test context lacks {expression}"
        return context[expression]

    return EXPRESSION.sub(value, text)


def run_action(repo: Path, stubs, inputs: dict, pull_request=7, **github) -> dict:
    env, log = stubs
    temp = repo.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    summary = temp / "summary.md"
    context = {
        "inputs": {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in inputs.items()},
        "github.event.pull_request.base.sha": repo.base,
        "github.event.pull_request.number": str(pull_request or ""),
        "github.token": "ghs_stub-token",
        "github.action_repository": github.get("action_repository", ""),
        "github.action_ref": github.get("action_ref", ""),
    }
    outputs: dict[str, dict] = {}
    ran = []
    assert ACTION["runs"]["using"] == "composite"
    for step in ACTION["runs"]["steps"]:
        if "uses" in step:
            assert step["uses"].startswith("actions/setup-python@")
            continue
        for step_id, values in outputs.items():
            for key, v in values.items():
                context[f"steps.{step_id}.outputs.{key}"] = v
        out_file = temp / f"output-{len(ran)}"
        out_file.write_text("")
        step_env = {
            **env,
            **{k: evaluate(str(v), context) for k, v in step.get("env", {}).items()},
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(out_file),
            "GITHUB_REPOSITORY": "shop/infra",
            "RUNNER_TEMP": str(temp),
        }
        script = temp / f"step-{len(ran)}.sh"
        script.write_text(evaluate(step["run"], context))
        done = subprocess.run(
            [step["shell"], "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=repo,
            env=step_env,
            capture_output=True,
            text=True,
        )
        ran.append((step["name"], done.returncode, done.stdout + done.stderr))
        if "id" in step:
            outputs[step["id"]] = dict(
                line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line
            )
        if done.returncode != 0:
            break
    return {
        "steps": ran,
        "failed": ran[-1][1] != 0,
        "exit": ran[-1][1],
        "outputs": outputs.get("run", {}),
        "summary": summary.read_text() if summary.exists() else "",
        "log": {p.name: p.read_text() for p in log.iterdir()},
    }


def test_action_declares_the_inputs_the_issue_asks_for():
    assert {
        "path", "config", "var-files", "target", "fail-under", "fail-on-drop", "mode", "comment", "github-token"
    } <= set(ACTION["inputs"])  # fmt: skip
    assert ACTION["inputs"]["base-ref"]["default"] == "${{ github.event.pull_request.base.sha }}"
    # inputs reach the scripts only through env, never pasted into shell text
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", "")


def test_action_diff_mode_posts_the_comment_and_fails_on_drop(repo, stubs):
    result = run_action(repo, stubs, {"path": "infra", "fail-on-drop": True, "comment": True})
    expected = (GOLDEN / "shop.md").read_text()
    names = [name for name, _, _ in result["steps"]]
    assert names == ["Install exitplan", "Run exitplan", "Comment on the pull request", "Gate"]
    assert result["log"]["python.log"] == f"-m pip install --quiet --disable-pip-version-check {ROOT}\n"
    assert result["outputs"]["status"] == "1"  # checkout's score dropped
    assert result["failed"] and result["steps"][-1][0] == "Gate"
    assert result["summary"] == expected
    gh = result["log"]["gh.log"].splitlines()
    assert gh[0].startswith("api --paginate repos/shop/infra/issues/7/comments --jq ")
    assert gh[1].startswith("api --method POST repos/shop/infra/issues/7/comments -F body=@")
    assert result["log"]["gh.body"] == expected


def test_action_updates_the_marked_comment_in_place(repo, stubs):
    env, log = stubs
    env["STUB_REPLY_gh"] = "4242\n"
    result = run_action(repo, (env, log), {"path": "infra", "comment": True})
    assert not result["failed"]
    assert result["outputs"]["status"] == "0"
    gh = result["log"]["gh.log"].splitlines()
    assert gh[1].startswith("api --method PATCH repos/shop/infra/issues/comments/4242 -F body=@")
    assert result["log"]["gh.body"].startswith(MARKER + "\n")


def test_action_without_comment_only_writes_the_summary(repo, stubs):
    result = run_action(
        repo,
        stubs,
        {"path": "infra", "fail-under": 80},
        action_repository="acme/exitplan",
        action_ref="v1.2.0",
    )
    assert result["outputs"]["status"] == "1"  # head's estate score 73 < 80
    assert "gh.log" not in result["log"]
    assert (
        "(https://github.com/acme/exitplan/blob/v1.2.0/docs/rules.md#ep301-proprietary-messaging)"
        in (result["summary"])
    )


def test_action_check_plan_mode(repo, stubs):
    env, _ = stubs
    inputs = {"mode": "check-plan", "path": "infra", "target": "openstack", "out": "docs/exit-plan"}
    stale = run_action(repo, stubs, inputs)
    assert stale["outputs"]["status"] == "1" and stale["failed"]
    assert "is stale; run `exitplan plan infra --target openstack --out docs/exit-plan`" in stale["summary"]
    subprocess.run(
        ["exitplan", "plan", "infra", "--target", "openstack", "--out", "docs/exit-plan", "--quiet"],
        cwd=repo,
        env=env,
        check=True,
    )
    (repo.parent / "runner-temp" / "summary.md").unlink()
    fresh = run_action(repo, stubs, {**inputs, "fail-under": 50})
    assert fresh["outputs"]["status"] == "0" and not fresh["failed"]
    assert fresh["summary"] == "exitplan: the exit plan in `docs/exit-plan` is up to date.\n"


@pytest.mark.parametrize("mode", ["lint", ""])
def test_action_rejects_an_unknown_mode(repo, stubs, mode):
    result = run_action(repo, stubs, {"mode": mode})
    assert result["outputs"]["status"] == "2" and result["failed"]


def test_action_without_a_base_revision_fails_clearly(repo, stubs):
    result = run_action(repo, stubs, {"path": "infra", "base-ref": ""}, pull_request=None)
    assert result["outputs"]["status"] == "2"
    assert "no base revision" in result["steps"][1][2]


def test_readme_workflows_use_the_action_with_its_inputs():
    for heading in (
        "GitHub Actions: the change's portability on every pull request",
        "GitHub Actions: the committed exit plan is current",
    ):
        workflow = YAML(typ="safe").load(readme_block(heading))
        (job,) = workflow["jobs"].values()
        checkout, action = job["steps"]
        assert checkout["uses"].startswith("actions/checkout@")
        assert set(action["with"]) <= set(ACTION["inputs"]), heading
        if action["with"].get("comment"):
            assert checkout["with"]["fetch-depth"] == 0
            assert workflow["permissions"]["pull-requests"] == "write"


# ---------------------------------------------------------------- pre-commit

HOOKS = {hook["id"]: hook for hook in load_yaml(ROOT / ".pre-commit-hooks.yaml")}


def test_hooks_run_on_infrastructure_files_without_file_names():
    assert set(HOOKS) == {"exitplan-plan-check", "exitplan-fail-under"}
    for hook in HOOKS.values():
        assert hook["pass_filenames"] is False and hook["language"] == "python"
        files = re.compile(hook["files"])
        for name in ("infra/main.tf", "infra/vars.tfvars", "k8s/app.yaml", "k8s/app.yml", "x.tf.json"):
            assert files.search(name), (hook["id"], name)
        for name in ("src/app.py", "Dockerfile", "infra/.terraform.lock.hcl"):
            assert not files.search(name), (hook["id"], name)


def hook_command(hook_id: str, readme_args: bool = True) -> list[str]:
    """The command pre-commit runs: the hook's entry plus the args of the README's config."""
    config = YAML(typ="safe").load(readme_block("pre-commit"))
    (source,) = config["repos"]
    args = {h["id"]: h.get("args", []) for h in source["hooks"]}
    return shlex.split(HOOKS[hook_id]["entry"]) + [str(a) for a in args[hook_id]]


def test_plan_check_hook(repo, stubs):
    env, _ = stubs
    command = hook_command("exitplan-plan-check")
    assert subprocess.run(command, cwd=repo, env=env, capture_output=True).returncode == 1  # no plan yet
    subprocess.run(
        ["exitplan", "plan", "infra", "--target", "openstack", "--out", "docs/exit-plan", "--quiet"],
        cwd=repo,
        env=env,
        check=True,
    )
    fresh = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    assert fresh.returncode == 0, fresh.stderr
    assert fresh.stdout == ""  # --quiet: silent when current
    shutil.copy(FIXTURES / "base" / "terraform" / "data.tf", repo / "infra" / "terraform" / "data.tf")
    stale = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    assert stale.returncode == 1
    assert "is stale" in stale.stderr


def test_fail_under_hook(repo, stubs):
    env, _ = stubs
    command = hook_command("exitplan-fail-under")
    assert command[-2:] == ["--fail-under", "50"]
    assert subprocess.run(command, cwd=repo, env=env, capture_output=True).returncode == 0  # 73
    failed = subprocess.run([*command[:-1], "80"], cwd=repo, env=env, capture_output=True, text=True)
    assert failed.returncode == 1
    assert "estate score 73 is below 80" in failed.stderr


# ---------------------------------------------------------------- GitLab CI


def run_gitlab_job(repo: Path, stubs, notes_reply: str, token: str = "glpat-stub"):
    env, log = stubs
    job = YAML(typ="safe").load(readme_block("GitLab CI"))["exitplan"]
    script = "\n".join(job["script"])
    job_env = {
        **env,
        **{k: str(v) for k, v in job["variables"].items()},
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": repo.base,
        "CI_API_V4_URL": "https://gitlab.example.com/api/v4",
        "CI_PROJECT_ID": "99",
        "CI_MERGE_REQUEST_IID": "12",
        "STUB_REPLY_curl": notes_reply,
    }
    if token:
        job_env["EXITPLAN_GITLAB_TOKEN"] = token
    done = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=job_env, capture_output=True, text=True)
    return job, done, {p.name: p.read_text() for p in log.iterdir()}


def test_gitlab_job_posts_the_note_and_writes_the_reports(repo, stubs):
    job, done, log = run_gitlab_job(repo, stubs, "[]")
    assert done.returncode == 1, done.stderr  # --fail-on-drop: checkout dropped
    assert log["pip.log"] == "install --quiet git+https://github.com/exitplan/exitplan@main\n"
    calls = log["curl.log"].splitlines()
    assert calls[0].endswith(
        "https://gitlab.example.com/api/v4/projects/99/merge_requests/12/notes?per_page=100"
    )
    assert "--request POST" in calls[1] and calls[1].endswith("/merge_requests/12/notes")
    assert "PRIVATE-TOKEN: glpat-stub" in calls[1]
    assert log["curl.body"] == (GOLDEN / "shop.md").read_text()
    # the reports the job declares exist and are what GitLab reads
    quality = json.loads((repo / job["artifacts"]["reports"]["codequality"]).read_text())
    assert {issue["check_name"] for issue in quality} >= {"EP301", "EP202"}
    assert all(issue["location"]["path"].startswith("infra/") for issue in quality)
    for path in job["artifacts"]["paths"]:
        assert (repo / path).is_file(), path
    assert json.loads((repo / "gl-exitplan.sarif").read_text())["version"] == "2.1.0"


def test_gitlab_job_updates_its_note_in_place(repo, stubs):
    notes = json.dumps([{"id": 5, "body": "LGTM"}, {"id": 31, "body": MARKER + "\nold"}])
    _, done, log = run_gitlab_job(repo, stubs, notes)
    calls = log["curl.log"].splitlines()
    assert "--request PUT" in calls[1] and calls[1].endswith("/merge_requests/12/notes/31")


def test_gitlab_job_without_a_token_posts_nothing(repo, stubs):
    _, done, log = run_gitlab_job(repo, stubs, "[]", token="")
    assert done.returncode == 1
    assert "curl.log" not in log
    assert (repo / "exitplan-diff.md").read_text() == (GOLDEN / "shop.md").read_text()


def test_action_passes_each_var_file(repo, stubs):
    (repo / "infra" / "prod.tfvars").write_text('db_password = "not-shown"\n')
    result = run_action(repo, stubs, {"path": "infra", "var-files": "infra/prod.tfvars\n\n"})
    assert result["outputs"]["status"] == "0", result["steps"]
    assert result["summary"] == (GOLDEN / "shop.md").read_text()
    missing = run_action(repo, stubs, {"path": "infra", "var-files": "infra/prod.tfvars\ninfra/none.tfvars"})
    assert missing["outputs"]["status"] == "2"  # the second file was passed, and is missing
    assert "none.tfvars" in missing["steps"][1][2]


@pytest.mark.parametrize(
    ("schema", "document"),
    [
        ("github-actions", lambda: ACTION),
        (
            "github-workflows",
            lambda: YAML(typ="safe").load(
                readme_block("GitHub Actions: the change's portability on every pull request")
            ),
        ),
        (
            "github-workflows",
            lambda: YAML(typ="safe").load(readme_block("GitHub Actions: the committed exit plan is current")),
        ),
        ("gitlab-ci", lambda: YAML(typ="safe").load(readme_block("GitLab CI"))),
    ],
)
def test_recipes_validate_against_the_services_schemas(schema, document):
    """SchemaStore's schemas for action metadata, workflows and .gitlab-ci.yml (vendored by check-jsonschema)."""
    vendor = pytest.importorskip("check_jsonschema.builtin_schemas.vendor")
    import jsonschema

    loaded = json.loads(resources.files(vendor).joinpath(f"{schema}.json").read_text("utf-8"))
    jsonschema.validators.validator_for(loaded)(loaded).validate(document())
