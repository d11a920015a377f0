"""Terraform / OpenTofu loader: files → root-module configurations → resources with references.

Every directory of ``.tf`` files is a module; a directory that no other scanned directory calls as a
local module is a root, i.e. a configuration. Each root is evaluated from its variables (defaults <
``TF_VAR_`` < ``terraform.tfvars`` < ``terraform.tfvars.json`` < ``*.auto.tfvars`` in lexical order <
``--var-file`` < ``--var``, see ``variables.py``), following local modules and the modules
``terraform init`` downloaded (``.terraform/modules/modules.json``).
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
from collections.abc import Iterator
from pathlib import Path

from ..boundary import Boundary
from ..discover import MAX_FILE_BYTES, Discovery, SourceFile, file_format
from ..model import (
    ChartRelease,
    Configuration,
    InputFile,
    LoadResult,
    Location,
    Resource,
    UnitDependency,
    Unknown,
)
from ..secrets import is_secret_key
from .evaluate import Evaluator
from .expressions import traversals
from .file_reads import file_reads
from .instances import Context, ModuleInstance
from .modules import ModuleDef, ParsedFile, build_module, directory_of, effective_files, parse_source
from .resources import instance_resources, is_literal_source
from .scope import SECRET, Scope
from .secrets import SecretBook
from .terragrunt import read_units
from .terragrunt_context import UNIT_FILE
from .variables import NO_INPUTS, VariableInputs, external_values

FORMATS = ("terraform", "terraform-json", "tfvars")


def is_local_source(source: str) -> bool:
    return source.startswith(("./", "../")) or source in (".", "..")


def load(discovery: Discovery, variables: VariableInputs = NO_INPUTS) -> LoadResult:
    parsed = [parse_source(source) for source in discovery.of_format(*FORMATS)]
    code: dict[str, list[ParsedFile]] = {}
    tfvars: dict[str, list[ParsedFile]] = {}
    for item in parsed:
        target = tfvars if item.source.format == "tfvars" else code
        target.setdefault(directory_of(item.source.rel), []).append(item)
    units = read_units(
        discovery.root,
        discovery.of_format("terragrunt"),
        set(code),
        discovery.of_format("terragrunt-stack"),
        discovery.boundary,
    )
    templates = _templates(code, units.templates)  # folders of .tf files only file() reads: not roots
    for unit in units.code:
        code.setdefault(directory_of(unit.source.rel), []).append(unit)
    for unit in units.tfvars:
        tfvars.setdefault(directory_of(unit.source.rel), []).append(unit)
    modules = {
        directory: build_module(directory, effective_files(files)) for directory, files in code.items()
    }
    downloads = Downloads(discovery.root, modules, discovery.boundary)
    configurations: list[Configuration] = []
    resources: list[Resource] = []
    releases: list[ChartRelease] = []
    traversals: dict = {}  # one memo of traversals per expression for all configurations (Context)
    for root in root_directories(modules):
        depends_on = tuple(_followed(d, modules, downloads) for d in units.dependencies.get(root, ()))
        found, note, released = _load_root(
            root, modules[root], tfvars.get(root, []), downloads, variables, traversals
        )
        configurations.append(Configuration(root, "terraform", "terraform-root", note, depends_on=depends_on))
        resources.extend(found)
        releases.extend(released)
    inputs = (
        [templates.get(item.source.rel, item.input) for item in parsed]
        + list(units.inputs)
        + downloads.inputs
    )
    watched = tuple(sorted(str(path) for path in downloads.watched))
    return LoadResult(
        tuple(inputs), tuple(configurations), tuple(resources), file_reads(parsed), watched, tuple(releases)
    )


def _templates(code: dict[str, list[ParsedFile]], read: dict[str, str]) -> dict[str, InputFile]:
    """Take out of ``code`` each folder of templates a Terragrunt unit's ``generate`` writes with ``file()``
    (a provider block kept once for every unit): some of its ``.tf`` files are read so, and the others
    declare nothing that Terraform would create. Their input records say why they are not a root."""
    found: dict[str, InputFile] = {}
    for directory, files in list(code.items()):
        unit = next((read[item.source.rel] for item in files if item.source.rel in read), None)
        if unit is None or any(_creates(item) for item in files if item.source.rel not in read):
            continue
        del code[directory]
        for item in files:
            rel = item.source.rel
            reason = (
                f"a template the Terragrunt unit in {read[rel]} writes with generate (file()); not a root"
                if rel in read
                else f"beside the templates of Terragrunt units ({unit} reads one); creates nothing: not a root"
            )
            found[rel] = InputFile(rel, item.input.format, "skipped", reason)
    return found


def _creates(item: ParsedFile) -> bool:
    return item.body is None or any(block.type in ("resource", "module") for block in item.body.blocks)


def _followed(
    dependency: UnitDependency, modules: dict[str, ModuleDef], downloads: Downloads
) -> UnitDependency:
    """``dependency`` with the addresses behind the outputs it reads, in the unit it depends on: that
    unit's module call (or its own folder's module) and, in it, what each output's value names."""
    target = modules.get(dependency.target)
    if target is None or not dependency.outputs:
        return dependency
    prefix, module = "", target
    if len(target.calls) == 1 and not target.resources:
        ((name, call),) = target.calls.items()
        source = is_literal_source(call)
        child = (
            downloads.module_at(_join(dependency.target, source))
            if source and is_local_source(source)
            else None
        )
        if child is None:
            return dependency
        prefix, module = f"module.{name}.", child
    addresses: set[str] = set()
    for output in dependency.outputs:
        value = module.outputs.get(output)
        if value is not None:
            addresses.update(prefix + named for named in _named(value[0], module, 0))
    return dataclasses.replace(dependency, addresses=tuple(sorted(addresses)))


