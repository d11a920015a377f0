"""The records an HCL expression becomes: ``Literal``, ``Template``, ``Traversal``, ``Call``, … with lines.

They are independent of tree-sitter: ``expression_parser`` builds them from the parse tree, and the
evaluator in ``evaluate`` walks them.
"""

from __future__ import annotations

from dataclasses import dataclass


class Expr:
    """Base of the expression records; ``text`` is the source text, ``line`` 1-based."""

    text: str
    line: int


@dataclass(frozen=True, eq=False)
class Literal(Expr):
    value: object
    text: str
    line: int


@dataclass(frozen=True, eq=False)
class Template(Expr):
    parts: tuple  # str | Expr
    text: str
    line: int


@dataclass(frozen=True, eq=False)
class Traversal(Expr):
    """``root`` (a name) or ``source`` (an expression) followed by steps.

    Steps: ``("attr", name)``, ``("index", Expr)``, ``("splat", None)``.
    """

    root: str | None
    source: Expr | None
    steps: tuple
    text: str
    line: int


@dataclass(frozen=True, eq=False)
class Call(Expr):
    name: str
    args: tuple
    expand_last: bool
    text: str
    line: int


@dataclass(frozen=True, eq=False)
class TupleExpr(Expr):
    items: tuple
    text: str
    line: int


@dataclass(frozen=True, eq=False)
class ObjectExpr(Expr):
    items: tuple  # (key Expr, value Expr); a bare identifier key is a Literal string
    text: str
    line: int


@dataclass(frozen=True, eq=False)
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


@dataclass(frozen=True, eq=False)
class Conditional(Expr):
    condition: Expr
    then: Expr
    otherwise: Expr
    text: str
    line: int


@dataclass(frozen=True, eq=False)
class Operation(Expr):
    operator: str
    operands: tuple
    text: str
    line: int


@dataclass(frozen=True, eq=False)
class Opaque(Expr):
    """An expression that is never evaluated (template directives, unknown syntax); ``children`` still
    carry the references inside it."""

    children: tuple
    text: str
    line: int
