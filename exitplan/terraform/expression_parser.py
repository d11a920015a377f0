"""Convert tree-sitter HCL expression nodes into the ``Expr`` records of ``expressions``.

``hcl`` parses files and walks blocks and bodies, and hands each attribute's expression node here.
"""

from __future__ import annotations

import re

from tree_sitter import Node

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

#: Guards the recursive conversion against pathologically deep expressions.
MAX_DEPTH = 200


class _TooDeep(Exception):
    pass


def _child(node: Node | None, node_type: str) -> Node | None:
    if node is None:
        return None
    for child in node.children:
        if child.type == node_type:
            return child
    return None


def _text(node: Node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _line(node: Node) -> int:
    return node.start_point[0] + 1


def _quoted_content(node: Node, source: bytes) -> str:
    start = node.children[0].end_byte if node.children else node.start_byte
    end = node.children[-1].start_byte if len(node.children) > 1 else node.end_byte
    return source[start:end].decode("utf-8", "replace")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.S)


def _unescape(raw: str, backslashes: bool = True) -> str:
    def replace(match: re.Match) -> str:
        whole = match.group(0)
        if whole == "$${":
            return "${"
        if whole == "%%{":
            return "%{"
        if not backslashes:
            return whole
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, whole)

    return _ESCAPE_RE.sub(replace, raw)


_POSTFIX = frozenset({"get_attr", "index", "splat"})


def _expression(node: Node | None, source: bytes, depth: int) -> Expr:
    if node is None:
        return Opaque((), "", 1)
    if depth > MAX_DEPTH:
        raise _TooDeep()
    if node.type != "expression":
        return _sequence([node], source, depth)
    children = list(node.children)
    if children and children[0].type == "(":
        inner = _expression(children[1], source, depth + 1)
        rest = [c for c in children[2:] if c.type in _POSTFIX]
        return _with_postfix(inner, rest, node, source, depth)
    return _sequence(children, source, depth)


def _sequence(nodes: list[Node], source: bytes, depth: int) -> Expr:
    """A term followed by get_attr/index/splat nodes."""
    term, rest = nodes[0], [n for n in nodes[1:] if n.type in _POSTFIX]
    base = _term(term, source, depth + 1)
    if not rest:
        return base
    whole_text = source[term.start_byte : rest[-1].end_byte].decode("utf-8", "replace")
    return _with_postfix(base, rest, term, source, depth, whole_text)


def _with_postfix(
    base: Expr, rest: list[Node], node: Node, source: bytes, depth: int, text: str = ""
) -> Expr:
    if not rest:
        return base
    steps: list = []
    for postfix in rest:
        _postfix_steps(postfix, source, depth, steps)
    text = text or _text(node, source)
    if isinstance(base, Traversal) and base.source is None and not base.steps:
        return Traversal(base.root, None, tuple(steps), text, base.line)
    return Traversal(None, base, tuple(steps), text, base.line)


def _postfix_steps(node: Node, source: bytes, depth: int, steps: list) -> None:
    if node.type == "get_attr":
        steps.append(("attr", _text(_child(node, "identifier"), source)))
    elif node.type == "index":
        inner = node.named_children[0] if node.named_children else None
        if inner is not None and inner.type == "legacy_index":
            number = _text(inner, source).lstrip(".")
            value = int(number) if number.isdigit() else number
            steps.append(("index", Literal(value, number, _line(inner))))
        elif inner is not None:
            steps.append(("index", _expression(_child(inner, "expression"), source, depth + 1)))
    elif node.type == "splat":
        steps.append(("splat", None))
        for inner in node.named_children:
            for sub in inner.named_children:
                _postfix_steps(sub, source, depth, steps)


def _term(node: Node, source: bytes, depth: int) -> Expr:
    text, line = _text(node, source), _line(node)
    kind = node.type
    if kind == "expression":
        return _expression(node, source, depth + 1)
    if kind == "variable_expr":
        return Traversal(text, None, (), text, line)
    if kind == "literal_value":
        return _literal(node.named_children[0], source)
    if kind == "template_expr":
        return _template(node.named_children[0], source, depth)
    if kind == "function_call":
        return _call(node, source, depth)
    if kind == "collection_value":
        return _collection(node.named_children[0], source, depth)
    if kind == "for_expr":
        return _for(node.named_children[0], source, depth)
    if kind == "conditional":
        parts = [_expression(c, source, depth + 1) for c in node.named_children]
        if len(parts) == 3:
            return Conditional(parts[0], parts[1], parts[2], text, line)
    if kind == "operation":
        return _operation(node.named_children[0], source, depth)
    return Opaque(tuple(_expression(c, source, depth + 1) for c in _inner_expressions(node)), text, line)


def _inner_expressions(node: Node) -> list[Node]:
    found: list[Node] = []
    for child in node.named_children:
        if child.type == "expression":
            found.append(child)
        else:
            found.extend(_inner_expressions(child))
    return found


def _literal(node: Node, source: bytes) -> Literal:
    text, line = _text(node, source), _line(node)
    if node.type == "numeric_lit":
        try:
            number: float = float(text)
        except ValueError:
            return Literal(text, text, line)
        return Literal(
            int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number,
            text,
            line,
        )
    if node.type == "bool_lit":
        return Literal(text == "true", text, line)
    if node.type == "null_lit":
        return Literal(None, text, line)
    return Literal(_unescape(_quoted_content(node, source)), text, line)


