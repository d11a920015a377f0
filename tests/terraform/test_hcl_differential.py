"""exitplan's HCL reader agrees with python-hcl2 on the blocks and attribute names of every .tf fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from exitplan.terraform import hcl

hcl2 = pytest.importorskip("hcl2")

FIXTURES = Path(__file__).parent.parent / "fixtures" / "terraform"
TF_FILES = sorted(FIXTURES.rglob("*.tf"))


def _unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


def _is_block(value: object) -> bool:
    return isinstance(value, dict) and value.get("__is_block__") is True


def _labelled(item: dict, labels: tuple[str, ...]) -> list[tuple[tuple[str, ...], dict]]:
    """python-hcl2 nests labels as single-key dicts down to the block body."""
    if _is_block(item):
        return [(labels, item)]
    found = []
    for key, value in item.items():
        if isinstance(value, dict):
            found.extend(_labelled(value, (*labels, _unquote(key))))
    return found


def _theirs(body: dict) -> tuple:
    attributes, blocks = [], []
    for key, value in body.items():
        if key.startswith("__") and key.endswith("__"):
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) and _labelled(v, ()) for v in value):
            for item in value:
                for labels, inner in _labelled(item, ()):
                    blocks.append((key, labels, _theirs(inner)))
        else:
            attributes.append(key)
    return (sorted(attributes), sorted(blocks))


def _ours(body: hcl.Body) -> tuple:
    return (
        sorted(body.attributes),
        sorted((b.type, b.labels, _ours(b.body)) for b in body.blocks),
    )


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_blocks_and_attributes_match_python_hcl2(path: Path):
    text = path.read_text(encoding="utf-8")
    try:
        theirs = hcl2.loads(text)
    except Exception as exc:  # python-hcl2 raises lark errors of many kinds
        pytest.skip(f"python-hcl2 rejects this file: {type(exc).__name__}")
    ours = hcl.parse(text)
    if path.parent.name == "legacy-011":
        pytest.skip(
            "Terraform 0.11 syntax: python-hcl2 is lenient, exitplan reports it as an error on purpose"
        )
    assert ours.error is None
    assert _ours(ours.body) == _theirs(theirs)


def test_the_differential_covers_most_fixtures():
    assert len(TF_FILES) >= 15
