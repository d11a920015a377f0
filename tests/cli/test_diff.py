"""`exitplan diff` as a pull-request check runs it: two versions of a small shop estate (tests/fixtures/diff).

head/ differs from base/ by three changes: checkout starts using an SQS queue (score drops), reports stops
using its DynamoDB table (score rises), and web's manifest is renamed with its documents and Terraform
blocks reordered (no change). The Markdown and JSON are compared with reviewed golden copies
(`pytest --update-golden tests/cli/test_diff.py` rewrites them).
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from exitplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "diff"
BASE, HEAD = FIXTURES / "base", FIXTURES / "head"
GOLDEN = ROOT / "tests" / "golden" / "diff"
MARKER = "<!-- exitplan:diff -->"


def run(*args):
    return CliRunner().invoke(main, ["diff", *map(str, args)], catch_exceptions=False)


def golden(request, name: str, text: str) -> str:
    path = GOLDEN / name
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def replace_tree(folder: Path, source: Path) -> None:
    for child in folder.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(source, folder, dirs_exist_ok=True)


@pytest.fixture(scope="module")
def markdown():
    result = run(BASE, HEAD, "--no-cache")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_markdown_comment_matches_golden(markdown, request):
    assert markdown == golden(request, "shop.md", markdown)


def test_comment_starts_with_the_marker_and_one_summary_line(markdown):
    lines = markdown.splitlines()
    assert lines[0] == MARKER
    assert lines[1] == (
        "**exitplan** · estate score 66 → 73 (+7) · 2 workloads changed, 0 new, 0 removed, 1 unchanged"
        " · 3 findings added, 3 removed"
    )
    assert markdown.count(MARKER) == 1


def test_added_queue_lowers_checkout_with_a_linked_finding(markdown):
    assert "### `checkout`: 76 (B) → 61 (C)" in markdown
    assert (
        "| added | [EP301 proprietary-messaging](https://github.com/exitplan/exitplan/blob/main/docs/rules.md"
        "#ep301-proprietary-messaging) | `terraform#aws_sqs_queue.order_events` | `terraform/queues.tf:1` |"
    ) in markdown


def test_removed_table_raises_reports(markdown):
    assert "### `reports`: 41 (D) → 76 (B)" in markdown
    assert "| removed | [EP201 proprietary-data-api]" in markdown
    assert "`terraform#aws_dynamodb_table.report_runs` | `terraform/data.tf:11` |" in markdown


def test_moved_code_is_no_change(markdown):
    # web.yaml became frontend.yaml with its documents swapped, and data.tf's bucket moved to the top
    assert "web" not in markdown.split("\n", 2)[2]
    assert "1 unchanged" in markdown


def test_json_has_the_same_content(request):
    result = run(BASE, HEAD, "--format", "json", "--no-cache")
    assert result.exit_code == 0
    assert result.stdout == golden(request, "shop.json", result.stdout)
    data = json.loads(result.stdout)
    jsonschema.validate(data, json.loads((ROOT / "docs" / "diff-v1.schema.json").read_text()))
    assert data["schema"] == "exitplan/diff/v1"
    assert data["summary"]["dropped"] == ["checkout"]
    changed = {w["id"]: w for w in data["changed"]}
    assert set(changed) == {"checkout", "reports"}
    assert (changed["checkout"]["before"], changed["checkout"]["after"]) == (
        {"score": 76, "grade": "B"},
        {"score": 61, "grade": "C"},
    )
    assert changed["checkout"]["delta"] == -15
    assert {(f["rule"], f["resource"]) for f in changed["checkout"]["findings_added"]} == {
        ("EP203", "terraform#aws_sqs_queue.order_events"),
        ("EP301", "terraform#aws_sqs_queue.order_events"),
        ("EP701", "terraform#aws_sqs_queue.order_events"),
    }
    assert changed["checkout"]["findings_removed"] == []
    assert [f["rule"] for f in changed["reports"]["findings_removed"]] == ["EP201", "EP203", "EP701"]
    assert data["summary"]["workloads_unchanged"] == 1


def test_table_for_terminals():
    result = run(BASE, HEAD, "--format", "table", "--no-cache")
    assert result.exit_code == 0
    assert "checkout: 76 B → 61 C" in result.stdout
    assert "  + EP301  terraform#aws_sqs_queue.order_events  terraform/queues.tf:1  " in result.stdout
    assert MARKER not in result.stdout


def test_fail_on_drop_exit_codes(tmp_path):
    dropped = run(BASE, HEAD, "--fail-on-drop", "--no-cache")
    assert dropped.exit_code == 1
    assert "score dropped: checkout" in dropped.stderr
    # only the reports change (its table removed): a rise, no drop
    only_rise = tmp_path / "rise"
    shutil.copytree(BASE, only_rise)
    for name in ("k8s/reports.yaml", "terraform/data.tf"):
        shutil.copy(HEAD / name, only_rise / name)
    risen = run(BASE, only_rise, "--fail-on-drop", "--no-cache")
    assert risen.exit_code == 0, risen.output
    assert "### `reports`: 41 (D) → 76 (B)" in risen.stdout
    assert "checkout" not in risen.stdout


def test_fail_under_applies_to_head():
    assert run(BASE, HEAD, "--fail-under", "73", "--no-cache").exit_code == 0
    failed = run(BASE, HEAD, "--fail-under", "74", "--no-cache")
    assert failed.exit_code == 1
    assert "estate score 73 is below 74" in failed.stderr


def test_report_files_as_sides(tmp_path, markdown):
    base_json = tmp_path / "base.json"
    assert (
        CliRunner().invoke(main, ["scan", str(BASE), "--format", "json", "-o", str(base_json)]).exit_code == 0
    )
    plan_dir = tmp_path / "plan"
    planned = CliRunner().invoke(main, ["plan", str(HEAD), "--target", "openstack", "--out", str(plan_dir)])
    assert planned.exit_code == 0, planned.output
    result = run(base_json, plan_dir / "exitplan.json")
    assert result.exit_code == 0
    assert result.stdout == markdown


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"schema": "something/else"}', "not an exitplan report"),
        ("{broken", "not a JSON report"),
    ],
)
def test_a_file_that_is_no_report_is_a_usage_error(tmp_path, content, message):
    bad = tmp_path / "other.json"
    bad.write_text(content)
    result = run(bad, HEAD)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_usage_errors():
    assert run(BASE).exit_code == 2
    assert run("--base-ref", "HEAD", BASE, HEAD).exit_code == 2
    assert run(BASE, HEAD, "--docs-url", "javascript:alert(1)").exit_code == 2


def test_kubernetes_object_moved_into_a_kustomization_is_no_change(tmp_path):
    moved = tmp_path / "moved"
    shutil.copytree(HEAD, moved)
    (moved / "k8s" / "checkout").mkdir()
    (moved / "k8s" / "checkout.yaml").rename(moved / "k8s" / "checkout" / "deployment.yaml")
    (moved / "k8s" / "checkout" / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n"
    )
    scanned = CliRunner().invoke(main, ["scan", str(moved), "--format", "json", "--no-cache"])
    ids = {r["id"] for r in json.loads(scanned.stdout)["resources"]}
    assert "k8s/checkout#Deployment/shop/checkout" in ids  # the id changed with the configuration
    result = run(HEAD, moved, "--format", "json", "--no-cache")
    data = json.loads(result.stdout)
    assert data["changed"] == [] and data["summary"]["workloads_unchanged"] == 3


def test_base_ref_on_a_git_repository(tmp_path, markdown, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo / "infra")
    (repo / "README.md").write_text("shop\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    base_commit = git(repo, "rev-parse", "HEAD").strip()
    replace_tree(repo / "infra", HEAD)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "head")
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.chdir(repo)

    result = run("--base-ref", base_commit, "infra", "--fail-on-drop", "--no-cache")
    assert result.exit_code == 1  # checkout dropped
    assert result.stdout == markdown
    assert list(temp.iterdir()) == []  # the extracted revision is gone

    unchanged = run("--base-ref", "HEAD", "infra", "--no-cache")
    assert unchanged.exit_code == 0
    assert "No workload's portability changed." in unchanged.stdout

    bad = run("--base-ref", "no-such-branch", "infra")
    assert bad.exit_code == 2
    assert "no such revision" in bad.stderr


def test_base_ref_outside_git_is_a_usage_error(tmp_path):
    shutil.copytree(HEAD, tmp_path / "estate")
    result = run("--base-ref", "HEAD", tmp_path / "estate")
    assert result.exit_code == 2
    assert "git work tree" in result.stderr


def test_base_ref_runs_no_hook_and_no_filter(tmp_path, markdown, monkeypatch):
    """The base is read with git's plumbing: a smudge filter or checkout hook in the repository never runs."""
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    git(repo, "init", "-q")
    witness = tmp_path / "ran"
    (repo / ".gitattributes").write_text("*.yaml filter=evil\n")
    git(repo, "config", "filter.evil.smudge", f"sh -c 'touch {witness}; cat'")
    hook = repo / ".git" / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {witness}\n")
    hook.chmod(0o755)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    replace_tree(repo, HEAD)
    monkeypatch.chdir(repo)
    result = run("--base-ref", "HEAD", "--no-cache")
    assert result.exit_code == 0
    assert result.stdout == markdown
    assert not witness.exists()


