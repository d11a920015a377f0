"""``count`` and ``for_each``: the instance keys of a resource or module call and their bindings."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..model import Unknown
from .hcl import Body, Expr

#: More instances than this are not expanded (the keys are treated as unknown).
MAX_INSTANCES = 10_000

UNKNOWN_BINDINGS = {
    "each": {"key": Unknown("each.key"), "value": Unknown("each.value")},
    "count": {"index": Unknown("count.index")},
}


def instance_key(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(key)}]"


def expand(body: Body, scope: Any, evaluate: Callable[[Expr, Any], Any]) -> list[tuple[Any, dict]] | None:
    """The instance keys of a block with their ``each``/``count`` bindings; None when unknown, and an
    empty list when the block has no instance (``count = 0``, ``for_each = {}``).

    ``evaluate(expr, scope)`` evaluates the ``count``/``for_each`` expression.
    """
    count = body.attributes.get("count")
    for_each = body.attributes.get("for_each")
    if count is not None:
        value = evaluate(count.expr, scope)
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, str) and value.isdecimal():
            value = int(value)  # Terraform converts a string count, as from a -var or TF_VAR_ value
        if not isinstance(value, int) or value < 0 or value > MAX_INSTANCES:
            return None
        return [(index, {"count": {"index": index}}) for index in range(value)]
    if for_each is not None:
        value = evaluate(for_each.expr, scope)
        if isinstance(value, dict):
            return [(key, {"each": {"key": key, "value": value[key]}}) for key in sorted(value)]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [(key, {"each": {"key": key, "value": key}}) for key in sorted(set(value))]
        return None
    return [(None, {})]
