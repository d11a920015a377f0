"""The files Terraform reads through ``templatefile()`` and ``file()``, found in the parsed code.

A path is known when it is a literal or a template of literal text and ``path.module`` (``path.root``
and ``path.cwd`` are taken as the module's own folder, which they are in a root module). Any other
interpolation (``each.key``, ``var.env``) stands for one path segment's worth of unknown text, so
``"${path.module}/values/${each.key}.yaml"`` reads every ``values/*.yaml`` of the module. A path built
only from variables (``file(var.path)``) is not followed. A call inside a ``locals`` block is credited to
the first block of the module (resource, data source, module call, output) that uses that local value,
directly or through other locals. Nothing is read here: the calls are found, never evaluated.

``terraform_inputs`` and ``merge_inputs`` are the one place where these reads meet the YAML and JSON
inputs: a file that ``templatefile()`` reads is a template rendered with Terraform's values (``%{ if … }``
directives are not YAML), so it never reaches the Kubernetes loader; a file that ``file()`` reads is
content a Terraform resource passes on (a ``helm_release``'s values, a dashboard) and is named so,
unless it holds Kubernetes objects, which Terraform applies as they are. Either way its input record
names the block that reads it. Rendering
such a file with its reader's values (a ``helm_release`` with a local chart, issue 12) extends
``terraform_inputs``: the record it returns for a file is where a rendered result is accounted for.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields, is_dataclass, replace

from ..discover import SourceFile
from ..model import FileRead, InputFile
from .expressions import Call, Expr, Literal, Template, Traversal
from .hcl import Block, Body
from .modules import ParsedFile, directory_of

#: The functions whose first argument names a file that Terraform reads; ``fileset(dir, pattern)`` names
#: the files it lists, which the code then reads (``for f in fileset(…) : jsondecode(file(…))``).
READING_FUNCTIONS = ("templatefile", "file", "fileset")
_MODULE_PATHS = frozenset({"module", "root", "cwd"})


def file_reads(parsed: Iterable[ParsedFile]) -> tuple[FileRead, ...]:
    """Every ``templatefile()``/``file()`` call with a path that can be told from the code."""
    by_directory: dict[str, list[ParsedFile]] = defaultdict(list)
    for item in parsed:
        if item.body is not None:
            by_directory[directory_of(item.source.rel)].append(item)
    reads: set[FileRead] = set()
    for directory, items in by_directory.items():
        reads.update(_module_reads(directory, items))
    return tuple(sorted(reads))


def _module_reads(directory: str, items: list[ParsedFile]) -> Iterator[FileRead]:
    found: list[tuple[str, Call, str]] = []  # (reader, call, file)
    for item in items:
        for reader, expressions in _readers(item.body):
            for node in _nodes(expressions, containing="file"):
                if isinstance(node, Call) and node.name in READING_FUNCTIONS:
                    found.append((reader, node, item.source.rel))
    in_locals = any(reader.startswith("local.") for reader, _, _ in found)
    users = _local_users(items) if in_locals else {}
    values = _local_values(items) if any(call.name == "fileset" for _, call, _ in found) else {}
    for reader, call, file in found:
        if call.name == "fileset":
            paths = fileset_paths(call.args, directory, values)
        else:
            paths = [path] if call.args and (path := _path(call.args[0], directory)) else []
        user = _first_user(reader, users) if reader.startswith("local.") else None
        for path in paths:
            if user is None:
                yield FileRead(path, call.name, reader, file, call.line)
            else:
                yield FileRead(path, call.name, user, file, call.line, via=reader)


def _local_values(items: list[ParsedFile]) -> dict[str, Expr]:
    return {
        attribute.name: attribute.expr
        for item in items
        for block in item.body.blocks_of("locals")
        for attribute in block.body.attributes.values()
    }


def fileset_paths(args: Sequence[Expr], directory: str, values: dict[str, Expr]) -> list[str]:
    """The patterns of the files ``fileset(dir, pattern)`` lists: ``dir`` a path as ``file()`` takes it (or
    a local value holding one), ``pattern`` literal; ``{a,b}`` alternatives become one pattern each, ``**``
    stays (any folders deep)."""
    if len(args) != 2 or not isinstance(args[1], Literal) or not isinstance(args[1].value, str):
        return []
    folder = args[0]
    if isinstance(folder, Traversal) and folder.root == "local" and len(folder.steps) == 1:
        folder = values.get(folder.steps[0][1], folder)
    paths = []
    for pattern in _alternatives(args[1].value):
        if not pattern or pattern.startswith("/") or any(c in pattern for c in "[]{}\\"):
            continue  # character classes and nested braces are not followed
        if isinstance(folder, Literal) and isinstance(folder.value, str):
            path = _path(Literal(f"{folder.value}/{pattern}", "", folder.line), directory)
        elif isinstance(folder, Template):
            path = _path(Template((*folder.parts, "/" + pattern), "", folder.line), directory)
        else:
            path = None
        if path is not None:
            paths.append(path)
    return paths


def _alternatives(pattern: str) -> list[str]:
    """``a.{json,yaml}`` → ``a.json``, ``a.yaml`` (one level of braces, as fileset patterns use them)."""
    start = pattern.find("{")
    end = pattern.find("}", start)
    if start < 0 or end < 0:
        return [pattern]
    head, tail = pattern[:start], pattern[end + 1 :]
    return [f"{head}{choice}{tail}" for choice in pattern[start + 1 : end].split(",")]


def _readers(body: Body) -> Iterator[tuple[str, tuple[Expr, ...]]]:
    """Each block of a file (each value of a ``locals`` block) by the name a read is credited to, with
    its expressions."""
    for block in body.blocks:
        if block.type == "locals":
            for attribute in block.body.attributes.values():
                yield f"local.{attribute.name}", (attribute.expr,)
        else:
            yield _reader(block), tuple(_expressions(block.body))


def _local_users(items: list[ParsedFile]) -> dict[str, set[str]]:
    """Local name → the blocks and locals of the module that use it."""
    users: dict[str, set[str]] = defaultdict(set)
    for item in items:
        for reader, expressions in _readers(item.body):
            for node in _nodes(expressions):
                if isinstance(node, Traversal) and node.root == "local" and node.steps:
                    users[f"local.{node.steps[0][1]}"].add(reader)
    return users


def _first_user(local: str, users: dict[str, set[str]]) -> str | None:
    """The first block (in sorted order) that uses ``local``, following locals that use locals."""
    seen, frontier, blocks = {local}, [local], set()
    while frontier:
        following = []
        for name in frontier:
            for user in users.get(name, ()):
                if user.startswith("local."):
                    if user not in seen:
                        seen.add(user)
                        following.append(user)
                else:
                    blocks.add(user)
        frontier = following
    return min(blocks) if blocks else None


def _reader(block: Block) -> str:
    labels = block.labels
    if block.type == "resource" and len(labels) == 2:
        return f"{labels[0]}.{labels[1]}"
    if block.type == "data" and len(labels) == 2:
        return f"data.{labels[0]}.{labels[1]}"
    if block.type in ("module", "output", "provider", "variable") and labels:
        return f"{block.type}.{labels[0]}"
    return block.type  # terraform, import, check, …


def _expressions(body: Body) -> Iterator[Expr]:
    for attribute in body.attributes.values():
        yield attribute.expr
    for block in body.blocks:
        yield from _expressions(block.body)


def _nodes(expressions: Iterable[Expr], containing: str | None = None) -> Iterator[Expr]:
    """Every expression inside ``expressions``, nested ones included (``yamldecode(file(…))``). With
    ``containing``, an expression whose source text lacks it is skipped with all inside it: the text of
    an expression holds the text of every expression inside (an empty text says nothing)."""
    stack: list[object] = list(expressions)
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            stack.extend(node)
            continue
        if not isinstance(node, Expr) or not is_dataclass(node):
            continue
        if containing is not None and node.text and containing not in node.text:
            continue
        yield node
        for item in fields(node):
            value = getattr(node, item.name)
            if isinstance(value, Expr | tuple):
                stack.append(value)


def _path(argument: Expr, directory: str) -> str | None:
    if isinstance(argument, Literal) and isinstance(argument.value, str):
        text = argument.value
    elif isinstance(argument, Template):
        pieces = []
        for part in argument.parts:
            if isinstance(part, str):
                pieces.append(part)
            elif _is_module_path(part):
                pieces.append(".")
            else:
                pieces.append("*")
        text = "".join(pieces)
    else:
        return None
    if posixpath.isabs(text) or not posixpath.basename(text).replace("*", "").strip("."):
        return None  # absolute, or no literal file name (``${path.module}/${var.file}``)
    path = posixpath.normpath(posixpath.join(directory, text))
    if path == ".." or path.startswith("../"):
        return None
    return path


def _is_module_path(part: object) -> bool:
    return (
        isinstance(part, Traversal)
        and part.root == "path"
        and len(part.steps) == 1
        and part.steps[0][0] == "attr"
        and part.steps[0][1] in _MODULE_PATHS
    )


#: The input format of a file that Terraform reads, by the function that reads it.
FORMATS = {"templatefile": "terraform-template", "file": "terraform-file", "fileset": "terraform-file"}


def terraform_inputs(reads: Iterable[FileRead], files: Sequence[SourceFile]) -> dict[str, InputFile]:
    """The input record of every file in ``files`` that Terraform reads, by path. A file read by
    several blocks is named after the first (by file and line) and counts the others."""
    by_directory: dict[str, list[str]] = defaultdict(list)
    for source in files:
        by_directory[posixpath.dirname(source.rel)].append(source.rel)
    readers: dict[str, list[FileRead]] = defaultdict(list)
    for read in reads:
        directory = posixpath.dirname(read.path)
        candidates = by_directory.get(directory, ()) if "*" not in directory else _all(by_directory)
        for rel in candidates:
            if read.matches(rel):
                readers[rel].append(read)
    return {rel: _record(rel, found) for rel, found in readers.items()}


def _all(by_directory: dict[str, list[str]]) -> list[str]:
    return [rel for rels in by_directory.values() for rel in rels]


def _record(rel: str, reads: list[FileRead]) -> InputFile:
    first = min(reads, key=lambda r: (r.file, r.line, r.reader))
    what = "Terraform template" if first.function == "templatefile" else "Terraform input"
    verb = "listed" if first.function == "fileset" else "read"
    through = f" through {first.via}" if first.via else ""
    reason = f"{what} {verb} by {first.reader}{through} ({first.function} at {first.file}:{first.line})"
    others = len({(r.reader, r.file, r.line) for r in reads}) - 1
    if others:
        reason += f" and {others} more"
    return InputFile(rel, FORMATS[first.function], "skipped", reason)


def merge_inputs(inputs: Iterable[InputFile], read: dict[str, InputFile]) -> tuple[InputFile, ...]:
    """The Kubernetes loader's records, with Terraform's reads in place. A ``file()`` read that holds
    Kubernetes objects stays a manifest (Terraform applies it as it is: a ``kubectl_manifest`` body, an
    Argo CD application list), its reason naming the reader; any other file Terraform reads gets the
    record ``terraform_inputs`` made. Templates never reached the Kubernetes loader."""
    merged: list[InputFile] = []
    for record in inputs:
        ours = read.get(record.path)
        if ours is None:
            merged.append(record)
        elif record.format == "kubernetes" and record.status == "parsed":
            note = ours.reason.replace("Terraform input read by", "also read by Terraform:", 1).replace(
                "Terraform input listed by", "also listed by Terraform:", 1
            )
            merged.append(replace(record, reason="; ".join(filter(None, [record.reason, note]))))
        else:
            merged.append(ours)
    return tuple(merged)