def test_names_from_the_inputs_are_escaped(tmp_path):
    """A workload or resource named to break the comment cannot open HTML, forge the marker or break a table."""
    scanned = CliRunner().invoke(main, ["scan", str(HEAD), "--format", "json", "--no-cache"])
    report = json.loads(scanned.stdout)
    (tmp_path / "base.json").write_text(json.dumps(report))
    hostile = "<img src=x onerror=alert(1)>|<!-- exitplan:diff -->"
    for workload in report["workloads"]:
        if workload["id"] == "checkout":
            workload["findings"].append(
                {
                    "rule": "EP301",
                    "resource": f"terraform#aws_sqs_queue.{hostile}",
                    "file": "q.tf`|",
                    "line": 3,
                    "message": f"[click](javascript:alert(1)) {hostile}\n# heading",
                    "weight": 15,
                    "waived": False,
                }
            )
            workload["id"] = hostile
    (tmp_path / "head.json").write_text(json.dumps(report))
    result = run(tmp_path / "base.json", tmp_path / "head.json", "--format", "markdown")
    assert result.exit_code == 0
    text = result.stdout
    assert text.count(MARKER) == 1 and text.startswith(MARKER)
    outside_code = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text)  # a code span shows its text literally
    assert "<img" not in outside_code and "<!--" not in outside_code.replace(MARKER, "", 1)
    assert not re.search(r"(?<!\\)\]\(javascript:", text)  # the brackets are escaped: no link
    assert "\n# heading" not in text
    for line in text.splitlines():
        if line.startswith("| added"):
            assert len(re.split(r"(?<!\\)\|", line)) == 7  # five cells, whatever the names hold
    terminal = run(tmp_path / "base.json", tmp_path / "head.json", "--format", "table").stdout
    assert "\n# heading" not in terminal