def _named(expr, module: ModuleDef, depth: int) -> set[str]:
    """What an output's value names in its module: ``aws_db_instance.this``, ``data.x.y``, ``module.m.``
    (everything of a module call), through locals; a variable names nothing of the module's own."""
    found: set[str] = set()
    for traversal in traversals(expr):
        attrs = [a for kind, a in traversal.steps if kind == "attr"]
        root = traversal.root
        if not attrs or root in (None, "var", "each", "count", "path", "self", "terraform"):
            continue
        if root == "local":
            local = module.locals.get(attrs[0])
            found |= _named(local, module, depth + 1) if local is not None and depth < 8 else set()
        elif root == "module":
            found.add(f"module.{attrs[0]}.")
        elif root == "data":
            found.update([f"data.{attrs[0]}.{attrs[1]}"] if len(attrs) > 1 else [])
        else:
            found.add(f"{root}.{attrs[0]}")
    return found


def root_directories(modules: dict[str, ModuleDef]) -> list[str]:
    called: set[str] = set()
    for directory, module in modules.items():
        for call in module.calls.values():
            source = is_literal_source(call)
            if source and is_local_source(source):
                target = _join(directory, source)
                if target != directory:
                    called.add(target)
    return sorted(directory for directory in modules if directory not in called)


def _join(directory: str, relative: str) -> str:
    return posixpath.normpath(posixpath.join(directory, relative))


def _load_root(
    root: str,
    module: ModuleDef,
    tfvars: list[ParsedFile],
    downloads: Downloads,
    inputs: VariableInputs,
    traversals: dict | None = None,
) -> tuple[list[Resource], str | None, list[ChartRelease]]:
    """The configuration's resources, a note when reference following ran out of its budget, and its
    releases of local charts. ``traversals`` remembers the traversals of each expression (see
    ``Context``)."""
    book = SecretBook()
    evaluator = Evaluator()

    def resolve(calling: str, source: str, key_path: str) -> ModuleDef | None:
        if is_local_source(source):
            return downloads.module_at(_join(calling, source))
        directory = downloads.registered(root, key_path)
        return downloads.module_at(directory) if directory else None

    context = Context(
        root, evaluator, resolve, book.remember, read_text=downloads.read_text, traversals=traversals
    )
    variables, origins = root_variables(module, tfvars, evaluator, book, inputs)
    instance = ModuleInstance(context, module, variables=variables, origins=origins)
    # Every resource is scrubbed of every secret literal of the configuration, also those met after it.
    walked = list(_walk(instance, book))
    found = (
        [dataclasses.replace(r, attributes=book.scrub(r.attributes)) for r in walked]
        if book.literals
        else walked
    )
    releases = [dataclasses.replace(r, values=book.scrub(dict(r.values))) for r in context.releases]
    note = None
    resolver = context.resolver
    if resolver is not None and resolver.exhausted is not None:
        note = book.scrub(
            f"reference following stopped after {resolver.budget:,} steps (the budget per configuration) "
            f"at {resolver.exhausted}; references through variables, locals and module outputs met after "
            "that are missing"
        )
    return sorted(found, key=lambda r: r.address), note, sorted(releases, key=lambda r: r.address)


def _walk(instance: ModuleInstance, book: SecretBook) -> Iterator[Resource]:
    yield from instance_resources(instance, book)
    for name in instance.module.calls:
        for child in instance.children(name).walked:
            yield from _walk(child, book)


def _tfvars_order(item: ParsedFile) -> tuple[int, str]:
    name = posixpath.basename(item.source.rel)
    if name == UNIT_FILE:  # a Terragrunt unit's inputs reach Terraform as TF_VAR_ values: the weakest file
        return (-1, name)
    if name == "terraform.tfvars":
        return (0, name)
    if name == "terraform.tfvars.json":
        return (1, name)
    return (2, name)


