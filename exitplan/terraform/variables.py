"""Root variables as Terraform takes them: defaults, the environment, tfvars files and the command line.

Precedence, lowest first: a variable's ``default``; ``TF_VAR_<name>`` in the environment;
``terraform.tfvars``; ``terraform.tfvars.json``; ``*.auto.tfvars`` and ``*.auto.tfvars.json`` in
lexical order; each ``--var-file`` in the order given; each ``--var NAME=VALUE`` in the order given.

A value from the environment or ``--var`` is taken as Terraform takes it: literally, as a string, for
a variable of a primitive type or none (``"false"`` then works as a bool where one is needed), and as
an HCL expression for a collection type, or for a value written as one (``{…}``, ``[…]``). Values of
sensitive or secret-named variables become ``SECRET`` like any other (the loader applies that after
this module), and no error message repeats a value.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .hcl import Body, Expr, parse
from .json_syntax import JsonSyntaxError, parse_json_values

ENV_PREFIX = "TF_VAR_"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_PRIMITIVE_TYPES = frozenset({"string", "number", "bool"})


@dataclass(frozen=True)
class RawValue:
    """One value given as text (environment or ``--var``), with its HCL reading when it has one."""

    name: str
    text: str
    expr: Expr | None


@dataclass(frozen=True)
class VariableInputs:
    """Values for root variables from outside the scanned code, each list in precedence order."""

    environment: tuple[RawValue, ...] = ()
    files: tuple[tuple[str, str, Body], ...] = ()  # (path as given, text, parsed)
    assignments: tuple[RawValue, ...] = ()

    def fingerprint(self) -> str:
        """A digest of every value, for the scan cache key (the values themselves are kept nowhere)."""
        digest = hashlib.sha256()
        for group, items in (("env", self.environment), ("var", self.assignments)):
            for item in items:
                digest.update(f"{group}\0{item.name}\0{item.text}\0".encode())
        for path, text, _ in self.files:
            digest.update(f"file\0{path}\0{text}\0".encode())
        return digest.hexdigest()


NO_INPUTS = VariableInputs()


def read_variable_inputs(
    var_files: Iterable[Path | str] = (),
    assignments: Iterable[str] = (),
    environ: Mapping[str, str] | None = None,
) -> VariableInputs:
    """Read ``--var-file`` files, ``--var`` assignments and ``TF_VAR_`` variables; UsageError, naming
    the file or variable (never the value), for a missing or unparseable file or a malformed --var."""
    environ = os.environ if environ is None else environ
    environment = tuple(
        _raw(key.removeprefix(ENV_PREFIX), environ[key], f"{key} in the environment")
        for key in sorted(environ)
        if key.startswith(ENV_PREFIX) and _NAME.match(key.removeprefix(ENV_PREFIX))
    )
    files = tuple(_read_file(Path(path)) for path in var_files)
    given = []
    for item in assignments:
        name, equals, text = item.partition("=")
        name = name.strip()
        if not equals or not _NAME.match(name):
            raise UsageError(f"--var expects NAME=VALUE with a variable name before '=' (got {name!r})")
        given.append(_raw(name, text, f"--var {name}"))
    return VariableInputs(environment, files, tuple(given))


def _read_file(path: Path) -> tuple[str, str, Body]:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except FileNotFoundError:
        raise UsageError(f"--var-file {shown}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not valid UTF-8" if isinstance(exc, UnicodeDecodeError) else exc.strerror or "unreadable"
        raise UsageError(f"--var-file {shown}: cannot read: {reason}") from None
    if shown.lower().endswith(".json"):
        try:
            return shown, text, parse_json_values(text)
        except JsonSyntaxError as exc:
            raise UsageError(f"--var-file {shown}:{exc.line}: {exc}") from None
        except RecursionError:
            raise UsageError(f"--var-file {shown}: JSON nested too deeply") from None
    parsed = parse(text)
    if parsed.error:
        raise UsageError(f"--var-file {shown}:{parsed.error_line or 1}: HCL syntax error") from None
    if parsed.body.blocks:
        block = parsed.body.blocks[0]
        raise UsageError(f"--var-file {shown}:{block.line}: a variables file holds only NAME = VALUE lines")
    return shown, text, parsed.body


def _raw(name: str, text: str, where: str) -> RawValue:
    parsed = parse(f"value = {text}\n") if text.strip() else None
    expr = None
    if parsed is not None and not parsed.error and "value" in parsed.body.attributes:
        expr = parsed.body.attributes["value"].expr
    if expr is None and text.lstrip()[:1] in ("{", "["):
        raise UsageError(f"{where}: the value is not a valid HCL expression")
    return RawValue(name, text, expr)


def wants_expression(type_text: str | None, raw: RawValue) -> bool:
    """Whether Terraform reads ``raw`` as HCL (collection types) rather than as a literal string."""
    if raw.expr is None:
        return False
    if type_text is None or type_text.strip() == "any":
        return raw.text.lstrip()[:1] in ("{", "[")
    return type_text.strip() not in _PRIMITIVE_TYPES


def external_values(
    inputs: VariableInputs, declared: Mapping[str, Any], evaluate
) -> Iterable[tuple[int, str, Any]]:
    """(layer, name, value) for every declared variable the inputs set; layer 0 is the environment
    (below the tfvars files), layer 1 the --var-files and --var (above them), each in order.

    ``declared`` maps a variable name to its type's source text (or None); ``evaluate(expr)`` evaluates
    an expression with no variables in scope."""
    for raw in inputs.environment:
        if raw.name in declared:
            yield 0, raw.name, _value(raw, declared[raw.name], evaluate)
    for _, _, body in inputs.files:
        for attribute in body.attributes.values():
            if attribute.name in declared:
                yield 1, attribute.name, evaluate(attribute.expr)
    for raw in inputs.assignments:
        if raw.name in declared:
            yield 1, raw.name, _value(raw, declared[raw.name], evaluate)


def _value(raw: RawValue, type_text: str | None, evaluate) -> Any:
    return evaluate(raw.expr) if wants_expression(type_text, raw) else raw.text
