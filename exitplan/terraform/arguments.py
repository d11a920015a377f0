"""References to the configured arguments of other resources and data sources of a module instance.

Terraform knows at plan time what a resource's configuration says: ``aws_iam_role.api.name``,
``aws_subnet.private[0].cidr_block`` and ``data.aws_vpc.main.tags`` are the evaluated arguments of that
block, in its own scope (its ``count.index`` / ``each`` bound). Attributes the configuration does not
write (``id``, ``arn``, ``endpoint``) stay ``Unknown``. Secret-named arguments (and secret-named keys or
``name``/``value`` pairs inside an argument) are ``SECRET``, so a reference never carries a secret
literal out of the block that holds it. Arguments are evaluated lazily, once per instance, inside the
step budget of the expression that refers to them; a reference cycle ends in ``Unknown``.

A reference to a whole instance (``aws_iam_role.api``, ``aws_ecr_repository.service["api"]``) is an
``InstanceObject`` whose arguments are read when an expression reaches them; a reference to all
instances of a ``for_each`` resource is a map of them by instance key, of a ``count`` resource a list —
so ``for_each = aws_ecr_repository.service`` has that resource's keys, ``each.value`` the instance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..model import Unknown
from ..secrets import is_secret_key
from .evaluate import Evaluator
from .expand import expand, instance_key
from .functions import to_string
from .hcl import Body, Traversal
from .scope import SECRET, LazyObject, Scope

#: Meta-arguments and meta-blocks: not arguments a reference can read.
META_ARGUMENTS = frozenset({"count", "for_each", "provider", "depends_on"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection", "dynamic"})

Steps = Sequence  # [("attr", name) | ("index", Expr) | ("splat", None)]


class ResourceArguments:
    """The resources and data sources of one module instance, as values references can read."""

    def __init__(
        self, resources: Mapping[str, Any], steps: tuple = (), prefix: str = "", base_prefix: str = ""
    ) -> None:
        self.resources = resources  # address → tf_modules.Declared
        self.steps = steps  # the module instance's steps (tf_instances.Step), for instance addresses
        self.prefix = prefix  # its address prefix: ``module.a["k"].``
        self.base_prefix = base_prefix  # the same without instance keys: ``module.a.``
        self._values: dict[tuple, Any] = {}
        self._expansions: dict[str, dict[Any, dict] | None] = {}
        self._busy: set[tuple] = set()

    def resolve(
        self, evaluator: Evaluator, expr: Traversal, steps: Steps, scope: Scope
    ) -> tuple[Any, Steps] | None:
        """The value ``expr`` reads from a resource of this instance and the steps left to apply to it;
        None when ``expr`` does not name one."""
        address, rest = _address(expr.root, steps)
        declared = self.resources.get(address) if address else None
        if declared is None:
            return None
        instances = self._instances(evaluator, address, declared.block.body, scope)
        if instances is None:
            return _unknown(expr)
        attributes = declared.block.body.attributes
        repeated = "count" in attributes or "for_each" in attributes
        if rest and rest[0][0] == "splat":
            if "for_each" in attributes:
                return _unknown(expr)
            values = [
                self._read(evaluator, declared, key, binding, rest[1:2], scope)
                for key, binding in instances.items()
            ]
            if any(isinstance(v, Unknown) for v in values):
                return _unknown(expr)
            return values, [("splat", None), *rest[2:]]
        key = None
        if repeated:
            if not rest:
                objects = {k: self._object(evaluator, declared, k, b, scope) for k, b in instances.items()}
                return (list(objects.values()) if "count" in attributes else objects), []
            if rest[0][0] != "index":
                return _unknown(expr)
            key = _key(evaluator.within(rest[0][1], scope), "count" in attributes)
            rest = rest[1:]
            if key is None or key not in instances:
                return _unknown(expr)
        if not rest:
            return self._object(evaluator, declared, key, instances[key], scope), []
        value = self._read(evaluator, declared, key, instances[key], rest[:1], scope)
        if isinstance(value, Unknown):
            return _unknown(expr)
        return value, rest[1:]

    def _object(
        self, evaluator: Evaluator, declared: Any, key: Any, binding: dict, scope: Scope
    ) -> InstanceObject:
        return InstanceObject(self, evaluator, declared, key, binding, scope.plain())

    def _instances(self, evaluator: Evaluator, address: str, body: Body, scope: Scope) -> dict | None:
        if address in self._expansions:
            return self._expansions[address]
        marker = (address, "#instances")
        if marker in self._busy:
            return None
        self._busy.add(marker)
        try:
            expansion = expand(body, scope.plain(), evaluator.within)
        finally:
            self._busy.discard(marker)
        found = dict(expansion) if expansion is not None else None
        self._expansions[address] = found
        return found

    def _read(
        self, evaluator: Evaluator, declared: Any, key: Any, binding: dict, step: Steps, scope: Scope
    ) -> Any:
        """One configured argument of one instance (``step`` is ``[("attr", name)]``), cached."""
        if not step or step[0][0] != "attr":
            return Unknown()
        name = step[0][1]
        marker = (declared.address, key, name)
        if marker in self._values:
            return self._values[marker]
        if marker in self._busy:
            return Unknown()
        self._busy.add(marker)
        try:
            value = _argument(evaluator, declared.block.body, name, scope.plain().bind(**binding))
        finally:
            self._busy.discard(marker)
        self._values[marker] = value
        return value


class InstanceObject(LazyObject):
    """One instance of a resource or data source of a module instance, as a value: its configured
    arguments are read (once, cached by ``ResourceArguments``) when an expression reaches them."""

    def __init__(
        self,
        owner: ResourceArguments,
        evaluator: Evaluator,
        declared: Any,
        key: Any,
        binding: dict,
        scope: Scope,
    ) -> None:
        self.owner = owner
        self.evaluator = evaluator
        self.declared = declared
        self.key = key
        self.binding = binding
        self.scope = scope
        self.steps = owner.steps
        self.address = declared.address  # inside its module instance
        self.text = owner.prefix + declared.address + instance_key(key)
        self.base = owner.base_prefix + declared.address  # the key-less address of the resource

    def attribute(self, name: str) -> Any:
        return self.owner._read(
            self.evaluator, self.declared, self.key, self.binding, [("attr", name)], self.scope
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InstanceObject) and (other.owner, other.text) == (self.owner, self.text)

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"InstanceObject({self.text})"


def _unknown(expr: Traversal) -> tuple[Unknown, Steps]:
    return Unknown(expr.text), []


def _address(root: str | None, steps: Steps) -> tuple[str | None, Steps]:
    names = []
    for kind, argument in steps[: 2 if root == "data" else 1]:
        if kind != "attr":
            return None, steps
        names.append(argument)
    if root is None or len(names) != (2 if root == "data" else 1):
        return None, steps
    return ".".join([root, *names]), steps[len(names) :]


def _key(value: Any, counted: bool) -> Any:
    """The instance key an index expression names: an int for ``count``, a string for ``for_each``."""
    if isinstance(value, bool):
        return None
    if counted:
        if isinstance(value, str) and value.isdecimal():
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, int) else None
    if isinstance(value, int | float):
        return to_string(value)
    return value if isinstance(value, str) else None


def _argument(evaluator: Evaluator, body: Body, name: str, scope: Scope, top: bool = True) -> Any:
    if top and (name in META_ARGUMENTS or name in META_BLOCKS):
        return Unknown()
    attribute = body.attributes.get(name)
    if attribute is not None:
        if is_secret_key(name):
            return SECRET
        return hide_secrets(evaluator.within(attribute.expr, scope))
    if any(b.type == "dynamic" and b.labels[:1] == (name,) for b in body.blocks):
        return Unknown()
    blocks = body.blocks_of(name)
    if not blocks:
        return Unknown()  # computed by the provider, or not set
    return [_block(evaluator, block.body, name, scope) for block in blocks]


def _block(evaluator: Evaluator, body: Body, block_type: str, scope: Scope) -> dict:
    values: dict[str, Any] = {}
    for name in body.attributes:
        if block_type == "set_sensitive" and name == "value":
            values[name] = SECRET
        else:
            values[name] = _argument(evaluator, body, name, scope, top=False)
    for block in body.blocks:
        if block.type not in values and block.type not in META_BLOCKS:
            values[block.type] = _argument(evaluator, body, block.type, scope, top=False)
        elif block.type == "dynamic" and block.labels:
            values[block.labels[0]] = Unknown()
    return values


def hide_secrets(value: Any) -> Any:
    """``value`` with every value under a secret-named key, or of a secret-named ``name``/``value`` pair,
    replaced by ``SECRET``."""
    if isinstance(value, dict):
        result = {k: SECRET if is_secret_key(k) else hide_secrets(v) for k, v in value.items()}
        name = result.get("name")
        if isinstance(name, str) and "value" in result and is_secret_key(name.rsplit(".", 1)[-1]):
            result["value"] = SECRET
        return result
    if isinstance(value, list):
        return [hide_secrets(item) for item in value]
    return value