def root_variables(
    module: ModuleDef,
    tfvars: list[ParsedFile],
    evaluator: Evaluator,
    book: SecretBook,
    inputs: VariableInputs = NO_INPUTS,
) -> tuple[dict, dict[str, Location]]:
    """The root module's variable values, and where each value was written: the last auto-loaded
    ``.tfvars`` that sets it, else its default (none for a value from the environment or the command line)."""
    values: dict = {}
    origins: dict[str, Location] = {}
    for name, variable in module.variables.items():
        values[name] = (
            evaluator.evaluate(variable.default, Scope()) if variable.default else Unknown(f"var.{name}")
        )
        if variable.default is not None and variable.file:
            origins[name] = Location(variable.file, variable.line)
    declared = {name: variable.type for name, variable in module.variables.items()}
    external = list(external_values(inputs, declared, lambda expr: evaluator.evaluate(expr, Scope())))
    for layer, name, value in external:
        if layer == 0:
            values[name] = value
            origins.pop(name, None)
    auto = [f for f in tfvars if f.body is not None and _is_auto_loaded(f.source.rel)]
    for item in sorted(auto, key=_tfvars_order):
        for attr in item.body.attributes.values():
            if attr.name in module.variables:
                values[attr.name] = evaluator.evaluate(attr.expr, Scope())
                origins[attr.name] = Location(item.source.rel, attr.line)
    for layer, name, value in external:
        if layer == 1:
            values[name] = value
            origins.pop(name, None)
    for name, variable in module.variables.items():
        if variable.sensitive or is_secret_key(name):
            book.remember(values[name])
            values[name] = SECRET
    return values, origins


def _is_auto_loaded(rel: str) -> bool:
    name = posixpath.basename(rel)
    return name in ("terraform.tfvars", "terraform.tfvars.json", UNIT_FILE) or name.endswith(
        (".auto.tfvars", ".auto.tfvars.json")
    )


class Downloads:
    """Module directories: the scanned ones, and those ``terraform init`` put under ``.terraform/modules``."""

    def __init__(self, root: Path, modules: dict[str, ModuleDef], boundary: Boundary | None = None) -> None:
        self.root = root
        self.modules = modules
        self.boundary = boundary or Boundary((root,))
        self.inputs: list[InputFile] = []
        #: Real paths of module folders read outside the scanned root (the scan cache watches them).
        self.watched: set[Path] = set()
        self._read: dict[str, ModuleDef | None] = {}
        self._manifests: dict[str, dict[str, str]] = {}

    def registered(self, root: str, key_path: str) -> str | None:
        """The directory ``modules.json`` of ``root`` records for the module key ``key_path``."""
        if root not in self._manifests:
            self._manifests[root] = self._manifest(root)
        directory = self._manifests[root].get(key_path)
        return _join(root, directory) if directory else None

    def _manifest(self, root: str) -> dict[str, str]:
        rel = _join(root, ".terraform/modules/modules.json")
        path = self.root / rel
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = {m["Key"]: m["Dir"] for m in data.get("Modules", []) if m.get("Key") and m.get("Dir")}
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            reason = f"cannot read modules.json: {exc.__class__.__name__}"
            self.inputs.append(InputFile(rel, "terraform", "error", reason))
            return {}
        return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, str)}

    def read_text(self, rel: str) -> str | None:
        """A file below the scanned root, as text; None when it leaves the root or cannot be read."""
        path = self.root / rel
        try:
            resolved = path.resolve()
            if not resolved.is_relative_to(self.root.resolve()) or not resolved.is_file():
                return None
            if resolved.stat().st_size > MAX_FILE_BYTES:
                return None
            return resolved.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def module_at(self, directory: str) -> ModuleDef | None:
        """The module in ``directory`` (relative to the scanned root): a scanned one, one ``terraform init``
        downloaded, or a local source outside the scanned folder but inside the boundary."""
        if directory in self.modules:
            return self.modules[directory]
        outside = directory.startswith(("..", "/"))
        downloaded = ".terraform/modules" in directory or "/.terragrunt-cache/" in f"/{directory}"
        if not outside and not downloaded:
            return None
        if directory not in self._read:
            if not self.boundary.contains(self.root / directory):
                reason = self.boundary.reason("module source that")
                self.inputs.append(InputFile(directory, "terraform-module", "skipped", reason))
                self._read[directory] = None
            else:
                self._read[directory] = self._read_directory(directory)
                if outside and self._read[directory] is not None:
                    self.watched.add((self.root / directory).resolve())
        return self._read[directory]

    def _read_directory(self, directory: str) -> ModuleDef | None:
        path = self.root / directory
        try:
            entries = sorted(path.iterdir()) if path.is_dir() else []
        except OSError:
            entries = []
        files = []
        for entry in entries:
            fmt = file_format(entry.name)
            if fmt not in ("terraform", "terraform-json") or not entry.is_file():
                continue
            rel = f"{directory}/{entry.name}"
            if not self.boundary.contains(entry):
                self.inputs.append(InputFile(rel, fmt, "skipped", self.boundary.reason("symbolic link that")))
                continue
            if (size := entry.stat().st_size) > MAX_FILE_BYTES:
                reason = f"file is {size} bytes; larger than the {MAX_FILE_BYTES}-byte limit"
                self.inputs.append(InputFile(rel, fmt, "skipped", reason))
                continue
            item = parse_source(SourceFile(entry, rel, fmt), "terraform")
            self.inputs.append(item.input)
            files.append(item)
        return build_module(directory, effective_files(files)) if files else None
