"""Convert tree-sitter HCL expression nodes into the ``Expr`` records of ``expressions``.

``hcl`` parses files and walks blocks and bodies, and hands each attribute's expression node here.

It runs once per node of every file: each node's ``children`` are read once, and the commonest shape, a
dotted traversal (``var.a.b``), is read from its text without visiting its name nodes.
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
from .hcl_nodes import (
    BOOL_LIT,
    COLLECTION_VALUE,
    CONDITIONAL,
    ELLIPSIS,
    EXPRESSION,
    FOR_COND,
    FOR_EXPR,
    FOR_INTRO,
    FOR_OBJECT_EXPR,
    FUNCTION_ARGUMENTS,
    FUNCTION_CALL,
    GET_ATTR,
    HEREDOC_IDENTIFIER,
    HEREDOC_START,
    HEREDOC_TEMPLATE,
    IDENTIFIER,
    INDEX,
    LEGACY_INDEX,
    LITERAL_VALUE,
    LPAREN,
    NULL_LIT,
    NUMERIC_LIT,
    OBJECT_ELEM,
    OPERATION,
    SPLAT,
    TEMPLATE_DIRECTIVE,
    TEMPLATE_EXPR,
    TEMPLATE_INTERPOLATION,
    TUPLE,
    VARIABLE_EXPR,
    Source,
    first_child,
    node_line,
    node_text,
    quoted_content,
    unescape,
)

#: Guards the recursive conversion against pathologically deep expressions.
MAX_DEPTH = 200
_POSTFIX = frozenset({GET_ATTR, INDEX, SPLAT})
#: A traversal written as plain dotted names (``var.a.b``, ``each``), nothing between a dot and a name.
_DOTTED = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*", re.ASCII)
_LITERAL_WORDS = frozenset({"true", "false", "null"})
_PLAIN_STRING = re.compile(r'"[^"\\\n]*"')


#: Root and steps of dotted traversals already read: the same few (``var.project.project_id``) recur in
#: every file of a configuration. Emptied when full; the tuples are immutable, so records share them.
_DOTTED_SEEN: dict[str, tuple[str, tuple]] = {}
_DOTTED_SEEN_LIMIT = 20_000


class _TooDeep(Exception):
    pass


def _dotted(text: str) -> tuple[str, tuple] | None:
    if not _DOTTED.fullmatch(text):  # before the lookup: hashing a long text costs more than this
        return None
    found = _DOTTED_SEEN.get(text)
    if found is None:
        names = text.split(".")
        if names[0] in _LITERAL_WORDS:
            return None
        if len(_DOTTED_SEEN) >= _DOTTED_SEEN_LIMIT:
            _DOTTED_SEEN.clear()
        found = _DOTTED_SEEN[text] = (names[0], tuple([("attr", name) for name in names[1:]]))
    return found


def _expression(node: Node | None, source: str | Source, depth: int) -> Expr:
    if node is None:
        return Opaque((), "", 1)
    if depth > MAX_DEPTH:
        raise _TooDeep()
    if node.kind_id != EXPRESSION:
        return _term(node, source, depth + 1)
    # The two commonest shapes are read from the text: in an error-free tree only a variable_expr and
    # get_attr steps spell ``var.a.b``, and only a string_lit a quoted string with no escape or template.
    text = source[node.start_byte : node.end_byte]
    if text[:1] == '"':
        if "{" not in text and _PLAIN_STRING.fullmatch(text):
            return Literal(text[1:-1], text, node_line(node))
    else:
        dotted = _dotted(text)
        if dotted is not None:
            return Traversal(dotted[0], None, dotted[1], text, node_line(node))
    children = node.children
    if len(children) == 1:
        return _term(children[0], source, depth + 1)
    if children and children[0].kind_id == LPAREN:
        inner = _expression(children[1], source, depth + 1)
        rest = [c for c in children[2:] if c.kind_id in _POSTFIX]
        return _with_postfix(inner, rest, node_text(node, source), source, depth) if rest else inner
    return _sequence(children, source, depth)


def _sequence(nodes: list[Node], source: str | Source, depth: int) -> Expr:
    """A term followed by get_attr/index/splat nodes."""
    term = nodes[0]
    rest = [n for n in nodes[1:] if n.kind_id in _POSTFIX]
    if not rest:
        return _term(term, source, depth + 1)
    text = source[term.start_byte : rest[-1].end_byte]
    if term.kind_id == VARIABLE_EXPR:  # the common ``var.name``: no Traversal for the bare root
        root = node_text(term, source)
        return Traversal(root, None, _steps(rest, source, depth), text, node_line(term))
    return _with_postfix(_term(term, source, depth + 1), rest, text, source, depth)


def _with_postfix(base: Expr, rest: list[Node], text: str, source: str | Source, depth: int) -> Expr:
    if isinstance(base, Traversal) and base.source is None and not base.steps:
        return Traversal(base.root, None, _steps(rest, source, depth), text, base.line)
    return Traversal(None, base, _steps(rest, source, depth), text, base.line)


def _steps(rest: list[Node], source: str | Source, depth: int) -> tuple:
    steps: list = []
    for postfix in rest:
        _postfix_steps(postfix, source, depth, steps)
    return tuple(steps)


def _postfix_steps(node: Node, source: str | Source, depth: int, steps: list) -> None:
    kind = node.kind_id
    if kind == GET_ATTR:
        name = node.children[-1]  # "." then the name (comments between them are children too)
        steps.append(("attr", node_text(name, source)))
    elif kind == INDEX:
        inner = node.named_children[0] if node.named_children else None
        if inner is not None and inner.kind_id == LEGACY_INDEX:
            number = node_text(inner, source).lstrip(".")
            value = int(number) if number.isdecimal() else number
            steps.append(("index", Literal(value, number, node_line(inner))))
        elif inner is not None:
            steps.append(("index", _expression(first_child(inner, EXPRESSION), source, depth + 1)))
    elif kind == SPLAT:
        steps.append(("splat", None))
        for inner in node.named_children:
            for sub in inner.named_children:
                _postfix_steps(sub, source, depth, steps)


def _term(node: Node, source: str | Source, depth: int) -> Expr:
    kind = node.kind_id
    if kind == VARIABLE_EXPR:
        text = node_text(node, source)
        return Traversal(text, None, (), text, node_line(node))
    if kind == EXPRESSION:
        return _expression(node, source, depth + 1)
    if kind == LITERAL_VALUE:
        return _literal(node.named_children[0], source)
    if kind == TEMPLATE_EXPR:
        return _template(node.named_children[0], source, depth)
    if kind == FUNCTION_CALL:
        return _call(node, source, depth)
    if kind == COLLECTION_VALUE:
        return _collection(node.named_children[0], source, depth)
    if kind == FOR_EXPR:
        return _for(node.named_children[0], source, depth)
    if kind == CONDITIONAL:
        parts = [_expression(c, source, depth + 1) for c in node.named_children]
        if len(parts) == 3:
            return Conditional(parts[0], parts[1], parts[2], node_text(node, source), node_line(node))
    if kind == OPERATION:
        return _operation(node.named_children[0], source, depth)
    inner = tuple(_expression(c, source, depth + 1) for c in _inner_expressions(node))
    return Opaque(inner, node_text(node, source), node_line(node))


def _inner_expressions(node: Node) -> list[Node]:
    found: list[Node] = []
    for child in node.named_children:
        if child.kind_id == EXPRESSION:
            found.append(child)
        else:
            found.extend(_inner_expressions(child))
    return found


def _literal(node: Node, source: str | Source) -> Literal:
    text, line = node_text(node, source), node_line(node)
    kind = node.kind_id
    if kind == NUMERIC_LIT:
        try:
            number: float = float(text)
        except ValueError:
            return Literal(text, text, line)
        return Literal(
            int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number,
            text,
            line,
        )
    if kind == BOOL_LIT:
        return Literal(text == "true", text, line)
    if kind == NULL_LIT:
        return Literal(None, text, line)
    return Literal(unescape(quoted_content(node, source)), text, line)


def _operation(node: Node, source: str | Source, depth: int) -> Expr:
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
    return Operation(operator, operands, node_text(node, source), node_line(node))


def _call(node: Node, source: str | Source, depth: int) -> Call:
    name = node_text(first_child(node, IDENTIFIER), source)
    args_node = first_child(node, FUNCTION_ARGUMENTS)
    args: tuple = ()
    expand = False
    if args_node is not None:
        children = args_node.children
        args = tuple(_expression(c, source, depth + 1) for c in children if c.kind_id == EXPRESSION)
        expand = any(c.kind_id == ELLIPSIS for c in children)
    return Call(name, args, expand, node_text(node, source), node_line(node))


def _collection(node: Node, source: str | Source, depth: int) -> Expr:
    text, line = node_text(node, source), node_line(node)
    if node.kind_id == TUPLE:
        items = tuple(_expression(c, source, depth + 1) for c in node.children if c.kind_id == EXPRESSION)
        return TupleExpr(items, text, line)
    items_list = []
    for elem in node.children:
        if elem.kind_id != OBJECT_ELEM:
            continue
        exprs = [c for c in elem.children if c.kind_id == EXPRESSION]
        if len(exprs) != 2:
            continue
        key = _expression(exprs[0], source, depth + 1)
        if isinstance(key, Traversal) and key.source is None and not key.steps:
            key = Literal(key.root, key.text, key.line)
        items_list.append((key, _expression(exprs[1], source, depth + 1)))
    return ObjectExpr(tuple(items_list), text, line)


def _for(node: Node, source: str | Source, depth: int) -> Expr:
    text, line = node_text(node, source), node_line(node)
    intro = first_child(node, FOR_INTRO)
    names = [node_text(c, source) for c in intro.children if c.kind_id == IDENTIFIER]
    collection = _expression(first_child(intro, EXPRESSION), source, depth + 1)
    body = [c for c in node.children if c.kind_id == EXPRESSION]
    cond_node = first_child(node, FOR_COND)
    condition = _expression(first_child(cond_node, EXPRESSION), source, depth + 1) if cond_node else None
    key_var, value_var = (names[0], names[1]) if len(names) > 1 else (None, names[0] if names else "_")
    if node.kind_id == FOR_OBJECT_EXPR and len(body) >= 2:
        return ForExpr(
            key_var,
            value_var,
            collection,
            _expression(body[0], source, depth + 1),
            _expression(body[1], source, depth + 1),
            condition,
            any(c.kind_id == ELLIPSIS for c in node.children),
            text,
            line,
        )
    value = _expression(body[0], source, depth + 1) if body else Opaque((), "", line)
    return ForExpr(key_var, value_var, collection, None, value, condition, False, text, line)


def _template(node: Node, source: str | Source, depth: int) -> Expr:
    text, line = node_text(node, source), node_line(node)
    children = node.children
    if node.kind_id == HEREDOC_TEMPLATE:
        identifiers = [c for c in children if c.kind_id == HEREDOC_IDENTIFIER]
        if len(identifiers) < 2:
            return Opaque((), text, line)
        newline = source.find("\n", identifiers[0].end_byte)
        start = identifiers[0].end_byte if newline < 0 else newline + 1
        end = source.rfind("\n", 0, identifiers[-1].start_byte) + 1
        end = max(start, end)
        heredoc_start = first_child(node, HEREDOC_START)
        strip = heredoc_start is not None and "-" in node_text(heredoc_start, source)
        parts = _template_parts(children, source, start, end, depth, backslashes=False)
        return Template(tuple(_dedent(parts) if strip else parts), text, line)
    start = children[0].end_byte if children else node.start_byte
    end = children[-1].start_byte if len(children) > 1 else node.end_byte
    return Template(tuple(_template_parts(children, source, start, end, depth, backslashes=True)), text, line)


def _template_parts(
    children: list[Node], source: str | Source, start: int, end: int, depth: int, backslashes: bool
) -> list:
    parts: list = []
    position = start
    for child in children:
        kind = child.kind_id
        if kind != TEMPLATE_INTERPOLATION and kind != TEMPLATE_DIRECTIVE:
            continue
        if child.start_byte < start or child.end_byte > end:
            continue
        literal = source[position : child.start_byte]
        if literal:
            parts.append(unescape(literal, backslashes))
        if kind == TEMPLATE_INTERPOLATION:
            parts.append(_expression(first_child(child, EXPRESSION), source, depth + 1))
        else:
            inner = tuple(_expression(c, source, depth + 1) for c in _inner_expressions(child))
            parts.append(Opaque(inner, node_text(child, source), node_line(child)))
        position = child.end_byte
    tail = source[position:end]
    if tail:
        parts.append(unescape(tail, backslashes))
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
