"""Evaluate HCL expressions on what is known statically, leaving ``Unknown`` for the rest.

Values are plain Python (str, int, float, bool, None, list, dict), ``Unknown`` or ``SECRET`` (a value
derived from a sensitive variable or output; turned into ``REDACTED`` when stored). Evaluation is bounded:
a step budget per top-level expression and a depth limit on chains of locals and module values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..model import Unknown
from .functions import FUNCTIONS, FunctionError, to_string
from .hcl import (
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
from .scope import SECRET, LazyObject, Scope, contains, is_known

MAX_STEPS = 20_000
MAX_DEPTH = 40


class _OutOfBudget(Exception):
    pass


class Evaluator:
    def __init__(self, functions: Mapping[str, Callable[..., Any]] | None = None) -> None:
        """``functions`` adds to or replaces Terraform's (Terragrunt's ``find_in_parent_folders``)."""
        self.steps = 0
        self.depth = 0
        self.functions = {**FUNCTIONS, **functions} if functions else FUNCTIONS

    def evaluate(self, expr: Expr, scope: Scope) -> Any:
        """Evaluate a top-level expression with a fresh step budget."""
        self.steps = 0
        try:
            return self._eval(expr, scope)
        except (_OutOfBudget, RecursionError):
            return Unknown(expr.text)

    def within(self, expr: Expr, scope: Scope) -> Any:
        """Evaluate inside the running top-level evaluation: same step budget, one level deeper."""
        return self._guarded(lambda: self._eval(expr, scope), expr.text)

    def _eval(self, expr: Expr, scope: Scope) -> Any:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _OutOfBudget()
        kind = type(expr)
        if kind is Literal:
            return expr.value
        method = _METHODS.get(kind) or _method_for(kind)
        return method(self, expr, scope) if method is not None else Unknown(expr.text)

    def _tuple(self, expr: TupleExpr, scope: Scope) -> Any:
        return [self._eval(item, scope) for item in expr.items]

    def _literal(self, expr: Literal, scope: Scope) -> Any:
        return expr.value

    def _conditional(self, expr: Conditional, scope: Scope) -> Any:
        condition = self._eval(expr.condition, scope)
        if condition is SECRET:
            return SECRET
        condition = as_bool(condition)
        if condition is None:
            return Unknown(expr.text)
        return self._eval(expr.then if condition else expr.otherwise, scope)

    def _template(self, expr: Template, scope: Scope) -> Any:
        """The joined text; when a part is not known, ``Unknown`` of the source text with the known
        parts substituted (``{"Resource": "${aws_sqs_queue.jobs.arn}", "Name": "jobs"}``)."""
        values = [p if isinstance(p, str) else self._eval(p, scope) for p in expr.parts]
        if len(values) == 1 and not isinstance(expr.parts[0], str):
            return values[0]  # "${x}" keeps x's type, as Terraform does
        if any(v is SECRET for v in values):
            return SECRET
        quoted = expr.text.startswith('"')
        known = True
        pieces: list[str] = []
        source: list[str] = []
        for part, value in zip(expr.parts, values, strict=True):
            try:
                piece = to_string(value)
            except FunctionError:
                known = False
                source.append(part.text if part.text.startswith("%{") else f"${{{part.text}}}")
                continue
            pieces.append(piece)
            source.append(_escape_template(piece, quoted))
        if known:
            return "".join(pieces)
        return Unknown(_delimited(expr.text, "".join(source)))

    def _object(self, expr: ObjectExpr, scope: Scope) -> Any:
        result: dict = {}
        for key_expr, value_expr in expr.items:
            key = self._eval(key_expr, scope)
            if isinstance(key, int | float) and not isinstance(key, bool):
                key = to_string(key)
            if not isinstance(key, str):
                return Unknown(expr.text)
            result[key] = self._eval(value_expr, scope)
        return result

    def _for(self, expr: ForExpr, scope: Scope) -> Any:
        collection = self._eval(expr.collection, scope)
        if isinstance(collection, dict):
            pairs = [(k, collection[k]) for k in sorted(collection)]
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        elif collection is SECRET:
            return SECRET
        else:
            return Unknown(expr.text)
        items: dict = {}
        values: list = []
        for key, value in pairs:
            bound = {expr.value_var: value}
            if expr.key_var:
                bound[expr.key_var] = key
            inner = scope.bind(**bound)
            if expr.condition is not None:
                keep = as_bool(self._eval(expr.condition, inner))
                if keep is None:
                    return Unknown(expr.text)
                if not keep:
                    continue
            if expr.key is None:
                values.append(self._eval(expr.value, inner))
                continue
            item_key = self._eval(expr.key, inner)
            if not isinstance(item_key, str | int) or isinstance(item_key, bool):
                return Unknown(expr.text)
            item_key = to_string(item_key)
            item_value = self._eval(expr.value, inner)
            if expr.grouping:
                items.setdefault(item_key, []).append(item_value)
            else:
                items[item_key] = item_value
        return values if expr.key is None else items

    def _operation(self, expr: Operation, scope: Scope) -> Any:
        operands = [self._eval(o, scope) for o in expr.operands]
        if any(o is SECRET for o in operands):
            return SECRET
        if not all(is_known(o) for o in operands):
            return Unknown(expr.text)
        try:
            return _apply_operator(expr.operator, operands)
        except (TypeError, ValueError, ZeroDivisionError, FunctionError):
            return Unknown(expr.text)

    def _call(self, expr: Call, scope: Scope) -> Any:
        if expr.name == "try":
            for arg in expr.args:
                value = self._eval(arg, scope)
                if not isinstance(value, Unknown):
                    return value
            return Unknown(expr.text)
        if expr.name == "can":
            return Unknown(expr.text)
        function = self.functions.get(expr.name)
        args = [self._eval(a, scope) for a in expr.args]
        if any(contains(a, SECRET) for a in args):
            return SECRET
        if function is None or not all(is_known(a) for a in args):
            return Unknown(expr.text)
        if expr.expand_last:
            if not args or not isinstance(args[-1], list):
                return Unknown(expr.text)
            args = [*args[:-1], *args[-1]]
        try:
            return function(*args)
        except (FunctionError, TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError):
            return Unknown(expr.text)

    def _traversal(self, expr: Traversal, scope: Scope) -> Any:
        if expr.source is not None:
            value, steps = self._eval(expr.source, scope), expr.steps
        else:
            value, steps = self._root(expr, expr.steps, scope)
        return self._apply_steps(value, steps, expr, scope)

    def _root(self, expr: Traversal, steps: Sequence, scope: Scope) -> tuple[Any, Sequence]:
        root = expr.root
        if root in scope.iterators:
            return scope.iterators[root], steps
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if root == "var" and first is not None:
            value = scope.variables.get(first, _MISSING)
            return (Unknown(f"var.{first}") if value is _MISSING else value), steps[1:]
        if root == "local" and first is not None:
            return self._local(first, scope), steps[1:]
        if root == "module" and first is not None and scope.module_value is not None:
            return self._guarded(lambda: scope.module_value(first), expr.text), steps[1:]
        if root == "path" and first == "module":
            return scope.path_module, steps[1:]
        if scope.resources is not None and first is not None:
            found = scope.resources.resolve(self, expr, steps, scope)
            if found is not None:
                return found
        return Unknown(expr.text), []

    def _guarded(self, compute: Callable[[], Any], text: str) -> Any:
        if self.depth >= MAX_DEPTH:
            return Unknown(text)
        self.depth += 1
        try:
            return compute()
        finally:
            self.depth -= 1

    def _local(self, name: str, scope: Scope) -> Any:
        if name in scope.local_cache:
            return scope.local_cache[name]
        expr = scope.locals.get(name)
        if expr is None or name in scope.local_busy:
            return Unknown(f"local.{name}")
        scope.local_busy.add(name)
        try:
            plain = scope.plain()
            value = self._guarded(lambda: self._eval(expr, plain), f"local.{name}")
        finally:
            scope.local_busy.discard(name)
        scope.local_cache[name] = value
        return value

    def _apply_steps(self, value: Any, steps: Sequence, expr: Traversal, scope: Scope) -> Any:
        for position, (kind, argument) in enumerate(steps):
            if value is SECRET:
                return SECRET
            if isinstance(value, Unknown):
                return Unknown(expr.text)
            if kind == "splat":
                if value is None:
                    return []
                items = value if isinstance(value, list) else [value]
                rest = steps[position + 1 :]
                return [self._apply_steps(item, rest, expr, scope) for item in items]
            key = argument if kind == "attr" else self._eval(argument, scope)
            if isinstance(value, LazyObject):
                value = value.attribute(key) if isinstance(key, str) else Unknown()
                if isinstance(value, Unknown):
                    return Unknown(expr.text)
                continue
            value = _index(value, key)
            if value is _MISSING:
                return Unknown(expr.text)
        return value


#: How each kind of expression is evaluated (``Opaque`` and unknown kinds give ``Unknown``).
_METHODS: dict[type, Callable[[Evaluator, Any, Scope], Any]] = {
    Literal: Evaluator._literal,
    Template: Evaluator._template,
    Traversal: Evaluator._traversal,
    Call: Evaluator._call,
    TupleExpr: Evaluator._tuple,
    ObjectExpr: Evaluator._object,
    ForExpr: Evaluator._for,
    Conditional: Evaluator._conditional,
    Operation: Evaluator._operation,
}


def _method_for(kind: type) -> Callable[[Evaluator, Any, Scope], Any] | None:
    """The method of a subclass of an expression kind, as ``isinstance`` would pick it."""
    for base in kind.__mro__[1:]:
        if base in _METHODS:
            return _METHODS[base]
    return None


_MISSING = object()


def _escape_template(text: str, quoted: bool) -> str:
    text = text.replace("${", "$${").replace("%{", "%%{")
    if quoted:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return text


def _delimited(original: str, body: str) -> str:
    """``body`` inside the quotes or heredoc markers ``original`` had."""
    if original.startswith('"') and original.endswith('"') and len(original) > 1:
        return f'"{body}"'
    if original.startswith("<<") and "\n" in original:
        head, _, rest = original.partition("\n")
        return f"{head}\n{body}{rest.rsplit(chr(10), 1)[-1]}"
    return body


def _index(value: Any, key: Any) -> Any:
    if isinstance(value, dict):
        if isinstance(key, str):
            return value.get(key, _MISSING)
        if isinstance(key, int | float) and not isinstance(key, bool):
            return value.get(to_string(key), _MISSING)
        return _MISSING
    if isinstance(value, list):
        if isinstance(key, str) and key.isdecimal():
            key = int(key)
        if isinstance(key, float) and key.is_integer():
            key = int(key)
        if isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(value):
            return value[key]
    return _MISSING


def _apply_operator(operator: str, operands: list) -> Any:
    if len(operands) == 1:
        (value,) = operands
        if operator == "!":
            if as_bool(value) is None:
                raise TypeError()
            return not as_bool(value)
        if operator == "-":
            return -value
        raise TypeError()
    left, right = operands
    if operator in ("&&", "||"):
        left, right = as_bool(left), as_bool(right)
        if left is None or right is None:
            raise TypeError()
        return (left and right) if operator == "&&" else (left or right)
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    numeric = {
        "+": lambda a, b: a + b,
        "-": lambda a, b: a - b,
        "*": lambda a, b: a * b,
        "/": lambda a, b: a / b,
        "%": lambda a, b: a % b,
        "<": lambda a, b: a < b,
        ">": lambda a, b: a > b,
        "<=": lambda a, b: a <= b,
        ">=": lambda a, b: a >= b,
    }
    if operator not in numeric:
        raise TypeError()
    left, right = _number(left), _number(right)
    result = numeric[operator](left, right)
    if isinstance(result, float) and result.is_integer():
        return int(result)
    return result


def as_bool(value: Any) -> bool | None:
    """A value where Terraform wants a bool: ``"true"``/``"false"`` convert, as Terraform converts them
    (a variable without a type, a ``-var`` or ``TF_VAR_`` value); None for anything else."""
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value) if isinstance(value, str) else None


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise TypeError()
    if isinstance(value, str):
        number = float(value)
        return int(number) if number.is_integer() else number
    if not isinstance(value, int | float):
        raise TypeError()
    return value


__all__ = ["SECRET", "Evaluator", "LazyObject", "Opaque", "Scope", "contains", "is_known"]