def test_base_ref_reads_modules_outside_path_inside_the_repository(tmp_path, monkeypatch):
    """envs/prod calls ../../modules/queue: both sides read the module, so an unchanged estate is no change."""
    repo = tmp_path / "repo"
    (repo / "modules" / "queue").mkdir(parents=True)
    (repo / "modules" / "queue" / "main.tf").write_text(
        'variable "name" {}\n\nresource "aws_sqs_queue" "this" {\n  name = var.name\n}\n'
    )
    (repo / "envs" / "prod").mkdir(parents=True)
    (repo / "envs" / "prod" / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n}\n\n'
        'module "jobs" {\n  source = "../../modules/queue"\n  name   = "jobs"\n}\n\n'
        'resource "aws_lambda_function" "worker" {\n  function_name = "worker"\n'
        "  environment {\n    variables = { QUEUE = module.jobs.name }\n  }\n}\n"
    )
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    monkeypatch.chdir(repo)
    scanned = CliRunner().invoke(main, ["scan", "envs/prod", "--format", "json", "--no-cache"])
    assert any("aws_sqs_queue.this" in r["id"] for r in json.loads(scanned.stdout)["resources"])
    result = run("--base-ref", "HEAD", "envs/prod", "--format", "json", "--no-cache")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["changed"], data["added"], data["removed"]) == ([], [], [])


WAIVER = 'waivers:\n  - rule: EP301\n    resource: "*order_events*"\n    reason: SQS until the broker move.\n'


