"""Parse HCL (Terraform/OpenTofu native syntax) with tree-sitter into plain records with line numbers.

The records are independent of tree-sitter: ``Body`` holds ``Attribute`` and ``Block`` values, and every
expression becomes a small ``Expr`` tree (``Literal``, ``Template``, ``Traversal``, ``Call``, …, converted
in ``hcl_expressions``) that the evaluator in ``tf_eval`` walks. A file with syntax errors is parsed again
in top-level chunks, so blocks before and after a broken one are still read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser

from .expression_parser import (
    _child,
    _expression,
    _line,
    _quoted_content,
    _text,
    _TooDeep,
    _unescape,
)
from .expressions import (
    Call,
    Conditional,
    Expr,
    ForExpr,
    Literal,
    ObjectExpr,
    Opaque,
    Operation,
    Template,
    Traversal,
    TupleExpr,
)

_PARSER = Parser(Language(tree_sitter_hcl.language()))


@dataclass(frozen=True)
class Attribute:
    name: str
    expr: Expr
    line: int


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    line: int


@dataclass(frozen=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()

    def blocks_of(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]


@dataclass(frozen=True)
class HclFile:
    body: Body
    error: str | None = None
    error_line: int | None = None


def parse(text: str) -> HclFile:
    """Parse a whole file; on syntax errors, parse top-level chunks one by one and keep the good ones."""
    source = text.encode("utf-8")
    tree = _PARSER.parse(source)
    root = tree.root_node
    if not root.has_error:
        try:
            return HclFile(_body(_child(root, "body"), source))
        except _TooDeep:
            return HclFile(Body(), "expression nested too deeply", 1)
    return _parse_chunks(text)


_TOP_LEVEL = re.compile(r"^[A-Za-z_][\w-]*([ \t]+(\"[^\"\n]*\"|[A-Za-z_][\w-]*))*[ \t]*(\{|=)", re.M)


def _parse_chunks(text: str) -> HclFile:
    starts = [m.start() for m in _TOP_LEVEL.finditer(text)] or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    first_error: int | None = None
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        line_offset = text.count("\n", 0, begin)
        chunk = ("\n" * line_offset + text[begin:end]).encode("utf-8")
        root = _PARSER.parse(chunk).root_node
        if root.has_error:
            error_line = _first_error_line(root)
            if first_error is None or (error_line is not None and error_line < first_error):
                first_error = error_line
        body_node = _child(root, "body")
        if body_node is None:
            continue
        for node in body_node.named_children:
            if node.has_error:
                continue
            try:
                if node.type == "attribute":
                    attr = _attribute(node, chunk)
                    attributes.setdefault(attr.name, attr)
                elif node.type == "block":
                    blocks.append(_block(node, chunk))
            except _TooDeep:
                continue
    return HclFile(Body(attributes, tuple(blocks)), "syntax error", first_error or 1)


def _first_error_line(node: Node) -> int | None:
    if node.is_error or node.is_missing:
        return node.start_point[0] + 1
    for child in node.children:
        if child.has_error or child.is_missing:
            line = _first_error_line(child)
            if line is not None:
                return line
    return None


def parse_template(text: str, line: int = 1) -> Expr:
    """Parse a JSON string value as an HCL template (``${…}`` interpolations), as Terraform reads .tf.json."""
    if "${" not in text and "%{" not in text:
        return Literal(text, text, line)
    marker = "EXITPLAN_TEMPLATE_END"
    padding = "\n" * max(0, line - 2)  # the template's first line becomes ``line``
    source = f"{padding}x = <<{marker}\n{text}\n{marker}\n".encode()
    root = _PARSER.parse(source).root_node
    if root.has_error:
        return Opaque((), text, line)
    try:
        expr = _expression(_child(_child(_child(root, "body"), "attribute"), "expression"), source, 0)
    except _TooDeep:
        return Opaque((), text, line)
    if isinstance(expr, Template):
        parts = list(expr.parts)
        if parts and isinstance(parts[-1], str):
            parts[-1] = parts[-1].removesuffix("\n")
        parts = [p for p in parts if p != ""]
        if len(parts) == 1 and not isinstance(parts[0], str):
            return parts[0]
        return Template(tuple(parts), text, line)
    return expr


def _body(node: Node | None, source: bytes) -> Body:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    if node is None:
        return Body()
    for child in node.named_children:
        if child.type == "attribute":
            attr = _attribute(child, source)
            attributes.setdefault(attr.name, attr)
        elif child.type == "block":
            blocks.append(_block(child, source))
    return Body(attributes, tuple(blocks))


def _attribute(node: Node, source: bytes) -> Attribute:
    name = _text(_child(node, "identifier"), source)
    return Attribute(name, _expression(_child(node, "expression"), source, 0), _line(node))


def _block(node: Node, source: bytes) -> Block:
    block_type = ""
    labels: list[str] = []
    for child in node.children:
        if child.type == "identifier":
            if block_type:
                labels.append(_text(child, source))
            else:
                block_type = _text(child, source)
        elif child.type == "string_lit":
            labels.append(_unescape(_quoted_content(child, source)))
    return Block(block_type, tuple(labels), _body(_child(node, "body"), source), _line(node))


__all__ = [
    "Attribute",
    "Block",
    "Body",
    "Call",
    "Conditional",
    "Expr",
    "ForExpr",
    "HclFile",
    "Literal",
    "ObjectExpr",
    "Opaque",
    "Operation",
    "Template",
    "Traversal",
    "TupleExpr",
    "parse",
    "parse_template",
]
