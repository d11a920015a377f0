"""docs/rules.md is generated from the rules' docstrings and must be kept fresh."""

from pathlib import Path

from exitplan.render.rules_doc import rules_markdown
from exitplan.rules import RULES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_docs_rules_md_is_fresh():
    assert DOCS.is_file(), "run: exitplan rules --format markdown > docs/rules.md"
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale; run: exitplan rules --format markdown > docs/rules.md"
    )


def test_every_rule_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"### {rule.ID} {rule.NAME}" in text
        assert "#### How to migrate" in text