def test_scan_options_apply_to_both_sides(tmp_path):
    config = tmp_path / "exitplan.yaml"
    config.write_text(WAIVER)
    result = run(BASE, HEAD, "--config", config, "--format", "json", "--no-cache")
    checkout = next(w for w in json.loads(result.stdout)["changed"] if w["id"] == "checkout")
    assert "EP301" not in {f["rule"] for f in checkout["findings_added"]}  # waived on HEAD
    assert (checkout["before"], checkout["after"]) == (
        {"score": 76, "grade": "B"},
        {"score": 76, "grade": "B"},
    )


def test_a_finding_that_became_waived_is_listed_as_removed_waived(tmp_path):
    waived = tmp_path / "waived"
    shutil.copytree(HEAD, waived)
    (waived / ".exitplan.yaml").write_text(WAIVER)
    result = run(HEAD, waived, "--no-cache")
    assert "| removed (waived) | [EP301 proprietary-messaging]" in result.stdout
    assert "`terraform#aws_sqs_queue.order_events`" in result.stdout


def test_var_files_apply_to_both_sides(tmp_path, monkeypatch):
    sides = []
    for name, source in (("base", BASE), ("head", HEAD)):
        side = tmp_path / name
        shutil.copytree(source, side)
        (side / "terraform" / "providers.tf").write_text(
            (side / "terraform" / "providers.tf").read_text().replace('"eu-west-1"', "var.region")
        )
        with (side / "terraform" / "variables.tf").open("a") as variables:
            variables.write('\nvariable "region" {\n  type = string\n}\n')
        sides.append(side)
    (tmp_path / "prod.tfvars").write_text('region = "eu-central-1"\n')
    monkeypatch.chdir(tmp_path)
    result = run(*sides, "--var-file", "prod.tfvars", "--format", "json", "--no-cache")
    assert result.exit_code == 0, result.output
    checkout = next(w for w in json.loads(result.stdout)["changed"] if w["id"] == "checkout")
    jurisdiction = next(f for f in checkout["findings_added"] if f["rule"] == "EP701")
    assert "eu-central-1" in jurisdiction["message"]


def test_a_huge_change_stays_under_githubs_comment_limit(tmp_path):
    """Hundreds of changed workloads with many findings each: the comment is cut, and says so."""
    scanned = CliRunner().invoke(main, ["scan", str(HEAD), "--format", "json", "--no-cache"])
    base = json.loads(scanned.stdout)
    head = json.loads(scanned.stdout)
    template = head["workloads"][0]
    base["workloads"], head["workloads"] = [], []
    for i in range(400):
        workload = {**template, "id": f"svc-{i:03}", "anchor": f"a#{i}", "score": 90}
        base["workloads"].append({**workload, "findings": []})
        findings = [
            {"rule": "EP301", "resource": f"terraform#aws_sqs_queue.q{i}_{j}", "file": "q.tf", "line": j + 1,
             "message": "message-queue on a proprietary API " + "x" * 80, "weight": 15, "waived": False}
            for j in range(60)
        ]  # fmt: skip
        head["workloads"].append({**workload, "score": 75, "findings": findings})
    (tmp_path / "base.json").write_text(json.dumps(base))
    (tmp_path / "head.json").write_text(json.dumps(head))
    result = run(tmp_path / "base.json", tmp_path / "head.json", "--format", "markdown")
    text = result.stdout
    assert len(text) < 65_536
    assert "400 workloads changed" in text.splitlines()[1]
    assert "… and 10 more findings on this workload." in text
    shown = text.count("\n### ")
    assert 0 < shown < 400
    assert f"… {400 - shown} more sections not shown" in text


def test_base_ref_where_path_did_not_exist_yet(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("shop\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "empty")
    shutil.copytree(HEAD, repo / "infra")
    monkeypatch.chdir(repo)
    result = run("--base-ref", "HEAD", "infra", "--format", "json", "--fail-on-drop", "--no-cache")
    assert result.exit_code == 0  # nothing dropped: everything is new
    data = json.loads(result.stdout)
    assert [w["id"] for w in data["added"]] == ["checkout", "reports", "web"]
    assert data["summary"]["score_before"] == 100  # an empty estate
