"""The procedures catalog: what a runbook tells an engineer to do for one kind of service, as data.

``providers/catalog/procedures.yaml`` holds one procedure per service kind (and interface, or Kubernetes
object kind): the steps of each phase — prepare, move, verify, cut over, roll back, decommission — with
shell commands that carry ``<UPPER_SNAKE>`` placeholders. The runbook picks the most specific procedure
for each resource; a catch-all procedure (``match: {}``) answers for everything else.

Everything is validated on load; a problem raises :class:`CatalogError` naming the file and key path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import CatalogError
from .data_path import data_path
from .datafile import load_data_file
from .service_catalog import INTERFACES

PHASES = ("prepare", "move", "verify", "cutover", "rollback", "decommission")
MATCH_KEYS = ("source", "service_kind", "interface", "kubernetes_kind")
SOURCES = ("terraform", "kubernetes")
#: Placeholders the runbook fills from the resource; every other placeholder is left for the engineer.
#: The placeholders a runbook fills from the code (the rest stay for people).
FILLED_PLACEHOLDERS = ("<SOURCE_NAME>", "<NAMESPACE>", "<REGION>")

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*>")
#: Anything written like a placeholder: angle brackets around text without blanks. Shell redirections
#: (``< file``, ``2>&1``, ``<<'EOF'``) have a blank or no closing bracket and do not match.
_BRACKETED = re.compile(r"<[^<>\s]+>")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_KUBERNETES_KIND = re.compile(r"[A-Z][A-Za-z0-9]*")
_PROCEDURE_KEYS = ("id", "title", "match", "downtime", "steps")
_STEP_KEYS = ("text", "command")

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Step:
    text: str
    command: str | None = None

    @property
    def placeholders(self) -> tuple[str, ...]:
        return _placeholders(self.text, self.command or "")


@dataclass(frozen=True)
class Procedure:
    id: str
    title: str
    #: Match key → the accepted values (one or more); empty for the catch-all procedure.
    match: Mapping[str, tuple[str, ...]]
    downtime: str
    #: Every phase of :data:`PHASES`, in that order; a phase without steps is an empty tuple.
    steps: Mapping[str, tuple[Step, ...]]
    origin: str = ""  # "<file>: procedures[<index>]", for diagnostics

    def matches(
        self, *, source: str, service_kind: str | None, interface: str | None, kubernetes_kind: str | None
    ) -> bool:
        given = {
            "source": source,
            "service_kind": service_kind,
            "interface": interface,
            "kubernetes_kind": kubernetes_kind,
        }
        return all(given[key] in values for key, values in self.match.items())

    @property
    def specificity(self) -> tuple[int, int]:
        """More match keys first; among equals, fewer accepted values (a single kind beats a list)."""
        return (len(self.match), -sum(len(values) for values in self.match.values()))

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Every placeholder in the procedure's steps, sorted."""
        found = {token for phase in self.steps.values() for step in phase for token in step.placeholders}
        return tuple(sorted(found))


# --------------------------------------------------------------------------------------------- lookup


def procedure_for(
    procedures: Sequence[Procedure],
    *,
    source: str,
    service_kind: str | None,
    interface: str | None,
    kubernetes_kind: str | None,
) -> Procedure:
    """The most specific procedure that matches; the catch-all one when nothing else does.

    Specificity is the number of match keys, then the fewest accepted values; among equals the one
    listed first wins.
    """
    best: Procedure | None = None
    for procedure in procedures:
        if not procedure.matches(
            source=source, service_kind=service_kind, interface=interface, kubernetes_kind=kubernetes_kind
        ):
            continue
        if best is None or procedure.specificity > best.specificity:
            best = procedure
    if best is None:
        raise CatalogError("no procedure matches and the procedures catalog has no catch-all (match: {})")
    return best


# --------------------------------------------------------------------------------------------- loading


def builtin_file() -> Path:
    return data_path("providers") / "catalog" / "procedures.yaml"


def load_procedures(extra_dirs: Sequence[Path] = ()) -> tuple[Procedure, ...]:
    """The built-in procedures and those of each of ``extra_dirs``.

    A directory holds ``procedures.yaml`` directly or in a ``catalog`` folder (the layout of
    ``providers/``). A procedure with the id of one loaded earlier replaces it. The result lists the last
    directory's procedures first and the built-in ones last, each file in its own order, so that among
    equally specific matches the user's procedure wins (:func:`procedure_for` takes the first).
    """
    kinds = _service_kinds()
    procedures: dict[str, Procedure] = {}
    for path in reversed(_files(extra_dirs)):
        for procedure in _load_file(path, kinds):
            procedures.setdefault(procedure.id, procedure)
    if not any(not procedure.match for procedure in procedures.values()):
        raise CatalogError(f"{builtin_file()}: procedures: no catch-all procedure (match: {{}})")
    return tuple(procedures.values())


def _files(extra_dirs: Sequence[Path]) -> list[Path]:
    files = [builtin_file()]
    for directory in map(Path, extra_dirs):
        if not directory.is_dir():
            raise CatalogError(f"{directory}: catalog directory not found")
        for candidate in (directory / "catalog" / "procedures.yaml", directory / "procedures.yaml"):
            if candidate.is_file():
                files.append(candidate)
                break
    return files


def _service_kinds() -> frozenset[str]:
    path = data_path("providers") / "catalog" / "service-kinds.yaml"
    kinds = load_data_file(path).get("kinds")
    if not isinstance(kinds, dict):
        raise CatalogError(f"{path}: kinds: expected a mapping")
    return frozenset(kinds)


