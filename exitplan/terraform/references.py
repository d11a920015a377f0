"""Find the references in a resource's expressions and follow them to the resources they end at.

``var.x`` inside a module is followed through the caller's input (kind ``module-input``), ``local.x``
through the local's expression, ``module.m.out`` through the module's output (``module-output``). A
target keeps the instance keys of the module path it shares with the referring resource and drops the
others (the graph maps a key-less address to all its instances).

An index the evaluator can read (``module.projects["platform"]``, ``aws_subnet.private[0]``,
``module.projects[each.value.team]`` with the calling instance's ``each``) narrows the target to that
instance: its key is kept in the address (a :class:`Pinned` step), so the reader does not depend on every
instance of the module or resource.

An instance of a resource whose ``for_each`` iterates other resources' instances (``for_each =
aws_ecr_repository.service``) has one of them as ``each.value``: its ``each.value…`` references, and the
reference its ``for_each`` makes to that resource, target that instance alone
(``aws_ecr_repository.service["api"]``), not every instance.
"""

from __future__ import annotations

from typing import Any

from ..model import Reference
from .arguments import InstanceObject
from .expand import instance_key
from .expressions import Expr, Literal, ObjectExpr, Traversal, TupleExpr, traversals
from .hcl import Block, Body
from .instance_values import along, instance_kind, instance_objects
from .instances import ModuleInstance, module_prefix
from .modules import Declared
from .reference_paths import Pinned, Target, attr_name, item_at, path_after, steps_of, target_address
from .scope import Scope

MAX_FOLLOW_DEPTH = 30
#: Names (a variable, local, module output or resource of one module instance) worked out per
#: configuration before reference following stops; each is worked out once.
MAX_FOLLOW_STEPS = 200_000
_NEVER_TARGETS = frozenset({"each", "count", "self", "path", "terraform"})
_FOLLOWED = frozenset({"var", "local", "module"})  # past the budget, only resources are still named
_DETAILED = frozenset({"module", "data"})  # roots whose result depends on more than the first name

_NOTHING: frozenset[Target] = frozenset()
_NO_CUT = 1 << 30  # no name further up the path was met
_ALWAYS_CUT = -1  # the depth limit or the budget cut the path: the result depends on where it was met


