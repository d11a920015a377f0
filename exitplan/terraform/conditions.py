"""Blocks switched off in the code: the ``count``/``for_each`` that gives no instance, and what switches it.

``count = var.enable_search ? 1 : 0`` with the default ``false`` gives no instance of the resource;
Terraform creates nothing, but the code says what enabling it would add. The condition is recorded with
its source text and place, and with the root variables it depends on, followed through locals and
module inputs (``count = var.create ? 1 : 0`` in a module called with ``create = var.enable_search``
is switched by ``var.enable_search``).
"""

from __future__ import annotations

from ..model import Condition
from .instances import ModuleInstance
from .modules import Declared
from .references import resolver_for

#: Locals and module inputs followed before giving up on naming the switch.
MAX_SWITCH_DEPTH = 12


def block_condition(declared: Declared, instance: ModuleInstance) -> Condition | None:
    """The condition of ``declared`` (a resource or module call in ``instance``), from its own
    ``count`` or ``for_each``; None when it has neither."""
    attributes = declared.block.body.attributes
    attribute = attributes.get("count") or attributes.get("for_each")
    if attribute is None:
        return None
    return Condition(
        " ".join(attribute.expr.text.split()),
        declared.file,
        attribute.line,
        tuple(sorted(switches(attribute.expr, instance))),
    )


def dormant_condition(instance: ModuleInstance) -> Condition | None:
    """The condition of the module call that left ``instance`` (or a module around it) with no key."""
    off = instance.switched_off_at
    if off is None or off.call is None or off.parent is None:
        return None
    return block_condition(off.call, off.parent)


def switches(expr, instance: ModuleInstance, depth: int = 0) -> set[str]:
    """The variables ``expr`` depends on, as root variables (``var.x``) where module inputs lead to
    them, else as the module's own input (``module.search.var.create``) that its default decides."""
    resolver = resolver_for(instance)
    # once per (module instance, expression, depth): resources and calls of a module share their locals;
    # the objects are kept with the answer, so their ids stay theirs
    key = (id(instance), id(expr), depth)
    known = resolver.switches.get(key)
    if known is None:
        known = resolver.switches[key] = (instance, expr, frozenset(_switches(expr, instance, depth)))
    return set(known[2])


def _switches(expr, instance: ModuleInstance, depth: int) -> set[str]:
    found: set[str] = set()
    if depth > MAX_SWITCH_DEPTH:
        return found
    for traversal in resolver_for(instance).traversals(expr):  # computed once per expression
        step = traversal.steps[0] if traversal.steps else None
        name = step[1] if step is not None and step[0] == "attr" else None
        if name is None:
            continue
        if traversal.root == "local" and name in instance.module.locals:
            found |= switches(instance.module.locals[name], instance, depth + 1)
        elif traversal.root == "var":
            given = instance.call.block.body.attributes.get(name) if instance.call is not None else None
            if instance.parent is None:
                found.add(f"var.{name}")
            elif given is None:
                found.add(f"{instance.prefix}var.{name}")
            else:
                found |= switches(given.expr, instance.parent, depth + 1)
    return found
