"""The records an HCL expression becomes: ``Literal``, ``Template``, ``Traversal``, ``Call``, … with lines.

They are independent of tree-sitter: ``expression_parser`` builds them from the parse tree, and the
evaluator in ``evaluate`` walks them.
"""

from __future__ import annotations

from dataclasses import dataclass


class Expr:
    """Base of the expression records; ``text`` is the source text, ``line`` 1-based.

    The records have slots, not an instance dict: a large repository holds millions of them (a third less
    memory, and quicker to make)."""

    __slots__ = ()
    text: str
    line: int


@dataclass(eq=False, slots=True)
class Literal(Expr):
    value: object
    text: str
    line: int


@dataclass(eq=False, slots=True)
class Template(Expr):
    parts: tuple  # str | Expr
    text: str
    line: int


@dataclass(eq=False, slots=True)
class Traversal(Expr):
    """``root`` (a name) or ``source`` (an expression) followed by steps.

    Steps: ``("attr", name)``, ``("index", Expr)``, ``("splat", None)``.
    """

    root: str | None
    source: Expr | None
    steps: tuple
    text: str
    line: int


@dataclass(eq=False, slots=True)
class Call(Expr):
    name: str
    args: tuple
    expand_last: bool
    text: str
    line: int


@dataclass(eq=False, slots=True)
class TupleExpr(Expr):
    items: tuple
    text: str
    line: int


@dataclass(eq=False, slots=True)
class ObjectExpr(Expr):
    items: tuple  # (key Expr, value Expr); a bare identifier key is a Literal string
    text: str
    line: int


@dataclass(eq=False, slots=True)
class ForExpr(Expr):
    key_var: str | None
    value_var: str
    collection: Expr
    key: Expr | None  # object form only
    value: Expr
    condition: Expr | None
    grouping: bool
    text: str
    line: int


@dataclass(eq=False, slots=True)
class Conditional(Expr):
    condition: Expr
    then: Expr
    otherwise: Expr
    text: str
    line: int


@dataclass(eq=False, slots=True)
class Operation(Expr):
    operator: str
    operands: tuple
    text: str
    line: int


@dataclass(eq=False, slots=True)
class Opaque(Expr):
    """An expression that is never evaluated (template directives, unknown syntax); ``children`` still
    carry the references inside it."""

    children: tuple
    text: str
    line: int


def traversals(expr: Expr, bound: frozenset[str] = frozenset()) -> list[Traversal]:
    """Every traversal in ``expr`` whose root is not a bound iterator name, in source order."""
    found: list[Traversal] = []
    _collect(expr, bound, found)
    return found


def _collect(expr: Expr, bound: frozenset[str], found: list[Traversal]) -> None:
    if isinstance(expr, Traversal):
        if expr.source is not None:
            _collect(expr.source, bound, found)
        elif expr.root not in bound:
            found.append(expr)
        for kind, argument in expr.steps:
            if kind == "index":
                _collect(argument, bound, found)
    elif isinstance(expr, Literal):
        return
    elif isinstance(expr, Template):
        for part in expr.parts:
            if not isinstance(part, str):
                _collect(part, bound, found)
    elif isinstance(expr, Call):
        for arg in expr.args:
            _collect(arg, bound, found)
    elif isinstance(expr, TupleExpr):
        for item in expr.items:
            _collect(item, bound, found)
    elif isinstance(expr, ObjectExpr):
        for key, value in expr.items:
            _collect(key, bound, found)
            _collect(value, bound, found)
    elif isinstance(expr, ForExpr):
        _collect(expr.collection, bound, found)
        inner = bound | {expr.value_var} | ({expr.key_var} if expr.key_var else set())
        for part in (expr.key, expr.value, expr.condition):
            if part is not None:
                _collect(part, inner, found)
    elif isinstance(expr, Conditional):
        for part in (expr.condition, expr.then, expr.otherwise):
            _collect(part, bound, found)
    elif isinstance(expr, Operation):
        for child in expr.operands:
            _collect(child, bound, found)
    elif isinstance(expr, Opaque):
        for child in expr.children:
            _collect(child, bound, found)
