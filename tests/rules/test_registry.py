"""The rule registry: ids, categories, documentation and tests for every rule."""

import inspect
import re
from pathlib import Path

import pytest

from exitplan.rules import BY_ID, RULES
from exitplan.rules.base import CATEGORIES

HEADINGS = ("What it detects", "Why it hurts portability", "How to migrate", "Example")
HERE = Path(__file__).resolve().parent


def test_ids_are_unique_well_formed_and_sorted():
    ids = [rule.ID for rule in RULES]
    assert len(ids) == len(set(ids)) == len(BY_ID)
    assert all(re.fullmatch(r"EP[1-7]\d\d", rule_id) for rule_id in ids)
    assert ids == sorted(ids)


def test_names_are_unique_kebab_case():
    names = [rule.NAME for rule in RULES]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", name) for name in names)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.ID)
def test_category_follows_the_hundreds_of_the_id(rule):
    assert CATEGORIES[int(rule.ID[2])] == rule.CATEGORY


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.ID)
def test_shape_of_a_rule_module(rule):
    assert isinstance(rule.WEIGHT, int) and 0 <= rule.WEIGHT <= 40
    assert isinstance(rule.OPTIONS, dict)
    assert inspect.isgeneratorfunction(rule.check)
    assert len(inspect.getsource(rule).splitlines()) < 100


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.ID)
def test_docstring_has_a_summary_and_the_four_headings_in_order(rule):
    doc = inspect.cleandoc(rule.__doc__ or "")
    summary, _, body = doc.partition("\n")
    assert summary.endswith(".") and body.startswith("\n")
    blocks = body.strip().split("\n\n")
    assert [block.partition("\n")[0] for block in blocks] == list(HEADINGS)
    for block in blocks:
        head, _, text = block.partition("\n")
        assert text.strip() and all(line.startswith("    ") for line in text.splitlines())


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.ID)
def test_every_rule_has_a_test_file_that_mentions_it(rule):
    module = rule.__name__.rsplit(".", 1)[1]
    test_file = HERE / f"test_{module}.py"
    assert test_file.is_file(), f"{rule.ID} has no {test_file.name}"
    assert rule.ID in test_file.read_text(encoding="utf-8")
