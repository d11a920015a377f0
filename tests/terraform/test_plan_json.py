"""Plan/state JSON: instance addresses as written, sensitive values removed, references from configuration."""

from __future__ import annotations

import json
from pathlib import Path

from exitplan.discover import SourceFile
from exitplan.model import REDACTED, Configuration, Reference
from exitplan.terraform import plan_json

PLAN = Path(__file__).parent.parent / "fixtures" / "terraform" / "plan" / "tfplan.json"


def source(path: Path, rel: str = "plan/tfplan.json") -> SourceFile:
    return SourceFile(path.absolute(), rel, "json")


def test_looks_like_plan(tmp_path):
    assert plan_json.looks_like_plan(source(PLAN))
    manifest = tmp_path / "cm.json"
    manifest.write_text('{"apiVersion": "v1", "kind": "ConfigMap"}')
    assert not plan_json.looks_like_plan(source(manifest, "cm.json"))


def test_plan_resources_and_references():
    result = plan_json.load([source(PLAN)])
    assert result.configurations == (Configuration("plan/tfplan.json", "terraform", "plan-json"),)
    assert [r.address for r in result.resources] == [
        "aws_db_instance.orders",
        "aws_secretsmanager_secret_version.app",
        'module.workers["thumbnails"].aws_sqs_queue.jobs[0]',
    ]
    db, secret, queue = result.resources
    assert (db.id, db.type, db.name, db.file, db.line) == (
        "plan/tfplan.json#aws_db_instance.orders",
        "aws_db_instance",
        "orders",
        "plan/tfplan.json",
        7,
    )
    assert db.references == (Reference("aws_db_subnet_group.main", "db_subnet_group_name", 7),)
    assert (queue.module, queue.line) == ('module.workers["thumbnails"]', 36)
    assert queue.references == (Reference("module.workers.aws_kms_key.queue", "kms_master_key_id", 36),)
    assert secret.references == ()


def test_sensitive_values_removed():
    result = plan_json.load([source(PLAN)])
    db, secret, _ = result.resources
    assert db.get("password") == REDACTED
    assert db.get("tags") == {"team": "orders", "api_token": REDACTED}
    assert secret.get("value_data") == REDACTED
    text = json.dumps([dict(r.attributes) for r in result.resources]) + repr(result)
    for literal in ("plan-db-pass-777", "plan-tag-token-1", "marked-only-by-plan-555"):
        assert literal not in text


def test_state_json_and_bad_files(tmp_path):
    state = tmp_path / "state.json"
    state.write_text(
        json.dumps(
            {
                "format_version": "1.0",
                "terraform_version": "1.8.0",
                "values": {
                    "root_module": {
                        "resources": [
                            {
                                "address": "aws_s3_bucket.logs",
                                "type": "aws_s3_bucket",
                                "name": "logs",
                                "values": {"bucket": "l"},
                            }
                        ]
                    }
                },
            }
        )
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"format_version": "1.0",\n "terraform_version": ')
    result = plan_json.load([source(state, "state.json"), source(broken, "broken.json")])
    assert [r.address for r in result.resources] == ["aws_s3_bucket.logs"]
    assert result.resources[0].get("bucket") == "l"
    assert [(i.path, i.status, i.line) for i in result.inputs] == [
        ("state.json", "parsed", None),
        ("broken.json", "error", 2),
    ]
