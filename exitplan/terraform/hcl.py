"""Parse HCL (Terraform/OpenTofu native syntax) with tree-sitter into plain records with line numbers.

The records are independent of tree-sitter: ``Body`` holds ``Attribute`` and ``Block`` values, and every
expression becomes a small ``Expr`` tree (``Literal``, ``Template``, ``Traversal``, ``Call``, …, converted
in ``expression_parser``) that the evaluator in ``evaluate`` walks. A file with syntax errors is parsed again
in top-level chunks, so blocks before and after a broken one are still read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node, Parser

from .expression_parser import _expression, _TooDeep
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
from .hcl_nodes import (
    ATTRIBUTE,
    BLOCK,
    BODY,
    EXPRESSION,
    IDENTIFIER,
    LANGUAGE,
    STRING_LIT,
    Source,
    first_child,
    node_line,
    node_text,
    quoted_content,
    source_of,
    unescape,
)

_PARSER = Parser(LANGUAGE)


# Attribute, Block and Body: a file yields dozens of them, and the __init__ dataclasses writes for a frozen
# class sets each field through object.__setattr__ (three times slower), so theirs fill the instance dict.
# They stay frozen (assigning a field raises FrozenInstanceError), compared and hashed by value.


@dataclass(frozen=True, init=False)
class Attribute:
    name: str
    expr: Expr
    line: int

    def __init__(self, name: str, expr: Expr, line: int) -> None:
        self.__dict__.update(name=name, expr=expr, line=line)


@dataclass(frozen=True, init=False)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    line: int

    def __init__(self, type: str, labels: tuple[str, ...], body: Body, line: int) -> None:  # noqa: A002
        self.__dict__.update(type=type, labels=labels, body=body, line=line)


@dataclass(frozen=True, init=False)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()

    def __init__(
        self, attributes: dict[str, Attribute] | None = None, blocks: tuple[Block, ...] = ()
    ) -> None:
        self.__dict__.update(attributes={} if attributes is None else attributes, blocks=blocks)

    def blocks_of(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]


@dataclass(frozen=True)
class HclFile:
    body: Body
    error: str | None = None
    error_line: int | None = None


#: With ``skim``, the arguments of these top-level blocks that are kept (their other arguments and nested
#: blocks, such as descriptions and validations, are never read from a module); ``type`` is kept as text.
SKIMMED = {
    "variable": frozenset({"default", "sensitive", "type"}),
    "output": frozenset({"value", "sensitive"}),
    "terraform": frozenset(),
}


def parse(text: str, skim: bool = False) -> HclFile:
    """Parse a whole file; on syntax errors, parse top-level chunks one by one and keep the good ones.
    ``skim`` (a Terraform module's file) leaves out what :data:`SKIMMED` says no reader needs."""
    data = text.encode("utf-8")
    root = _PARSER.parse(data).root_node
    if not root.has_error:
        try:
            return HclFile(_body(first_child(root, BODY), source_of(text, data), SKIMMED if skim else None))
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
        chunk_text = "\n" * line_offset + text[begin:end]
        chunk = chunk_text.encode("utf-8")
        root = _PARSER.parse(chunk).root_node
        if root.has_error:
            error_line = _first_error_line(root)
            if first_error is None or (error_line is not None and error_line < first_error):
                first_error = error_line
        body_node = first_child(root, BODY)
        if body_node is None:
            continue
        source = source_of(chunk_text, chunk)
        for node in body_node.named_children:
            if node.has_error:
                continue
            try:
                if node.kind_id == ATTRIBUTE:
                    attr = _attribute(node, source)
                    attributes.setdefault(attr.name, attr)
                elif node.kind_id == BLOCK:
                    blocks.append(_block(node, source))
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
    wrapped = f"{padding}x = <<{marker}\n{text}\n{marker}\n"
    data = wrapped.encode()
    root = _PARSER.parse(data).root_node
    if root.has_error:
        return Opaque((), text, line)
    try:
        node = first_child(first_child(first_child(root, BODY), ATTRIBUTE), EXPRESSION)
        expr = _expression(node, source_of(wrapped, data), 0)
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


def _body(node: Node | None, source: str | Source, skim: dict[str, frozenset[str]] | None = None) -> Body:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    if node is None:
        return Body()
    for child in node.children:
        kind = child.kind_id
        if kind == ATTRIBUTE:
            attr = _attribute(child, source)
            attributes.setdefault(attr.name, attr)
        elif kind == BLOCK:
            blocks.append(_block(child, source, skim))
    return Body(attributes, tuple(blocks))


def _kept(node: Node | None, source: str | Source, keep: frozenset[str]) -> Body:
    """A skimmed block's body: only the arguments in ``keep``, ``type`` as its text alone."""
    attributes: dict[str, Attribute] = {}
    for child in node.children if node is not None else ():
        if child.kind_id != ATTRIBUTE:
            continue
        name = node_text(child.children[0], source)
        if name not in keep or name in attributes:
            continue
        if name == "type":
            value = first_child(child, EXPRESSION)
            text = node_text(value, source) if value is not None else ""
            attributes[name] = Attribute(name, Opaque((), text, node_line(child)), node_line(child))
        else:
            attributes[name] = _attribute(child, source)
    return Body(attributes, ())


def _attribute(node: Node, source: str | Source) -> Attribute:
    children = node.children  # name, "=", value; comments can sit between them, never around them
    name, value = children[0], children[-1]
    if name.kind_id != IDENTIFIER or value.kind_id != EXPRESSION:
        name, value = first_child(node, IDENTIFIER), first_child(node, EXPRESSION)
    return Attribute(node_text(name, source), _expression(value, source, 0), node_line(node))


def _block(node: Node, source: str | Source, skim: dict[str, frozenset[str]] | None = None) -> Block:
    block_type = ""
    labels: list[str] = []
    body = None
    for child in node.children:
        kind = child.kind_id
        if kind == IDENTIFIER:
            if block_type:
                labels.append(node_text(child, source))
            else:
                block_type = node_text(child, source)
        elif kind == STRING_LIT:
            labels.append(unescape(quoted_content(child, source)))
        elif kind == BODY and body is None:
            body = child
    keep = skim.get(block_type) if skim is not None else None
    contents = _body(body, source) if keep is None else _kept(body, source, keep)
    return Block(block_type, tuple(labels), contents, node_line(node))


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