def _operation(node: Node, source: bytes, depth: int) -> Expr:
    text, line = _text(node, source), _line(node)
    groups: list[list[Node]] = [[]]
    operator = ""
    for child in node.children:
        if child.is_named:
            groups[-1].append(child)
        else:
            operator = child.type
            if groups[-1]:
                groups.append([])
    operands = tuple(_sequence(group, source, depth + 1) for group in groups if group)
    return Operation(operator, operands, text, line)


def _call(node: Node, source: bytes, depth: int) -> Call:
    name = _text(_child(node, "identifier"), source)
    args_node = _child(node, "function_arguments")
    args: tuple = ()
    expand = False
    if args_node is not None:
        args = tuple(
            _expression(c, source, depth + 1) for c in args_node.named_children if c.type == "expression"
        )
        expand = any(c.type == "ellipsis" for c in args_node.children)
    return Call(name, args, expand, _text(node, source), _line(node))


def _collection(node: Node, source: bytes, depth: int) -> Expr:
    text, line = _text(node, source), _line(node)
    if node.type == "tuple":
        items = tuple(
            _expression(c, source, depth + 1) for c in node.named_children if c.type == "expression"
        )
        return TupleExpr(items, text, line)
    items_list = []
    for elem in node.named_children:
        if elem.type != "object_elem":
            continue
        exprs = [c for c in elem.named_children if c.type == "expression"]
        if len(exprs) != 2:
            continue
        key = _expression(exprs[0], source, depth + 1)
        if isinstance(key, Traversal) and key.source is None and not key.steps:
            key = Literal(key.root, key.text, key.line)
        items_list.append((key, _expression(exprs[1], source, depth + 1)))
    return ObjectExpr(tuple(items_list), text, line)


def _for(node: Node, source: bytes, depth: int) -> Expr:
    text, line = _text(node, source), _line(node)
    intro = _child(node, "for_intro")
    names = [_text(c, source) for c in intro.named_children if c.type == "identifier"]
    collection = _expression(_child(intro, "expression"), source, depth + 1)
    body = [c for c in node.named_children if c.type == "expression"]
    cond_node = _child(node, "for_cond")
    condition = _expression(_child(cond_node, "expression"), source, depth + 1) if cond_node else None
    key_var, value_var = (names[0], names[1]) if len(names) > 1 else (None, names[0] if names else "_")
    if node.type == "for_object_expr" and len(body) >= 2:
        return ForExpr(
            key_var,
            value_var,
            collection,
            _expression(body[0], source, depth + 1),
            _expression(body[1], source, depth + 1),
            condition,
            any(c.type == "ellipsis" for c in node.children),
            text,
            line,
        )
    value = _expression(body[0], source, depth + 1) if body else Opaque((), "", line)
    return ForExpr(key_var, value_var, collection, None, value, condition, False, text, line)


def _template(node: Node, source: bytes, depth: int) -> Expr:
    text, line = _text(node, source), _line(node)
    children = node.children
    if node.type == "heredoc_template":
        identifiers = [c for c in children if c.type == "heredoc_identifier"]
        if len(identifiers) < 2:
            return Opaque((), text, line)
        newline = source.find(b"\n", identifiers[0].end_byte)
        start = identifiers[0].end_byte if newline < 0 else newline + 1
        end = source.rfind(b"\n", 0, identifiers[-1].start_byte) + 1
        end = max(start, end)
        strip = _child(node, "heredoc_start") is not None and "-" in _text(
            _child(node, "heredoc_start"), source
        )
        parts = _template_parts(children, source, start, end, depth, backslashes=False)
        return Template(tuple(_dedent(parts) if strip else parts), text, line)
    start = children[0].end_byte if children else node.start_byte
    end = children[-1].start_byte if len(children) > 1 else node.end_byte
    return Template(tuple(_template_parts(children, source, start, end, depth, backslashes=True)), text, line)


def _template_parts(
    children: list[Node], source: bytes, start: int, end: int, depth: int, backslashes: bool
) -> list:
    parts: list = []
    position = start
    for child in children:
        if child.type not in ("template_interpolation", "template_directive"):
            continue
        if child.start_byte < start or child.end_byte > end:
            continue
        literal = source[position : child.start_byte].decode("utf-8", "replace")
        if literal:
            parts.append(_unescape(literal, backslashes))
        if child.type == "template_interpolation":
            parts.append(_expression(_child(child, "expression"), source, depth + 1))
        else:
            inner = tuple(_expression(c, source, depth + 1) for c in _inner_expressions(child))
            parts.append(Opaque(inner, _text(child, source), _line(child)))
        position = child.end_byte
    tail = source[position:end].decode("utf-8", "replace")
    if tail:
        parts.append(_unescape(tail, backslashes))
    return parts


def _dedent(parts: list) -> list:
    """``<<-`` heredocs: remove the smallest indentation of all lines, as Terraform does."""
    placeholder = "\x00"
    joined = "".join(p if isinstance(p, str) else placeholder for p in parts)
    lines = joined.split("\n")
    indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip(" \t")]
    cut = min(indents, default=0)
    dedented = "\n".join(ln[cut:] if ln.strip(" \t") else ln.lstrip(" \t") for ln in lines)
    exprs = iter([p for p in parts if not isinstance(p, str)])
    result: list = []
    for index, piece in enumerate(dedented.split(placeholder)):
        if index:
            result.append(next(exprs))
        if piece:
            result.append(piece)
    return result
