"""The values handed from one stage to the next.

Every record is frozen. Stages build new records (``dataclasses.replace``) instead of mutating old ones,
so that what a loader produced is still what a later stage sees.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from operator import attrgetter
from typing import Any

#: Replaces every secret value (Kubernetes Secret data, Terraform passwords, sensitive variables).
#: Loaders put it in place of the value on load, so no later stage can leak what it never had.
REDACTED = "(sensitive value removed)"

#: A path to a value inside a resource's attributes: keys and list indexes, e.g.
#: ``("spec", "template", "spec", "containers", 0, "image")``.
Path = tuple[str | int, ...]


_INSTANCE_KEYS = re.compile(r"\[[^\]]*\]")


class Unknown:
    """A Terraform value that cannot be known without running Terraform.

    ``expression`` is the source text it came from (``var.region``, ``aws_db_instance.x.address``), kept
    so that output can say *what* is unknown. It never holds a secret: a secret becomes ``REDACTED``.
    """

    __slots__ = ("expression",)

    def __init__(self, expression: str = "") -> None:
        self.expression = expression

    def __repr__(self) -> str:
        return f"Unknown({self.expression!r})"

    def __str__(self) -> str:
        return f"${{{self.expression}}}" if self.expression else "(unknown)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.expression == self.expression

    def __hash__(self) -> int:
        return hash(("Unknown", self.expression))


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, order=True)
class Reference:
    """A Terraform reference found in a resource's expressions, resolved to a resource address.

    ``target`` is an address in the same configuration (``aws_vpc.main``,
    ``module.db.aws_db_instance.this``); references through module outputs and inputs are already
    followed by the loader to the resource they end at. ``kind`` is ``reference``, ``depends_on``,
    ``module-input``, ``module-output`` or ``provider``.
    """

    target: str
    via: str
    line: int
    kind: str = "reference"


@dataclass(frozen=True, order=True)
class Condition:
    """A ``count``/``for_each`` that gives no instance with the values in the code (``count =
    var.enable_search ? 1 : 0`` with the default ``false``): the block is in the code, switched off.

    ``expression`` is its source text, ``file``/``line`` where it is written; ``variables`` names what
    switches it, as the root module's variables (``var.enable_search``) where the chain of module inputs
    leads there.
    """

    expression: str
    file: str
    line: int
    variables: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    id: str
    address: str
    configuration: str
    source: str  # "terraform" | "kubernetes"
    type: str
    name: str
    file: str
    line: int
    namespace: str | None = None
    module: str | None = None
    cloud: str | None = None
    region: str | None = None
    service_kind: str | None = None  # None: not classified (yet)
    stateful: bool = False
    interface: str | None = None
    lockin: str | None = None  # "none" | "low" | "medium" | "high"
    lockin_reason: str | None = None
    #: Terraform: resolved attribute values (``Unknown`` where unknowable), nested blocks as dicts/lists.
    #: Kubernetes: the manifest as plain dicts and lists. Secret values are already ``REDACTED``.
    attributes: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)
    #: Line of each attribute path that has a line of its own (keys, list items).
    lines: Mapping[Path, int] = field(default_factory=dict, compare=False, hash=False, repr=False)
    references: tuple[Reference, ...] = ()
    #: False when ``count``/``for_each`` could not be expanded: one record stands for all instances.
    expanded: bool = True
    #: Values that came from another file than ``file`` (a kustomize patch or component): path → where.
    origins: Mapping[Path, Location] = field(default_factory=dict, compare=False, hash=False, repr=False)
    #: Set when the block has no instance with the values in the code (its own ``count``/``for_each``,
    #: or that of the module call it is inside): one unexpanded record stands for what enabling it adds.
    conditional: Condition | None = None
    #: Set when the block's own ``count``/``for_each`` cannot be known without Terraform (a required
    #: variable without a default): the expression and what it depends on.
    unexpanded: Condition | None = None
    #: Terraform: attributes set to exactly ``var.x`` → where that value was written (the ``.tfvars``
    #: line that overrides the default, the default, or a module call's argument).
    value_origins: Mapping[Path, Location] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)

    @cached_property  # asked by many rules and graph steps of every resource
    def is_data_source(self) -> bool:
        """A Terraform ``data`` block: read from the cloud, not created, so it never moves."""
        if self.source != "terraform":
            return False
        parts = _INSTANCE_KEYS.sub("", self.address).split(".")
        index = 0
        while index + 1 < len(parts) and parts[index] == "module":
            index += 2  # ``module.data.aws_dynamodb_table.x`` is a module named "data", not a data source
        return index < len(parts) and parts[index] == "data"

    def line_of(self, path: Path) -> int:
        """The line of ``path`` or of its nearest ancestor that has one; the resource's line otherwise."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return self.line

    def location_of(self, path: Path) -> Location:
        """Where the value at ``path`` was written: a patch's file and line, or this file's line."""
        for end in range(len(path), 0, -1):
            origin = self.origins.get(path[:end])
            if origin is not None:
                return origin
            line = self.lines.get(path[:end])
            if line is not None:
                return Location(self.file, line)
        return self.location

    def value_location(self, path: Path) -> Location:
        """Where the value at ``path`` was decided: a variable's ``.tfvars`` line or default when the
        attribute is ``var.x``, otherwise where the attribute is written."""
        origin = self.value_origins.get(path)
        return origin if origin is not None else self.location_of(path)

    def get(self, *path: str | int, default: Any = None) -> Any:
        """The attribute at ``path``, or ``default`` where any step is missing."""
        value: Any = self.attributes
        for step in path:
            if isinstance(value, Mapping) and isinstance(step, str):
                found = step in value
            elif isinstance(value, list) and isinstance(step, int):
                found = -len(value) <= step < len(value)
            else:
                found = False
            if not found:
                return default
            value = value[step]
        return value


