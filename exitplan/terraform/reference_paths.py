"""The parts of a traversal that narrow what a reference ends at, and the address a target has.

After a name, the attribute names and literal keys read from it (``var.combined.network.id``) pick one item
of an object or tuple constructor, or are appended to the traversal the name stands for. A module step
whose key the reference itself named (``module.projects["platform"]``) is :class:`Pinned`: its key stays in
the target's address even where the reader does not share that step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .expand import instance_key
from .expressions import Expr, Literal, ObjectExpr, Traversal, TupleExpr
from .instances import Step, module_prefix

MAX_PATH = 4  # attribute names and keys after a name that narrow what it is followed to

Target = tuple[tuple[Step, ...], str, str]  # (module steps, address inside the module, kind)


@dataclass(frozen=True, slots=True)
class Pinned:
    """The instance key of a module step that the reference itself named: kept in the target's address
    whether or not the reader shares that step."""

    key: Any


def attr_name(traversal: Traversal, position: int) -> str | None:
    if len(traversal.steps) > position and traversal.steps[position][0] == "attr":
        return traversal.steps[position][1]
    return None


def path_after(steps: tuple, start: int) -> tuple[tuple[str, Any], ...]:
    """The attribute names and literal keys read after ``start``, as ``("attr", name)``/``("key", key)``,
    up to the first other step and at most MAX_PATH of them."""
    path = []
    for kind, argument in steps[start : start + MAX_PATH]:
        if kind == "attr":
            path.append(("attr", argument))
        elif kind == "index" and isinstance(argument, Literal) and isinstance(argument.value, str | int):
            path.append(("key", argument.value))
        else:
            break
    return tuple(path)


def steps_of(path: tuple, where: Expr) -> tuple:
    return tuple(
        ("attr", name) if kind == "attr" else ("index", Literal(name, json.dumps(name), where.line))
        for kind, name in path
    )


def item_at(expr: ObjectExpr | TupleExpr, step: tuple[str, Any]) -> Expr | None:
    """The item of an object or tuple constructor that an attribute name or key names, if it is plain."""
    _, name = step
    if isinstance(expr, TupleExpr):
        if isinstance(name, int) and not isinstance(name, bool) and 0 <= name < len(expr.items):
            return expr.items[name]
        return None
    for key, value in expr.items:
        if not isinstance(key, Literal):
            return None  # a computed key could be any of them
        if key.value == name:
            return value
    return None


def target_address(target: Target, own_steps: tuple[Step, ...]) -> str:
    steps, address, _ = target
    if steps == own_steps:
        return module_prefix(steps) + address
    shared, limit = 0, min(len(steps), len(own_steps))
    while shared < limit and steps[shared] == own_steps[shared]:
        shared += 1
    parts = [module_prefix(steps[:shared])]
    for name, key in steps[shared:]:
        parts.append(f"module.{name}{instance_key(key.key) if isinstance(key, Pinned) else ''}.")
    return "".join(parts) + address
