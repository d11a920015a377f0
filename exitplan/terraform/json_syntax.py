"""Read Terraform's JSON syntax (``*.tf.json``, ``*.tfvars.json``) into the same ``Body`` records as HCL.

Strings are HCL templates (``"${aws_vpc.main.id}"``), as Terraform reads them. JSON carries no
positions, so lines are found by searching for each key's text after its parent's position.
"""

from __future__ import annotations

import json
from typing import Any

from .hcl import Attribute, Block, Body, Expr, Literal, ObjectExpr, TupleExpr, parse_template

#: Top-level keys and how many labels their blocks have.
_LABELS = {
    "resource": 2,
    "data": 2,
    "module": 1,
    "variable": 1,
    "output": 1,
    "provider": 1,
    "locals": 0,
    "terraform": 0,
    "moved": 0,
    "import": 0,
    "check": 1,
}
#: Nested keys that are blocks, not attributes, whatever their value looks like.
_NESTED_BLOCKS = frozenset(
    {"lifecycle", "provisioner", "connection", "dynamic", "required_providers", "backend", "cloud"}
)


class JsonSyntaxError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError(f"invalid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise JsonSyntaxError("JSON nested too deeply", 1) from None


class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text

    def find(self, key: str, after: int) -> tuple[int, int]:
        """Position and 1-based line of ``"key"`` at or after ``after`` (or ``after`` itself)."""
        index = self.text.find(json.dumps(key), after)
        if index < 0:
            index = after
        return index, self.text.count("\n", 0, index) + 1


def parse_json_config(text: str) -> Body:
    data = load_json(text)
    if not isinstance(data, dict):
        raise JsonSyntaxError("a Terraform JSON file must hold an object", 1)
    lines = _Lines(text)
    blocks: list[Block] = []
    for block_type, content in data.items():
        if block_type not in _LABELS:
            continue
        position, _ = lines.find(block_type, 0)
        _blocks(block_type, content, _LABELS[block_type], (), position, lines, blocks)
    return Body({}, tuple(blocks))


def parse_json_values(text: str) -> Body:
    """A ``*.tfvars.json`` file: top-level keys are variable values."""
    data = load_json(text)
    if not isinstance(data, dict):
        raise JsonSyntaxError("a variables JSON file must hold an object", 1)
    lines = _Lines(text)
    attributes = {}
    for key, value in data.items():
        position, line = lines.find(key, 0)
        attributes[key] = Attribute(key, _expr(value, line), line)
    return Body(attributes, ())


def _blocks(
    block_type: str,
    content: Any,
    labels_left: int,
    labels: tuple,
    position: int,
    lines: _Lines,
    out: list[Block],
) -> None:
    if isinstance(content, list):
        for item in content:
            _blocks(block_type, item, labels_left, labels, position, lines, out)
        return
    if not isinstance(content, dict):
        return
    if labels_left == 0:
        _, line = lines.find(labels[-1], position) if labels else lines.find(block_type, position)
        out.append(Block(block_type, labels, _body(content, position, lines), line))
        return
    for label, inner in content.items():
        label_position, _ = lines.find(label, position)
        _blocks(block_type, inner, labels_left - 1, (*labels, label), label_position, lines, out)


def _body(content: dict, position: int, lines: _Lines) -> Body:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for key, value in content.items():
        key_position, line = lines.find(key, position)
        if key in _NESTED_BLOCKS and isinstance(value, dict | list):
            label_count = 1 if key in ("dynamic", "provisioner", "backend") else 0
            _blocks(key, value, label_count, (), key_position, lines, blocks)
        elif key == "depends_on" and isinstance(value, list):
            attributes[key] = Attribute(
                key, TupleExpr(tuple(_reference(v, line) for v in value), "", line), line
            )
        else:
            attributes[key] = Attribute(key, _expr(value, line), line)
    return Body(attributes, tuple(blocks))


def _reference(value: Any, line: int) -> Expr:
    text = value if isinstance(value, str) else json.dumps(value)
    return parse_template("${" + text + "}" if "${" not in text else text, line)


def _expr(value: Any, line: int) -> Expr:
    if isinstance(value, str):
        return parse_template(value, line)
    if isinstance(value, list):
        return TupleExpr(tuple(_expr(v, line) for v in value), json.dumps(value), line)
    if isinstance(value, dict):
        items = tuple((Literal(k, json.dumps(k), line), _expr(v, line)) for k, v in value.items())
        return ObjectExpr(items, json.dumps(value), line)
    return Literal(value, json.dumps(value), line)