def _load_file(path: Path, kinds: frozenset[str]) -> list[Procedure]:
    data = load_data_file(path)
    return _Reader(path, kinds).procedures(data)


def _format_path(path: KeyPath) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text or "(top)"


class _Reader:
    """Turns one parsed procedures file into Procedures, or raises CatalogError naming file and key path."""

    def __init__(self, path: Path, kinds: frozenset[str]) -> None:
        self.path = path
        self.kinds = kinds

    def fail(self, path: KeyPath, problem: str) -> CatalogError:
        return CatalogError(f"{self.path}: {_format_path(path)}: {problem}")

    def procedures(self, data: dict[str, Any]) -> list[Procedure]:
        for key in data:
            if key not in ("schema_version", "procedures"):
                raise self.fail((str(key),), "unknown key (expected schema_version, procedures)")
        raw = data.get("procedures")
        if not isinstance(raw, list) or not raw:
            raise self.fail(("procedures",), f"must be a non-empty list, found {_kind_of(raw)}")
        seen: dict[str, int] = {}
        result = []
        for index, item in enumerate(raw):
            procedure = self.procedure(item, ("procedures", index))
            if procedure.id in seen:
                raise self.fail(
                    ("procedures", index, "id"),
                    f"duplicate id {procedure.id!r} (first at procedures[{seen[procedure.id]}])",
                )
            seen[procedure.id] = index
            result.append(procedure)
        return result

    def procedure(self, raw: Any, path: KeyPath) -> Procedure:
        data = self.mapping(raw, path, _PROCEDURE_KEYS)
        for key in _PROCEDURE_KEYS:
            if key not in data:
                raise self.fail((*path, key), "missing")
        ident = self.text(data["id"], (*path, "id"))
        if not _ID.fullmatch(ident):
            raise self.fail((*path, "id"), f"{ident!r} must be lower-case letters, digits and dashes")
        return Procedure(
            id=ident,
            title=self.text(data["title"], (*path, "title")),
            match=self.match(data["match"], (*path, "match")),
            downtime=self.text(data["downtime"], (*path, "downtime")),
            steps=self.steps(data["steps"], (*path, "steps")),
            origin=f"{self.path}: {_format_path(path)}",
        )

    def match(self, raw: Any, path: KeyPath) -> Mapping[str, tuple[str, ...]]:
        data = self.mapping({} if raw is None else raw, path, MATCH_KEYS)
        if "service_kind" in data and "kubernetes_kind" in data:
            raise self.fail(path, "give service_kind or kubernetes_kind, not both")
        checks = {
            "source": (lambda value: value in SOURCES, f"must be one of {', '.join(SOURCES)}"),
            "service_kind": (
                lambda value: value in self.kinds,
                "unknown service kind (see service-kinds.yaml)",
            ),
            "interface": (lambda value: value in INTERFACES, "unknown interface"),
            "kubernetes_kind": (
                lambda value: bool(_KUBERNETES_KIND.fullmatch(value)),
                "must be a Kubernetes object kind such as StatefulSet",
            ),
        }
        result: dict[str, tuple[str, ...]] = {}
        for key in MATCH_KEYS:  # a fixed order, whatever the file's
            if key not in data:
                continue
            values = self.strings(data[key], (*path, key))
            valid, problem = checks[key]
            for index, value in enumerate(values):
                if not valid(value):
                    where = (*path, key, index) if isinstance(data[key], list) else (*path, key)
                    raise self.fail(where, f"{value!r}: {problem}")
            result[key] = values
        return MappingProxyType(result)

    def steps(self, raw: Any, path: KeyPath) -> Mapping[str, tuple[Step, ...]]:
        data = self.mapping(raw, path, PHASES, what="phase")
        if not data:
            raise self.fail(path, "must name at least one phase")
        result: dict[str, tuple[Step, ...]] = {}
        for phase in PHASES:
            items = data.get(phase) or []
            if not isinstance(items, list):
                raise self.fail((*path, phase), f"must be a list of steps, found {_kind_of(items)}")
            result[phase] = tuple(self.step(item, (*path, phase, index)) for index, item in enumerate(items))
        return MappingProxyType(result)

    def step(self, raw: Any, path: KeyPath) -> Step:
        data = self.mapping(raw, path, _STEP_KEYS)
        if "text" not in data:
            raise self.fail((*path, "text"), "missing")
        text = self.text(data["text"], (*path, "text"))
        command = data.get("command")
        if command is not None:
            command = self.text(command, (*path, "command")).rstrip("\n")
        return Step(text=text.strip(), command=command)

    # -- primitives

    def mapping(self, value: Any, path: KeyPath, allowed: Sequence[str], what: str = "key") -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"must be a mapping, found {_kind_of(value)}")
        for key in value:
            if key not in allowed:
                raise self.fail((*path, str(key)), f"unknown {what} (expected one of {', '.join(allowed)})")
        return value

    def text(self, value: Any, path: KeyPath) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"must be a non-empty string, found {_kind_of(value)}")
        for token in _BRACKETED.findall(value):
            if not PLACEHOLDER.fullmatch(token):
                raise self.fail(path, f"{token} is not a placeholder: write placeholders as <UPPER_SNAKE>")
        return value

    def strings(self, value: Any, path: KeyPath) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise self.fail(path, f"must be a string or a non-empty list of strings, found {_kind_of(value)}")
        if isinstance(value, str):
            return (self.text(value, path),)
        return tuple(self.text(item, (*path, index)) for index, item in enumerate(items))


def _placeholders(*texts: str) -> tuple[str, ...]:
    return tuple(sorted({token for text in texts for token in PLACEHOLDER.findall(text)}))


def _kind_of(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"[:80]