class Resolver:
    """Follows traversals to the resources they end at, for one configuration.

    What a (module instance, ``var``/``local``/``module``/resource name, output) resolves to is worked out
    once and remembered, so every reader of a module object, every instance of a resource and every
    ``for`` over a module's instances shares it. A name already being followed on the current path ends
    there (a cycle); a result whose path was cut by a name followed further up (or by the depth limit) is
    not remembered, since from elsewhere the cut does not apply. At most ``budget`` names are worked out
    per configuration; past that, following stops and ``exhausted`` says where, so the scan goes on and the
    report can say so.
    """

    def __init__(self, budget: int | None = None, traversals: dict | None = None) -> None:
        self.depth = 0
        self.steps = 0
        self.budget = MAX_FOLLOW_STEPS if budget is None else budget
        #: Where the budget ran out: the expression being followed then, as set by ``reading``.
        self.exhausted: str | None = None
        #: What is being followed: (file, line, resource address, argument, traversal text); made into
        #: text only when the budget runs out.
        self.reading: tuple[str, int, str, str, str] | None = None
        self._memo: dict[tuple, frozenset[Target]] = {}
        self._path: dict[tuple, int] = {}  # names being followed → their depth on the current path
        self._low = _NO_CUT
        self._traversals: dict[tuple[Expr, frozenset[str]], list[Traversal]] = (
            {} if traversals is None else traversals
        )
        self.switches: dict[tuple[int, int, int], tuple[Any, Any, frozenset[str]]] = {}  # conditions.py
        self._objects: dict[int, tuple[Any, dict[str, set[str]]]] = {}
        self._containers: dict[int, tuple[Any, list[InstanceObject], int]] = {}
        #: One Reference per distinct (target, via, line, kind) of the configuration: the instances of
        #: a resource and the resources of a module's instances repeat most of theirs.
        self._references: dict[tuple[str, str, int, str], Reference] = {}
        self._addresses: dict[tuple[frozenset[Target], ModuleInstance], list[tuple[str, str]]] = {}
        self._instances_by_key: dict[tuple[ModuleInstance, str], dict[Any, ModuleInstance]] = {}

    def addresses(self, targets: frozenset[Target], instance: ModuleInstance) -> list[tuple[str, str]]:
        """(address seen from ``instance``, kind) of each target: the same followed names are met by
        many resources and instances of one module instance."""
        key = (targets, instance)
        found = self._addresses.get(key)
        if found is None:
            found = self._addresses[key] = [
                (target_address(target, instance.steps), target[2]) for target in targets
            ]
        return found

    def reference(self, fields: tuple[str, str, int, str]) -> Reference:
        found = self._references.get(fields)
        if found is None:
            found = self._references[fields] = Reference(*fields)
        return found

    def traversals(self, expr: Expr, bound: frozenset[str] = frozenset()) -> list[Traversal]:
        """``traversals(expr, bound)``, computed once per expression."""
        key = (expr, bound)
        found = self._traversals.get(key)
        if found is None:
            found = self._traversals[key] = traversals(expr, bound)
        return found

    def instance_objects(self, value: Any) -> dict[str, set[str]]:
        """The addresses of the resource instances in ``value`` by key-less address, worked out once per
        value (the ``each.value`` every instance of a ``for_each`` over a module's instances shares)."""
        cached = self._objects.get(id(value))
        if cached is None or cached[0] is not value:
            by_base: dict[str, set[str]] = {}
            for item in instance_objects(value, self._containers):
                by_base.setdefault(item.base, set()).add(item.text)
            cached = self._objects[id(value)] = (value, by_base)
        return cached[1]

    def follow(
        self, traversal: Traversal, instance: ModuleInstance, scope: Scope | None = None
    ) -> frozenset[Target]:
        """What ``traversal``, read in ``instance``, ends at; ``scope`` (the instance's own by default)
        holds the ``each``/``count`` that an index such as ``module.m[each.key]`` may use."""
        root, steps = traversal.root, traversal.steps
        if root is None or root in _NEVER_TARGETS or not steps or steps[0][0] != "attr":
            return _NOTHING
        first = steps[0][1]
        if self.depth > MAX_FOLLOW_DEPTH:
            self._low = _ALWAYS_CUT
            return _NOTHING
        path: tuple = ()
        if root in _DETAILED:
            detail = self._detail(traversal, instance, root, first, scope)
            if root == "module" and detail is not None and detail[1] is not None:
                path = path_after(steps, 3 if steps[1][0] == "index" else 2)
        elif root in _FOLLOWED:
            detail, path = None, path_after(steps, 1)
        elif len(steps) > 1 and steps[1][0] == "index":
            detail = self._index_key(steps[1][1], instance, scope)
        else:
            detail = None
        marker = (instance, root, first, path)
        on_path = self._path.get(marker)
        if on_path is not None:
            self._low = min(self._low, on_path)
            return _NOTHING
        key = (instance, root, first, detail, path)
        found = self._memo.get(key)
        if found is not None:
            return found
        if (self.exhausted is not None or self.steps >= self.budget) and root in _FOLLOWED:
            self.exhausted = self.exhausted or self._reading_text() or traversal.text
            self._low = _ALWAYS_CUT
            return _NOTHING
        self.steps += 1
        own = self.depth
        self._path[marker] = own
        outer_low, self._low = self._low, _NO_CUT
        self.depth += 1
        try:
            found = frozenset(self._follow(traversal, instance, root, first, detail, path))
        finally:
            self.depth -= 1
            del self._path[marker]
            low, self._low = self._low, outer_low
        if low >= own:
            self._memo[key] = found
        else:
            self._low = min(outer_low, low)
        return found

    def _reading_text(self) -> str | None:
        if self.reading is None:
            return None
        file, line, address, via, text = self.reading
        return f"{file}:{line}: {address}.{via} = {text}"

    def _detail(
        self, traversal: Traversal, instance: ModuleInstance, root: str, first: str, scope: Scope | None
    ) -> Any:
        """What besides the name decides the result: for ``module.m[key].out``, the key (None when it
        cannot be read) and the output (None for the whole module); the name of ``data.type.name``."""
        if root == "data":
            return attr_name(traversal, 1)
        steps = traversal.steps
        indexed = len(steps) > 1 and steps[1][0] == "index"
        key = self._index_key(steps[1][1], instance, scope) if indexed else None
        output = attr_name(traversal, 2 if indexed else 1)
        if output is not None:
            children = instance.children(first)
            if not children.walked or output not in children.walked[0].module.outputs:
                output = None
        return (key, output) if key is not None or output is not None else None

    @staticmethod
    def _index_key(index: Expr, instance: ModuleInstance, scope: Scope | None) -> str | int | None:
        """The instance key an index names, when it is known: a literal, or what it evaluates to."""
        if isinstance(index, Literal):
            value = index.value
        else:
            value = instance.context.evaluator.evaluate(index, scope or instance.scope)
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        return value

    def _keyed(self, instance: ModuleInstance, name: str, children: Any) -> dict[Any, ModuleInstance]:
        found = self._instances_by_key.get((instance, name))
        if found is None:
            found = self._instances_by_key[(instance, name)] = {c.steps[-1][1]: c for c in children.instances}
        return found

    def _follow(
        self, traversal: Traversal, instance: ModuleInstance, root: str, first: str, detail: Any, path: tuple
    ) -> set[Target]:
        module = instance.module
        if root == "var":
            if instance.parent is None or instance.call is None:
                return set()
            given = instance.call.block.body.attributes.get(first)
            if given is None:
                return set()
            found = self._follow_value(given.expr, instance.parent, instance.call_scope, path)
            return {(steps, address, "module-input") for steps, address, _ in found}
        if root == "local":
            expr = module.locals.get(first)
            return self._follow_value(expr, instance, None, path) if expr is not None else set()
        if root == "module":
            return self._module_output(instance, first, detail, path)
        if root == "data":
            second = attr_name(traversal, 1)
            address = f"data.{first}.{second}"
            return {(instance.steps, address, "reference")} if address in module.resources else set()
        address = f"{root}.{first}"
        declared = module.resources.get(address)
        if declared is not None and declared.mode == "managed":
            # an index names one instance; the graph falls back to all of them if it names none
            return {(instance.steps, address + instance_key(detail), "reference")}
        return set()

    def follow_expr(self, expr: Expr, instance: ModuleInstance, scope: Scope | None = None) -> set[Target]:
        found: set[Target] = set()
        for traversal in self.traversals(expr):
            found |= self.follow(traversal, instance, scope)
        return found

    def _follow_value(
        self, expr: Expr, instance: ModuleInstance, scope: Scope | None, path: tuple
    ) -> set[Target]:
        """What the part of ``expr``'s value at ``path`` (attribute names and keys read after it, as in
        ``var.combined.network.id``) ends at: an object constructor gives the item the path names, a
        traversal is followed with the path appended; anything else, all of ``expr``."""
        while path and isinstance(expr, ObjectExpr | TupleExpr):
            item = item_at(expr, path[0])
            if item is None:
                break
            expr, path = item, path[1:]
        if not path or not isinstance(expr, Traversal) or expr.source is not None or expr.root is None:
            return self.follow_expr(expr, instance, scope)
        extended = Traversal(expr.root, None, (*expr.steps, *steps_of(path, expr)), expr.text, expr.line)
        found = set(self.follow(extended, instance, scope))
        for inner in self.traversals(expr)[1:]:  # the index expressions' own traversals
            found |= self.follow(inner, instance, scope)
        return found

    def _module_output(self, instance: ModuleInstance, name: str, detail: Any, path: tuple) -> set[Target]:
        """``module.m.out``: what the output ends at in every instance (or in the one the index names);
        the union of all outputs when the output cannot be read (a whole module object, a splat)."""
        children = instance.children(name)
        if children.mode == "unresolved":
            if children.call is None:
                return set()
            return {(instance.steps, f"module.{name}", "module-output")}
        if not children.walked:
            return set()
        key, output = detail if detail is not None else (None, None)
        named = self._keyed(instance, name, children).get(key) if key is not None else None
        # every instance, not the first for all: what each one's inputs bring in differs (its each.value)
        found: set[Target] = set()
        for child in [named] if named else children.walked:
            for output_name in [output] if output is not None else child.module.outputs:
                expr, _ = child.module.outputs[output_name]
                if output is not None:
                    found |= self._follow_value(expr, child, None, path)
                else:
                    found |= self.follow_expr(expr, child)
        if not named:
            return {(steps, address, "module-output") for steps, address, _ in found}
        # only what lies inside the named instance carries its key; what its inputs brought in does not
        inside, position, pinned = child.steps, len(instance.steps), (name, Pinned(key))
        return {
            ((*steps[:position], pinned, *steps[position + 1 :]) if steps[: position + 1] == inside else steps,
             address, "module-output")
            for steps, address, _ in found
        }  # fmt: skip

    def everything_in(self, instance: ModuleInstance, name: str) -> set[Target]:
        """``depends_on = [module.x]``: every resource of the module, nested modules included."""
        children = instance.children(name)
        if children.mode == "unresolved":
            return {(instance.steps, f"module.{name}", "depends_on")} if children.call else set()
        found: set[Target] = set()
        for child in children.walked[:1]:
            for address in child.module.resources:
                found.add((child.steps, address, "depends_on"))
            for call_name in child.module.calls:
                found |= self.everything_in(child, call_name)
        return found


