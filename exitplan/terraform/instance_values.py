"""The resource instances a value holds: ``each.value`` of a ``for_each`` over a module's instances or
over a resource, and what of it an ``each.value…`` traversal reaches (``references.py`` follows them)."""

from __future__ import annotations

from typing import Any

from .arguments import InstanceObject
from .expressions import Literal, Template
from .functions import to_string
from .instances import Step

#: Resource instances looked for in one ``each.value`` (and how deep), for per-instance references.
MAX_INSTANCE_OBJECTS = 1_000
MAX_OBJECT_DEPTH = 20


def instance_kind(item: InstanceObject, own_steps: tuple[Step, ...]) -> str:
    """How a resource instance that ``each.value`` holds reached this module instance."""
    steps = tuple(item.steps)
    if steps == own_steps:
        return "reference"
    if steps[: len(own_steps)] == own_steps:
        return "module-output"
    return "module-input"


def along(value: Any, steps) -> Any:
    """What ``value`` holds at the leading attribute and literal index ``steps`` (``each.value.name``),
    stopping at a resource instance or at a step that needs evaluating; None when it holds nothing."""
    for kind, argument in steps:
        if isinstance(value, InstanceObject):
            return value
        if kind == "attr":
            key = argument
        elif kind == "index" and isinstance(argument, Literal):
            key = argument.value
        elif (
            kind == "index"
            and isinstance(argument, Template)
            and all(isinstance(p, str) for p in argument.parts)
        ):
            key = "".join(argument.parts)
        else:
            return value
        if isinstance(value, dict):
            value = value.get(
                to_string(key) if isinstance(key, int | float) and not isinstance(key, bool) else key
            )
        elif isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
            value = value[key] if 0 <= key < len(value) else None
        else:
            return None
    return value


def instance_objects(value: Any, memo: dict | None = None) -> list[InstanceObject]:
    """The resource instances in ``value`` (bounded in number and depth), in depth-first order.

    ``memo`` remembers, per dict or list, the instances under it and how deep they lie, so a module's
    outputs that many values share are walked once; a remembered part is reused only where walking it
    again would meet neither bound, so the result is the same as walking everything.
    """
    found: list[InstanceObject] = []
    memo = {} if memo is None else memo

    def visit(item: Any, depth: int) -> int | None:
        """How deep ``item`` reaches below itself; None when a bound cut the walk inside it."""
        if len(found) >= MAX_INSTANCE_OBJECTS or depth > MAX_OBJECT_DEPTH:
            return None
        if isinstance(item, InstanceObject):
            found.append(item)
            return 0
        if isinstance(item, dict):
            inner_items = item.values()
        elif isinstance(item, list):
            inner_items = item
        else:
            return 0
        known = memo.get(id(item))
        if known is not None and known[0] is item:
            _, objects, height = known
            if depth + height <= MAX_OBJECT_DEPTH and len(found) + len(objects) <= MAX_INSTANCE_OBJECTS:
                found.extend(objects)
                return height
        start, height, cut = len(found), 0, False
        for inner in inner_items:
            below = visit(inner, depth + 1)
            if below is None:
                cut = True
            else:
                height = max(height, below + 1)
        if cut:
            return None
        memo[id(item)] = (item, found[start:], height)
        return height

    visit(value, 0)
    return found
