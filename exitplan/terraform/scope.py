"""What an expression's names mean and what its values can be while one module instance is evaluated.

``Scope`` binds variables, locals and iterators; ``SECRET`` marks a value derived from a sensitive variable
or output; ``LazyObject`` is a resource instance whose arguments are read on demand. ``contains`` and
``is_known`` tell whether a value is fully known.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..model import Unknown
from .expressions import Expr


class _Secret:
    """The value of a sensitive variable or anything computed from one."""

    _instance = None

    def __new__(cls) -> _Secret:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SECRET"


SECRET = _Secret()


class LazyObject:
    """An object value whose attributes are computed when read: a resource instance, whose configured
    arguments Terraform knows at plan time and whose computed attributes (``id``, ``arn``) it does not.
    Counts as not fully known, so functions and operators over it give ``Unknown``; stored as
    ``Unknown(text)``."""

    #: The address of what the object stands for (``aws_ecr_repository.service["api"]``).
    text: str = ""

    def attribute(self, name: str) -> Any:
        """The value of attribute ``name``; ``Unknown`` when it is not known."""
        raise NotImplementedError


@dataclass
class Scope:
    """What names mean while evaluating one module instance's expressions."""

    variables: dict[str, Any] = field(default_factory=dict)
    locals: dict[str, Expr] = field(default_factory=dict)
    iterators: dict[str, Any] = field(default_factory=dict)  # each, count, for-expression names
    module_value: Callable[[str], Any] | None = None
    path_module: str = "."
    local_cache: dict[str, Any] = field(default_factory=dict)
    local_busy: set[str] = field(default_factory=set)
    #: The module instance's resources and data sources (``tf_arguments.ResourceArguments``), if any.
    resources: Any = None

    def bind(self, **iterators: Any) -> Scope:
        """A scope that shares variables, locals and their cache, with more iterator names bound (this
        scope itself when none are: nothing changes a scope's names once it is made)."""
        if not iterators:
            return self
        return Scope(
            self.variables,
            self.locals,
            {**self.iterators, **iterators},
            self.module_value,
            self.path_module,
            self.local_cache,
            self.local_busy,
            self.resources,
        )

    def plain(self) -> Scope:
        """The same scope without iterator names: the module instance's own."""
        if not self.iterators:
            return self
        return Scope(
            self.variables,
            self.locals,
            {},
            self.module_value,
            self.path_module,
            self.local_cache,
            self.local_busy,
            self.resources,
        )


def contains(value: Any, kind: type | object) -> bool:
    """True when ``value`` is, or holds somewhere inside, an ``Unknown`` (kind=Unknown) or ``SECRET``."""
    if kind is SECRET and value is SECRET:
        return True
    if kind is Unknown and isinstance(value, LazyObject):
        return True
    if isinstance(kind, type) and isinstance(value, kind):
        return True
    if isinstance(value, dict):
        return any(contains(v, kind) for v in value.values())
    if isinstance(value, list):
        return any(contains(v, kind) for v in value)
    return False


def is_known(value: Any) -> bool:
    """True when ``value`` holds neither an ``Unknown`` (a resource instance counts as one) nor ``SECRET``,
    anywhere inside: ``not contains(value, Unknown) and not contains(value, SECRET)`` in one walk."""
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return value is not SECRET and not isinstance(value, _NOT_KNOWN)


_NOT_KNOWN = (Unknown, LazyObject)