def resolver_for(instance: ModuleInstance) -> Resolver:
    """The configuration's resolver, made on first use."""
    context = instance.context
    if context.resolver is None:
        context.resolver = Resolver(traversals=context.traversals)
    return context.resolver


def resource_references(
    declared: Declared, instance: ModuleInstance, own_address: str, bindings: dict | None = None
) -> tuple[Reference, ...]:
    """The references of one block; ``bindings`` are the ``each``/``count`` values of the instance."""
    resolver = resolver_for(instance)
    # (target, via, line, kind): Reference's fields in order, so the set sorts as References would.
    found: set[tuple[str, str, int, str]] = set()
    each = (bindings or {}).get("each")
    each = each if isinstance(each, dict) else {}

    def add(targets: set[Target], via: str, line: int, kind: str | None = None) -> None:
        for address, target_kind in resolver.addresses(frozenset(targets), instance):
            if address != own_address:
                found.add((address, via, line, kind or target_kind))

    def add_for_each(targets: set[Target], line: int) -> None:
        """The instances ``each.value`` holds stand for the resources ``for_each`` names."""
        by_base = resolver.instance_objects(each.get("value"))
        for target in targets:
            steps, address, kind = target
            mine = by_base.get(module_prefix(steps, keep_keys=0) + address, ())
            if not mine:
                add({target}, "for_each", line)
            found.update((text, "for_each", line, kind) for text in mine)

    def walk(body: Body, path: tuple[str, ...], bound: frozenset[str]) -> None:
        for attr in body.attributes.values():
            if attr.name == "depends_on" and not path:
                _depends_on(attr.expr, instance, resolver, add)
                continue
            found_traversals = resolver.traversals(attr.expr, bound)
            via = ".".join((*path, attr.name)) if found_traversals else ""
            for traversal in found_traversals:
                if traversal.root == "each" and each:
                    for item in instance_objects(along(each, traversal.steps), resolver._containers):
                        found.add((item.text, via, traversal.line, instance_kind(item, instance.steps)))
                    continue
                resolver.reading = (declared.file, traversal.line, own_address, via, traversal.text)
                targets = resolver.follow(traversal, instance, scope)
                if attr.name == "for_each" and not path and each:
                    add_for_each(targets, traversal.line)
                else:
                    add(targets, via, traversal.line)
        for block in body.blocks:
            _walk_block(block, path, bound, walk)

    scope = instance.scope.bind(**bindings) if bindings else instance.scope
    walk(declared.block.body, (), frozenset())
    return tuple(resolver.reference(fields) for fields in sorted(found))


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
    for traversal in resolver.traversals(expr):
        if traversal.root == "module" and attr_name(traversal, 0) is not None and len(traversal.steps) == 1:
            add(
                resolver.everything_in(instance, traversal.steps[0][1]),
                "depends_on",
                traversal.line,
                "depends_on",
            )
        else:
            add(resolver.follow(traversal, instance), "depends_on", traversal.line, "depends_on")
