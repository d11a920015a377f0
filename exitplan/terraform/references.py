"""Find the references in a resource's expressions and follow them to the resources they end at.

``var.x`` inside a module is followed through the caller's input (kind ``module-input``), ``local.x``
through the local's expression, ``module.m.out`` through the module's output (``module-output``). A
target keeps the instance keys of the module path it shares with the referring resource and drops the
others (the graph maps a key-less address to all its instances).

An instance of a resource whose ``for_each`` iterates other resources' instances (``for_each =
aws_ecr_repository.service``) has one of them as ``each.value``: its ``each.value…`` references, and the
reference its ``for_each`` makes to that resource, target that instance alone
(``aws_ecr_repository.service["api"]``), not every instance.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Reference
from .arguments import InstanceObject
from .functions import to_string
from .hcl import (
    Block,
    Body,
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
from .instances import ModuleInstance, Step, module_prefix
from .modules import Declared

MAX_FOLLOW_DEPTH = 30
#: Resource instances looked for in one ``each.value`` (and how deep), for per-instance references.
MAX_INSTANCE_OBJECTS = 1_000
MAX_OBJECT_DEPTH = 20
_NEVER_TARGETS = frozenset({"each", "count", "self", "path", "terraform"})

Target = tuple[tuple[Step, ...], str, str]  # (module steps, address inside the module, kind)


def traversals(expr: Expr, bound: frozenset[str] = frozenset()) -> Iterator[Traversal]:
    """Every traversal in ``expr`` whose root is not a bound iterator name, in source order."""
    if isinstance(expr, Traversal):
        if expr.source is not None:
            yield from traversals(expr.source, bound)
        elif expr.root not in bound:
            yield expr
        for kind, argument in expr.steps:
            if kind == "index":
                yield from traversals(argument, bound)
    elif isinstance(expr, Template):
        for part in expr.parts:
            if not isinstance(part, str):
                yield from traversals(part, bound)
    elif isinstance(expr, Call):
        for arg in expr.args:
            yield from traversals(arg, bound)
    elif isinstance(expr, TupleExpr):
        for item in expr.items:
            yield from traversals(item, bound)
    elif isinstance(expr, ObjectExpr):
        for key, value in expr.items:
            yield from traversals(key, bound)
            yield from traversals(value, bound)
    elif isinstance(expr, ForExpr):
        yield from traversals(expr.collection, bound)
        inner = bound | {expr.value_var} | ({expr.key_var} if expr.key_var else set())
        for part in (expr.key, expr.value, expr.condition):
            if part is not None:
                yield from traversals(part, inner)
    elif isinstance(expr, Conditional):
        for part in (expr.condition, expr.then, expr.otherwise):
            yield from traversals(part, bound)
    elif isinstance(expr, Operation | Opaque):
        children = expr.operands if isinstance(expr, Operation) else expr.children
        for child in children:
            yield from traversals(child, bound)


def _attr_name(traversal: Traversal, position: int) -> str | None:
    if len(traversal.steps) > position and traversal.steps[position][0] == "attr":
        return traversal.steps[position][1]
    return None


class Resolver:
    def __init__(self) -> None:
        self.depth = 0

    def follow(
        self, traversal: Traversal, instance: ModuleInstance, seen: frozenset = frozenset()
    ) -> set[Target]:
        root, first = traversal.root, _attr_name(traversal, 0)
        if root is None or root in _NEVER_TARGETS or first is None or self.depth > MAX_FOLLOW_DEPTH:
            return set()
        marker = (id(instance), root, first)
        if marker in seen:
            return set()
        seen = seen | {marker}
        self.depth += 1
        try:
            return self._follow(traversal, instance, root, first, seen)
        finally:
            self.depth -= 1

    def _follow(
        self, traversal: Traversal, instance: ModuleInstance, root: str, first: str, seen: frozenset
    ) -> set[Target]:
        module = instance.module
        if root == "var":
            if instance.parent is None or instance.call is None:
                return set()
            given = instance.call.block.body.attributes.get(first)
            if given is None:
                return set()
            found = self.follow_expr(given.expr, instance.parent, seen)
            return {(steps, address, "module-input") for steps, address, _ in found}
        if root == "local":
            expr = module.locals.get(first)
            return self.follow_expr(expr, instance, seen) if expr is not None else set()
        if root == "module":
            return self._module_output(traversal, instance, first, seen)
        if root == "data":
            second = _attr_name(traversal, 1)
            address = f"data.{first}.{second}"
            return {(instance.steps, address, "reference")} if address in module.resources else set()
        address = f"{root}.{first}"
        declared = module.resources.get(address)
        if declared is not None and declared.mode == "managed":
            return {(instance.steps, address, "reference")}
        return set()

    def follow_expr(self, expr: Expr, instance: ModuleInstance, seen: frozenset = frozenset()) -> set[Target]:
        found: set[Target] = set()
        for traversal in traversals(expr):
            found |= self.follow(traversal, instance, seen)
        return found

    def _module_output(
        self, traversal: Traversal, instance: ModuleInstance, name: str, seen: frozenset
    ) -> set[Target]:
        children = instance.children(name)
        if children.mode == "unresolved":
            if children.call is None:
                return set()
            return {(instance.steps, f"module.{name}", "module-output")}
        if not children.instances:
            return set()
        child = children.instances[0]
        position = 1
        if len(traversal.steps) > 1 and traversal.steps[1][0] == "index":
            position = 2
        output = _attr_name(traversal, position)
        names = [output] if output in child.module.outputs else list(child.module.outputs)
        found: set[Target] = set()
        for output_name in names:
            expr, _ = child.module.outputs[output_name]
            found |= {
                (steps, address, "module-output") for steps, address, _ in self.follow_expr(expr, child, seen)
            }
        return found

    def everything_in(self, instance: ModuleInstance, name: str) -> set[Target]:
        """``depends_on = [module.x]``: every resource of the module, nested modules included."""
        children = instance.children(name)
        if children.mode == "unresolved":
            return {(instance.steps, f"module.{name}", "depends_on")} if children.call else set()
        found: set[Target] = set()
        for child in children.instances[:1]:
            for address in child.module.resources:
                found.add((child.steps, address, "depends_on"))
            for call_name in child.module.calls:
                found |= self.everything_in(child, call_name)
        return found


def target_address(target: Target, own_steps: tuple[Step, ...]) -> str:
    steps, address, _ = target
    shared = 0
    while shared < min(len(steps), len(own_steps)) and steps[shared] == own_steps[shared]:
        shared += 1
    return module_prefix(steps, keep_keys=shared) + address


def resource_references(
    declared: Declared, instance: ModuleInstance, own_address: str, bindings: dict | None = None
) -> tuple[Reference, ...]:
    """The references of one block; ``bindings`` are the ``each``/``count`` values of the instance."""
    resolver = Resolver()
    found: set[Reference] = set()
    each = (bindings or {}).get("each")
    each = each if isinstance(each, dict) else {}

    def add(targets: set[Target], via: str, line: int, kind: str | None = None) -> None:
        for target in targets:
            address = target_address(target, instance.steps)
            if address != own_address:
                found.add(Reference(address, via, line, kind or target[2]))

    def add_for_each(targets: set[Target], line: int) -> None:
        """The instances ``each.value`` holds stand for the resources ``for_each`` names."""
        objects = _instance_objects(each.get("value"))
        for target in targets:
            steps, address, kind = target
            base = module_prefix(steps, keep_keys=0) + address
            mine = [o for o in objects if module_prefix(o.steps, keep_keys=0) + o.address == base]
            if not mine:
                add({target}, "for_each", line)
            for item in mine:
                found.add(Reference(item.text, "for_each", line, kind))

    def walk(body: Body, path: tuple[str, ...], bound: frozenset[str]) -> None:
        for attr in body.attributes.values():
            via = ".".join((*path, attr.name))
            if attr.name == "depends_on" and not path:
                _depends_on(attr.expr, instance, resolver, add)
                continue
            for traversal in traversals(attr.expr, bound):
                if traversal.root == "each" and each:
                    for item in _instance_objects(_along(each, traversal.steps)):
                        found.add(Reference(item.text, via, traversal.line, _kind(item, instance.steps)))
                    continue
                targets = resolver.follow(traversal, instance)
                if attr.name == "for_each" and not path and each:
                    add_for_each(targets, traversal.line)
                else:
                    add(targets, via, traversal.line)
        for block in body.blocks:
            _walk_block(block, path, bound, walk)

    walk(declared.block.body, (), frozenset())
    return tuple(sorted(found))


def _kind(item: InstanceObject, own_steps: tuple[Step, ...]) -> str:
    """How a resource instance that ``each.value`` holds reached this module instance."""
    steps = tuple(item.steps)
    if steps == own_steps:
        return "reference"
    if steps[: len(own_steps)] == own_steps:
        return "module-output"
    return "module-input"


def _along(value: Any, steps) -> Any:
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


def _instance_objects(value: Any) -> list[InstanceObject]:
    """The resource instances in ``value`` (bounded in number and depth)."""
    found: list[InstanceObject] = []

    def visit(item: Any, depth: int) -> None:
        if len(found) >= MAX_INSTANCE_OBJECTS or depth > MAX_OBJECT_DEPTH:
            return
        if isinstance(item, InstanceObject):
            found.append(item)
        elif isinstance(item, dict):
            for inner in item.values():
                visit(inner, depth + 1)
        elif isinstance(item, list):
            for inner in item:
                visit(inner, depth + 1)

    visit(value, 0)
    return found


def _walk_block(block: Block, path: tuple[str, ...], bound: frozenset[str], walk) -> None:
    if block.type != "dynamic" or not block.labels:
        walk(block.body, (*path, block.type), bound)
        return
    label = block.labels[0]
    iterator = block.body.attributes.get("iterator")
    iterator_name = iterator.expr.text.strip() if iterator is not None else label
    meta = Body({k: v for k, v in block.body.attributes.items() if k == "for_each"}, ())
    walk(meta, (*path, label), bound)
    for content in block.body.blocks_of("content"):
        walk(content.body, (*path, label), bound | {iterator_name})


def _depends_on(expr: Expr, instance: ModuleInstance, resolver: Resolver, add) -> None:
    for traversal in traversals(expr):
        if traversal.root == "module" and _attr_name(traversal, 0) is not None and len(traversal.steps) == 1:
            add(
                resolver.everything_in(instance, traversal.steps[0][1]),
                "depends_on",
                traversal.line,
                "depends_on",
            )
        else:
            add(resolver.follow(traversal, instance), "depends_on", traversal.line, "depends_on")