def iter_strings(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every string inside ``value`` with its path, depth first, in document order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from iter_strings(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from iter_strings(item, (*path, index))


@dataclass(frozen=True, order=True)
class InputFile:
    """One file that was found, and what became of it."""

    path: str
    format: str  # terraform | tfvars | terraform-json | plan-json | kubernetes | helm-template | ...
    status: str  # "parsed" | "skipped" | "error"
    reason: str | None = None
    line: int | None = None


@dataclass(frozen=True, order=True)
class UnitDependency:
    """A Terragrunt unit's ``dependency``/``dependencies`` on another unit's configuration."""

    target: str  # the configuration depended on, relative to the scanned root
    name: str  # the dependency block's label, or ``dependencies``
    file: str
    line: int
    #: the outputs of the target the unit's inputs read; empty when not known (the whole object, or none)
    outputs: tuple[str, ...] = ()
    #: the addresses in the target those outputs come from (``module.db.aws_db_instance.this``, or a
    #: module call's prefix ``module.db.module.x.``); empty when not followed
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True, order=True)
class Configuration:
    """A unit that is deployed as one: a Terraform root module, a kustomization, a folder of manifests."""

    path: str  # relative to the scanned root, "." for the root itself
    source: str  # "terraform" | "kubernetes"
    kind: str  # "terraform-root" | "kustomization" | "manifests" | "plan-json" | "helm-chart" | "stdin"
    #: Why a folder of plain manifests is a configuration of its own (split from its tree where objects clash).
    note: str | None = field(default=None, compare=False)
    #: The kustomizations in the scan that build on this one (a base and its overlays), sorted.
    included_by: tuple[str, ...] = field(default=(), compare=False)
    #: The configurations a Terragrunt unit depends on (``dependency`` blocks), sorted.
    depends_on: tuple[UnitDependency, ...] = field(default=(), compare=False)


@dataclass(frozen=True, order=True)
class FileRead:
    """Terraform's ``reader`` (a block address) reads ``path`` through ``function`` at ``file``:``line``."""

    path: str  # relative to the scanned root; ``*`` stands for text the code does not fix (``each.key``),
    # and a fileset() pattern keeps its ``?`` and ``**``
    function: str  # templatefile | file | fileset
    reader: str  # helm_release.basket, module.eks, output.config, local.values (when no block uses it)
    file: str
    line: int
    via: str = ""  # the local value the reader uses, when the call is in a ``locals`` block

    @property
    def is_pattern(self) -> bool:
        return "*" in self.path or "?" in self.path

    def matches(self, rel: str) -> bool:
        if not self.is_pattern:
            return rel == self.path
        return _glob(self.path).fullmatch(rel) is not None


@functools.lru_cache(maxsize=1024)
def _glob(path: str) -> re.Pattern:
    """``*`` (and ``?``) within one path segment; a ``**`` segment (a fileset pattern's) any folders deep."""
    pieces = []
    for segment in path.split("/"):
        if segment == "**":
            pieces.append("(?:[^/]*/)*")
            continue
        text = "[^/]*".join(re.escape(part) for part in segment.split("*")).replace(r"\?", "[^/]")
        pieces.append(text + "/")
    return re.compile("".join(pieces)[:-1] if not path.endswith("**") else "".join(pieces) + "[^/]*")


@dataclass(frozen=True)
class ChartRelease:
    """A Terraform ``helm_release`` of a local chart, with the values it passes (``terraform/helm_values.py``).

    ``values["layers"]`` are what Helm merges, in order; a value Terraform only knows at apply time is the
    placeholder text ``${<expression>}``. ``placeholders`` maps each placeholder, and each known value
    that came from Terraform resources, to the addresses (in ``configuration``) its expression ends at.
    ``set_sensitive`` values are ``REDACTED``.
    """

    release: str  # the helm_release resource's id
    address: str
    configuration: str
    file: str
    line: int
    chart: str  # the chart folder, relative to the scanned root
    name: str
    namespace: str
    values: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    placeholders: tuple[tuple[str, tuple[str, ...]], ...] = ()
    reads: tuple[str, ...] = ()  # the values files rendered into this release
    notes: tuple[str, ...] = ()
    errors: tuple[tuple[str, int, str], ...] = ()  # (file, line, reason) of values that could not be read


@dataclass(frozen=True)
class LoadResult:
    inputs: tuple[InputFile, ...] = ()
    configurations: tuple[Configuration, ...] = ()
    resources: tuple[Resource, ...] = ()
    file_reads: tuple[FileRead, ...] = ()  # the files Terraform code reads (terraform/file_reads.py)
    #: Folders read outside the scanned root (inside the boundary), as real paths: the cache watches them.
    watched: tuple[str, ...] = ()
    releases: tuple[ChartRelease, ...] = ()  # helm_release blocks of local charts

    def __add__(self, other: LoadResult) -> LoadResult:
        return LoadResult(
            self.inputs + other.inputs,
            self.configurations + other.configurations,
            self.resources + other.resources,
            self.file_reads + other.file_reads,
            tuple(sorted({*self.watched, *other.watched})),
            self.releases + other.releases,
        )


@dataclass(frozen=True, order=True)
class Edge:
    """``source`` needs ``target``: the target moves no later than the source."""

    source: str
    target: str
    kind: str
    via: str = ""
    confidence: str = "explicit"  # "explicit" | "inferred" | "declared"
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True, order=True)
class Finding:
    rule: str
    resource: str
    file: str
    line: int
    message: str
    weight: int
    evidence: str = ""
    waived: bool = False
    waiver_reason: str | None = None
    #: ``inferred`` when the finding comes from a setting that names the service, not from its resource
    confidence: str = "explicit"
    #: On a resource that is switched off in the code (``Resource.conditional``): it does not lower the
    #: score, only ``score_if_enabled``.
    conditional: bool = False

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)


def record_order(record_type: type) -> Callable[[Any], Any]:
    """A sort key that orders records of a dataclass with ``order=True`` as its own comparisons do, with
    one tuple per record instead of two per comparison."""
    return attrgetter(*(f.name for f in fields(record_type) if f.compare))


FINDING_ORDER = record_order(Finding)
