"""Terragrunt units: each ``terragrunt.hcl`` that names a module is a configuration calling it.

A Terragrunt "live" repository holds no resources of its own: each unit's ``terraform { source = … }``
names a module and its ``inputs`` are the module's variables, assembled from the files it includes
(``include``), reads (``read_terragrunt_config``) and finds up the tree (``find_in_parent_folders``). A unit
is read as the Terraform module call Terragrunt would run: ``module "<unit folder>" { source = …, <inputs>
}`` in the unit's folder, which the Terraform loader then follows like any other call (a local module is
expanded with the inputs bound; a registry or Git module the catalog knows is recognised; any other is an
unresolved module). A unit without a source runs the ``.tf`` files of its own folder, with its inputs as
the variables' values.

Nothing runs: ``run_cmd``, ``get_aws_account_id``, ``sops_decrypt_file`` and a dependency's outputs are
unknown, and ``get_env`` gives its default. Paths are those of the scanned folder seen as ``/`` (it is
the repository root for ``get_repo_root``); files outside it are never read.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..boundary import Boundary
from ..discover import MAX_FILE_BYTES, InputProblem, SourceFile, read_text
from ..model import InputFile, UnitDependency, Unknown
from .evaluate import Evaluator
from .expressions import Expr, Literal
from .hcl import Attribute, Block, Body, parse
from .modules import ParsedFile
from .scope import Scope
from .terragrunt_context import FORMAT, Context, Use, file_scope
from .terragrunt_sources import downloaded, local_source, with_outputs
from .terragrunt_stacks import stack_calls

#: Includes and reads inside includes: deeper than any real layout, shallow enough to stop a cycle.
MAX_NESTING = 8


@dataclass
class _Config:
    """One evaluated Terragrunt file, in the context of the unit that reads it."""

    rel: str
    locals: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    input_lines: dict[str, int] = field(default_factory=dict)
    source: Any = None
    source_line: int = 1
    includes: list[_Config] = field(default_factory=list)
    #: provider blocks of the ``generate`` blocks that write a ``.tf`` file (region, default tags)
    providers: list[Block] = field(default_factory=list)
    dependencies: list[UnitDependency] = field(default_factory=list)


@dataclass(frozen=True)
class Units:
    #: a module-call file per unit folder, for the Terraform loader; and the variable values of units
    #: that run their own folder's ``.tf`` files, as a tfvars file
    code: tuple[ParsedFile, ...]
    tfvars: tuple[ParsedFile, ...]
    inputs: tuple[InputFile, ...]
    #: each unit folder's dependencies on other units
    dependencies: dict[str, tuple[UnitDependency, ...]] = field(default_factory=dict)
    #: files ``file()`` reads (the provider templates ``generate`` writes into units), with a unit reading it
    templates: dict[str, str] = field(default_factory=dict)


def read_units(
    root: Path,
    units: list[SourceFile],
    code_folders: set[str],
    stacks: list[SourceFile] = (),
    boundary: Boundary | None = None,
) -> Units:
    """Every unit of ``units`` (the ``terragrunt.hcl`` files found) as Terraform would see it. A unit file
    that others include (an older layout's root ``terragrunt.hcl``) is read as their include, not as a
    unit; so is one with no source over a folder without ``.tf`` files."""
    reader = _Reader(root, boundary or Boundary((root.resolve(),)))
    evaluated = [(unit, reader.unit(unit)) for unit in units]
    included = reader.included
    code, tfvars = stack_calls(reader, list(stacks)), []
    dependencies: dict[str, tuple[UnitDependency, ...]] = {}
    for unit, config in evaluated:
        if config is None or unit.rel in included:
            continue
        folder = posixpath.dirname(unit.rel) or "."
        source, inputs, providers = _merged(config)
        dependencies[folder] = tuple(sorted(with_outputs(d, inputs) for d in config.dependencies))
        if isinstance(source, str) and source.strip():
            source = downloaded(root, folder, source) or source
            code.append(_module_call(unit, folder, local_source(source, folder), config, inputs, providers))
        elif folder in code_folders:
            tfvars.append(_variables(unit, config, inputs))
            if providers:  # what Terragrunt generates into the folder before it runs Terraform there
                code.append(
                    ParsedFile(unit, Body(blocks=tuple(providers)), InputFile(unit.rel, FORMAT, "parsed"))
                )
    inputs = tuple(reader.inputs[rel] for rel in sorted(reader.inputs))
    return Units(tuple(code), tuple(tfvars), inputs, dependencies, dict(sorted(reader.templates.items())))


def _merged(config: _Config) -> tuple[Any, dict[str, Any], list[Block]]:
    """The unit's source (its own, else its includes' in order), its inputs (the includes' merged under
    its own, as Terragrunt's default shallow merge does) and the provider blocks it generates."""
    source = config.source
    inputs: dict[str, Any] = {}
    providers: list[Block] = []
    for include in config.includes:
        nested_source, nested_inputs, nested_providers = _merged(include)
        source = source if source is not None else nested_source
        inputs.update(nested_inputs)
        providers.extend(nested_providers)
    inputs.update(config.inputs)
    return source, inputs, [*providers, *config.providers]


def _module_call(
    unit: SourceFile,
    folder: str,
    source: str,
    config: _Config,
    inputs: dict[str, Any],
    providers: list[Block],
) -> ParsedFile:
    line = config.source_line
    attributes = {"source": Attribute("source", Literal(source, source, line), line)}
    for name, value in inputs.items():
        if name not in attributes:
            at = config.input_lines.get(name, line)
            attributes[name] = Attribute(name, Literal(value, name, at), at)
    label = posixpath.basename(folder) if folder != "." else "unit"
    body = Body(blocks=(*providers, Block("module", (label,), Body(attributes), line)))
    return ParsedFile(unit, body, InputFile(unit.rel, FORMAT, "parsed"))


def _variables(unit: SourceFile, config: _Config, inputs: dict[str, Any]) -> ParsedFile:
    lines = {name: config.input_lines.get(name, 1) for name in inputs}
    attributes = {
        name: Attribute(name, Literal(v, name, lines[name]), lines[name]) for name, v in inputs.items()
    }
    return ParsedFile(unit, Body(attributes), InputFile(unit.rel, FORMAT, "parsed"))


class _Outside(Exception):
    """A file reached through a link that leads out of the repository."""


class _Reader:
    """Reads and evaluates Terragrunt files; each file read is accounted for once in ``inputs``."""

    def __init__(self, root: Path, boundary: Boundary) -> None:
        self.root = root
        self.boundary = boundary
        self.inputs: dict[str, InputFile] = {}
        self.included: set[str] = set()
        self.templates: dict[str, str] = {}
        self._parsed: dict[str, Body | None] = {}
        self._above: dict[tuple[str, str], str | None] = {}  # see above()
        self._shared: dict[str, _Config] = {}  # files evaluated once for every unit (see _config)

    def unit(self, unit: SourceFile) -> _Config | None:
        folder = "/" + posixpath.dirname(unit.rel)
        return self._config(unit.rel, Context(folder, folder, folder), 0, Use())

    def _read(self, rel: str) -> str:
        """The text of ``rel``: ``InputProblem`` when it is missing, too large or not text, ``_Outside``
        when a link leads out of the repository."""
        path = self.root / rel
        if not path.is_file():
            raise InputProblem("not found")
        if not self.boundary.contains(path):
            raise _Outside
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputProblem(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: skipped unread")
        return read_text(SourceFile(path, rel, FORMAT))

    def body(self, rel: str) -> Body | None:
        if rel in self._parsed:
            return self._parsed[rel]
        body = None
        try:
            parsed = parse(self._read(rel))
        except _Outside:
            self.inputs[rel] = InputFile(rel, FORMAT, "skipped", self.boundary.reason("symbolic link that"))
        except InputProblem as problem:
            self.inputs[rel] = InputFile(rel, FORMAT, "error", problem.reason, problem.line)
        else:
            body = parsed.body
            status = (
                "error"
                if parsed.error and not parsed.body.blocks and not parsed.body.attributes
                else "parsed"
            )
            self.inputs[rel] = InputFile(rel, FORMAT, status, parsed.error, parsed.error_line)
        self._parsed[rel] = body
        return body

    def _config(self, rel: str, context: Context, depth: int, used: Use) -> _Config | None:
        """``rel`` evaluated for the unit of ``context``. A file whose value does not depend on the unit
        (no ``find_in_parent_folders``, no path of the unit) is evaluated once for all units: a tree of
        thousands of units reads the same account, region and root files; ``used`` tells the caller."""
        if rel in self._shared:
            return self._shared[rel]
        body = self.body(rel) if depth <= MAX_NESTING else None
        if body is None:
            return None
        own = Use()
        here = "/" + posixpath.dirname(rel)
        context = replace(context, here=here, parent=here if depth else context.parent)
        config = _Config(rel)
        evaluator = Evaluator(context.functions(self, depth, own))
        exposed: dict[str, Any] = {}
        for block in body.blocks_of("include"):
            target = self._path_of(block, evaluator, Scope(), context)
            included = self._config(target, context, depth + 1, own) if target else None
            if included is None:
                continue
            if not depth and context.parent == context.folder:  # the unit's parent: its first include
                context = replace(context, parent="/" + posixpath.dirname(target))
                evaluator = Evaluator(context.functions(self, depth, own))
            self.included.add(target)
            config.includes.append(included)
            if _literal_true(block.body.attributes.get("expose")):
                exposed[block.labels[0] if block.labels else ""] = {
                    "locals": included.locals,
                    "inputs": included.inputs,
                }
        dependencies = {
            b.labels[0]: {"outputs": Unknown(f"dependency.{b.labels[0]}.outputs")}
            for b in body.blocks_of("dependency")
            if b.labels
        }
        config.dependencies = list(self._dependencies(rel, body, evaluator, context))
        scope = file_scope(body, exposed, dependencies)
        config.locals = {name: evaluator.evaluate(expr, scope) for name, expr in scope.locals.items()}
        inputs = body.attributes.get("inputs")
        if inputs is not None:
            value = evaluator.evaluate(inputs.expr, scope)
            config.inputs = value if isinstance(value, dict) else {}
            config.input_lines = _item_lines(inputs.expr, inputs.line)
        for block in body.blocks_of("generate"):
            config.providers.extend(_generated_providers(block, evaluator, scope))
        for block in body.blocks_of("terraform"):
            source = block.body.attributes.get("source")
            if source is not None:
                config.source, config.source_line = evaluator.evaluate(source.expr, scope), source.line
        if own.unit:
            used.unit = True
        elif depth:
            self._shared[rel] = config
        return config

    def _path_of(self, block: Block, evaluator: Evaluator, scope: Scope, context: Context) -> str | None:
        path = block.body.attributes.get("path")
        value = evaluator.evaluate(path.expr, scope) if path is not None else None
        return self.inside(value, context)

    def _dependencies(
        self, rel: str, body: Body, evaluator: Evaluator, context: Context
    ) -> Iterator[UnitDependency]:
        """The units ``dependency "x" { config_path = … }`` and ``dependencies { paths = […] }`` name."""
        for block in body.blocks_of("dependency"):
            path = block.body.attributes.get("config_path")
            value = evaluator.evaluate(path.expr, Scope()) if path is not None and block.labels else None
            target = context.inside(value)
            if target is not None:
                yield UnitDependency(target, block.labels[0], rel, path.line)
        for block in body.blocks_of("dependencies"):
            paths = block.body.attributes.get("paths")
            values = evaluator.evaluate(paths.expr, Scope()) if paths is not None else None
            for value in values if isinstance(values, list) else ():
                target = context.inside(value)
                if target is not None:
                    yield UnitDependency(target, "dependencies", rel, paths.line)

    def text_of(self, path: Any, context: Context) -> Any:
        """``file(path)``: the text of a file inside the scanned folder, relative to the file calling it (a
        provider template that ``generate`` writes)."""
        target = self.inside(path, context)
        if target:
            self.templates.setdefault(target, context.folder.lstrip("/") or ".")
        try:
            return self._read(target) if target else Unknown(f"file({path!r})")
        except (OSError, InputProblem, _Outside):
            return Unknown(f"file({path!r})")

    def read_config(self, path: Any, context: Context, depth: int, used: Use) -> Any:
        target = self.inside(path, context)
        config = self._config(target, context, depth + 1, used) if target else None
        if config is None:
            return Unknown(f"read_terragrunt_config({path!r})")
        return {"locals": config.locals, "inputs": config.inputs}

    def inside(self, path: Any, context: Context) -> str | None:
        """The file ``path`` names, relative to the scanned folder; a file outside it is recorded as
        skipped, never read."""
        target = context.inside(path)
        if isinstance(path, str) and target is None:
            outside = context.relative(path)
            if outside not in self.inputs and outside not in (".", ""):
                reason = "outside the scanned folder: not read"
                self.inputs[outside] = InputFile(outside, FORMAT, "skipped", reason)
        return target

    def above(self, folder: str, name: str) -> str | None:
        """The nearest ``name`` in ``folder`` or a folder above it (paths from "/"); sibling units ask the
        same question, so each answer is kept."""
        key = (folder, name)
        if key not in self._above:
            candidate = posixpath.join(folder, name)
            if (self.root / candidate.lstrip("/")).is_file():
                self._above[key] = candidate
            else:
                self._above[key] = None if folder == "/" else self.above(posixpath.dirname(folder), name)
        return self._above[key]


def _generated_providers(block: Block, evaluator: Evaluator, scope: Scope) -> list[Block]:
    """The provider blocks a ``generate`` block writes into the module, read from its contents (HCL text,
    parsed, never run); their lines are the ``generate`` block's."""
    path = block.body.attributes.get("path")
    contents = block.body.attributes.get("contents")
    if path is None or contents is None:
        return []
    name, text = evaluator.evaluate(path.expr, scope), evaluator.evaluate(contents.expr, scope)
    if not (isinstance(name, str) and name.endswith(".tf") and isinstance(text, str)):
        return []
    return [_at_line(b, block.line) for b in _providers_in(text)]


@functools.lru_cache(maxsize=256)
def _providers_in(text: str) -> tuple[Block, ...]:
    """Units of one tree generate the same provider file: it is parsed once."""
    return tuple(parse(text).body.blocks_of("provider"))


def _at_line(block: Block, line: int) -> Block:
    attributes = {
        name: Attribute(name, _expr_at(a.expr, line), line) for name, a in block.body.attributes.items()
    }
    nested = tuple(_at_line(b, line) for b in block.body.blocks)
    return Block(block.type, block.labels, Body(attributes, nested), line)


def _expr_at(expr: Expr, line: int) -> Expr:
    return Literal(expr.value, expr.text, line) if isinstance(expr, Literal) else expr


def _literal_true(attribute: Attribute | None) -> bool:
    return attribute is not None and isinstance(attribute.expr, Literal) and attribute.expr.value is True


def _item_lines(expr: Expr, line: int) -> dict[str, int]:
    """The line of each key of an ``inputs = { … }`` object, for the resources' attribute lines."""
    items = getattr(expr, "items", None)
    lines: dict[str, int] = {}
    for key, value in items or ():
        if isinstance(key, Literal) and isinstance(key.value, str):
            lines[key.value] = getattr(value, "line", line)
    return lines
