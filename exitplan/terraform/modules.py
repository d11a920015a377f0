"""Parse Terraform files and gather each directory's blocks into a module definition.

A ``ModuleDef`` is what one directory declares (variables, locals, outputs, resources, module calls,
providers); ``tf_instances`` evaluates it once per module instance.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from ..discover import InputProblem, SourceFile, read_text
from ..model import InputFile
from .hcl import Attribute, Block, Body, Expr, HclFile, Literal, parse
from .json_syntax import JsonSyntaxError, parse_json_config, parse_json_values


@dataclass(frozen=True)
class Variable:
    name: str
    default: Expr | None
    sensitive: bool
    type: str | None = None  # the type constraint's source text
    file: str = ""  # where it is declared; ``line`` is its default's line (the block's without one)
    line: int = 0


@dataclass(frozen=True)
class Declared:
    """A resource, data source or module call block and the file it is in."""

    mode: str  # "managed" | "data" | "module"
    type: str
    name: str
    block: Block
    file: str

    @property
    def address(self) -> str:
        if self.mode == "data":
            return f"data.{self.type}.{self.name}"
        if self.mode == "module":
            return f"module.{self.name}"
        return f"{self.type}.{self.name}"


@dataclass
class ModuleDef:
    directory: str  # relative to the scanned root
    variables: dict[str, Variable] = field(default_factory=dict)
    locals: dict[str, Expr] = field(default_factory=dict)
    outputs: dict[str, tuple[Expr, bool]] = field(default_factory=dict)
    resources: dict[str, Declared] = field(default_factory=dict)  # by address
    calls: dict[str, Declared] = field(default_factory=dict)  # module calls by name
    providers: list[Block] = field(default_factory=list)

    def add(self, body: Body, file: str) -> None:
        for block in body.blocks:
            labels = block.labels
            if block.type in ("resource", "data") and len(labels) == 2:
                declared = Declared(
                    "managed" if block.type == "resource" else "data", labels[0], labels[1], block, file
                )
                self.resources.setdefault(declared.address, declared)
            elif block.type == "module" and len(labels) == 1:
                self.calls.setdefault(labels[0], Declared("module", "module", labels[0], block, file))
            elif block.type == "variable" and len(labels) == 1:
                default = block.body.attributes.get("default")
                sensitive = _literal_true(block.body.attributes.get("sensitive"))
                constraint = block.body.attributes.get("type")
                self.variables[labels[0]] = Variable(
                    labels[0],
                    default.expr if default else None,
                    sensitive,
                    constraint.expr.text if constraint else None,
                    file,
                    default.line if default else block.line,
                )
            elif block.type == "locals":
                for attr in block.body.attributes.values():
                    self.locals[attr.name] = attr.expr
            elif block.type == "output" and len(labels) == 1:
                value = block.body.attributes.get("value")
                if value is not None:
                    sensitive = _literal_true(block.body.attributes.get("sensitive"))
                    self.outputs[labels[0]] = (value.expr, sensitive)
            elif block.type == "provider" and labels:
                self.providers.append(block)


def _literal_true(attr: Attribute | None) -> bool:
    return attr is not None and isinstance(attr.expr, Literal) and attr.expr.value is True


@dataclass(frozen=True)
class ParsedFile:
    source: SourceFile
    body: Body | None
    input: InputFile


#: Each pattern's matches contain one of its needles: ``in`` finds those far faster than ``re`` scans every
#: file for a pattern that starts with ``\b``, so the pattern runs only where a needle is.
_HCL1_MARKERS = (
    (re.compile(r"\$\{[^}\n]*\\\""), ("${",), 'escaped quotes inside "${…}"'),
    (
        re.compile(r"\btype\s*=\s*\"(list|map|string)\""),
        ('"list"', '"map"', '"string"'),
        'quoted type names (type = "list")',
    ),
    (re.compile(r"\$\{\s*(list|map)\("), ("${",), "the list()/map() functions"),
)


def _hcl1_marker(text: str) -> str | None:
    for pattern, needles, description in _HCL1_MARKERS:
        if any(needle in text for needle in needles) and pattern.search(text):
            return description
    return None


def parse_source(source: SourceFile, input_format: str | None = None) -> ParsedFile:
    """Parse one Terraform, Terraform JSON or tfvars file; problems become the input record."""
    fmt = input_format or source.format
    try:
        text = read_text(source)
    except InputProblem as problem:
        return ParsedFile(source, None, InputFile(source.rel, fmt, "error", problem.reason, problem.line))
    name = source.rel.lower()
    if name.endswith(".json"):
        try:
            body = parse_json_values(text) if fmt == "tfvars" else parse_json_config(text)
        except JsonSyntaxError as exc:
            return ParsedFile(source, None, InputFile(source.rel, fmt, "error", str(exc), exc.line))
        except RecursionError:
            return ParsedFile(source, None, InputFile(source.rel, fmt, "error", "JSON nested too deeply", 1))
        return ParsedFile(source, body, InputFile(source.rel, fmt, "parsed"))
    if not text.strip():
        return ParsedFile(source, Body(), InputFile(source.rel, fmt, "parsed", "empty file"))
    parsed: HclFile = parse(text, skim=fmt == "terraform")
    marker = _hcl1_marker(text)
    if parsed.error:
        if marker:
            reason = f"Terraform 0.11 syntax (HCL1, {marker}); not readable as Terraform 0.12+ / OpenTofu"
        else:
            reason = "HCL syntax error"
        return ParsedFile(source, parsed.body, InputFile(source.rel, fmt, "error", reason, parsed.error_line))
    reason = f"Terraform 0.11 syntax ({marker}); read as HCL2" if marker else None
    return ParsedFile(source, parsed.body, InputFile(source.rel, fmt, "parsed", reason))


def directory_of(rel: str) -> str:
    parent = posixpath.dirname(rel)
    return parent or "."


def effective_files(files: list[ParsedFile]) -> list[ParsedFile]:
    """Drop a ``.tf``/``.tf.json`` file when a ``.tofu``/``.tofu.json`` of the same basename is beside it."""
    names = {f.source.rel for f in files}
    kept = []
    for parsed in files:
        rel = parsed.source.rel
        if rel.endswith(".tf") and rel[:-3] + ".tofu" in names:
            continue
        if rel.endswith(".tf.json") and rel[:-8] + ".tofu.json" in names:
            continue
        kept.append(parsed)
    return kept


def build_module(directory: str, files: list[ParsedFile]) -> ModuleDef:
    module = ModuleDef(directory)
    ordinary = [f for f in files if not _is_override(f.source.rel)]
    for parsed in ordinary:
        if parsed.body is not None:
            module.add(parsed.body, parsed.source.rel)
    for parsed in files:
        if _is_override(parsed.source.rel) and parsed.body is not None:
            _apply_override(module, parsed.body)
    return module


def _is_override(rel: str) -> bool:
    base = posixpath.basename(rel).split(".")[0]
    return base == "override" or base.endswith("_override")


def _apply_override(module: ModuleDef, body: Body) -> None:
    """Terraform override files: attributes and nested blocks of a matching block replace the original's."""
    for block in body.blocks:
        if block.type not in ("resource", "data") or len(block.labels) != 2:
            continue
        prefix = "data." if block.type == "data" else ""
        address = f"{prefix}{block.labels[0]}.{block.labels[1]}"
        original = module.resources.get(address)
        if original is None:
            continue
        replaced_types = {b.type for b in block.body.blocks}
        merged = Body(
            {**original.block.body.attributes, **block.body.attributes},
            tuple(b for b in original.block.body.blocks if b.type not in replaced_types) + block.body.blocks,
        )
        new_block = Block(original.block.type, original.block.labels, merged, original.block.line)
        module.resources[address] = Declared(
            original.mode, original.type, original.name, new_block, original.file
        )
