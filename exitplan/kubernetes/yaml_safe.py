"""Bounded, safe YAML loading that keeps the line of every key and list item.

Values are built from parser *events*, never by a YAML constructor, so no tag can construct an object.
Building from events also bounds what a document may cost: nesting depth, and the number of nodes after
aliases are expanded (a "billion laughs" document stops after ``MAX_NODES``).

A stream is split at its ``---`` lines before parsing, so that one broken document does not hide the
documents after it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.reader import ReaderError

try:  # the C extension: a well-kept part of ruamel.yaml, declared in setup.cfg
    from ruamel.yaml.cyaml import CParser
except ImportError:  # pragma: no cover - pure-Python fallback
    CParser = None

from ..model import Path

MAX_NODES = 100_000
MAX_DEPTH = 200

_DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)
_CORE = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_NUMBER_STARTS = frozenset("+-.0123456789")  # every number, .inf and .nan starts with one of these
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})


@dataclass(frozen=True)
class Document:
    value: Any
    line: int  # 1-based line of the document's first node (a mapping's first key)
    lines: dict[Path, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class YamlError:
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class Stream:
    documents: tuple[Document, ...]
    error: YamlError | None = None  # the first problem; documents holds what could be read


class _Problem(Exception):
    def __init__(self, reason: str, line: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def load_stream(text: str, first_line: int = 1) -> Stream:
    """All documents in ``text``; lines are numbered from ``first_line``. Never raises."""
    documents: list[Document] = []
    error: YamlError | None = None
    for chunk, offset in _chunks(text):
        docs, problem = _load_chunk(chunk, offset + first_line - 1)
        documents.extend(docs)
        if problem is not None and error is None:
            error = problem
    return Stream(tuple(documents), error)


def _chunks(text: str) -> list[tuple[str, int]]:
    """The text of each document with the 0-based line it starts on."""
    starts = [m.start() for m in _DOCUMENT_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    chunks: list[tuple[str, int]] = []
    line = 0
    pending: tuple[int, int] | None = None  # a chunk of directives waits for the document it precedes
    for begin, end in zip(starts, starts[1:], strict=False):
        chunk_begin, chunk_line = pending if pending else (begin, line)
        piece = text[chunk_begin:end]
        line += text.count("\n", begin, end)
        if "%" in piece and end < len(text) and _only_directives(piece):
            pending = (chunk_begin, chunk_line)
            continue
        pending = None
        chunks.append((piece, chunk_line))
    return chunks


def _only_directives(piece: str) -> bool:
    """Whether every line is blank, a comment or a directive. Line by line: a regular expression for
    this backtracks exponentially on CRLF comment lines."""
    for line in piece.split("\n"):
        text = line.lstrip(" \t")
        if text not in ("", "\r") and text[0] not in "%#":
            return False
    return True


def _events(chunk: str, pure: bool, parser: Any) -> Iterator[Any]:
    """Parser events: from libyaml's C parser (``parser``) when ruamel.yaml.clib is installed (about 18×
    faster on large bundles), else from the pure-Python parser. Both only tokenise; neither constructs
    objects. The C parser's events are taken as it gives them (None at the end), with no generator."""
    if pure or parser is None:
        return iter(YAML(typ="safe", pure=True).parse(chunk))
    return iter(parser.get_event, None)


def _load_chunk(chunk: str, offset: int) -> tuple[list[Document], YamlError | None]:
    """One document (or the few a ``...`` line separates). When libyaml's scanner refuses it, the
    pure-Python parser gets a second try: it follows YAML 1.2 where libyaml does not (a plain scalar
    with a colon in a flow sequence, ``target: [frontend:80]``, which ``kubectl apply`` accepts). The
    bounds, tag checks and duplicate-key check are the builder's, so they hold on both tries (a
    duplicate key found on the second try is reported as such); only the parser's own refusals are
    retried, and when both parsers refuse, the first one's reason is reported."""
    pure = CParser is None
    documents, problem, refused = _build(chunk, offset, pure)
    if refused and not pure:
        second, second_problem, refused_again = _build(chunk, offset, pure=True)
        if not refused_again:
            return second, second_problem
    return documents, problem


def _build(chunk: str, offset: int, pure: bool) -> tuple[list[Document], YamlError | None, bool]:
    """The documents, the first problem, and whether the parser refused the text (vs. the builder)."""
    builder = _Builder(offset)
    parser = None
    feed = builder.feed
    try:
        parser = CParser(chunk) if CParser is not None and not pure else None  # may refuse the text
        for event in _events(chunk, pure, parser):
            feed(event)
    except _Problem as problem:
        return builder.documents, YamlError(problem.reason, problem.line), False
    except MarkedYAMLError as exc:
        return builder.documents, _parser_error(exc, chunk, offset), True
    except ReaderError as exc:
        line = chunk.count("\n", 0, exc.position) + 1 + offset
        reason = f"invalid YAML: unacceptable character {exc.character!r}"
        return builder.documents, YamlError(reason, line), False
    except (YAMLError, RecursionError, ValueError, TypeError, IndexError, AttributeError) as exc:
        # The pure-Python parser has a few corner cases that fail with a plain exception.
        return builder.documents, YamlError(f"invalid YAML: {type(exc).__name__}", None), True
    finally:
        if parser is not None:
            parser.dispose()
    return builder.documents, None, False


def _parser_error(exc: MarkedYAMLError, chunk: str, offset: int) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    last = len(chunk.rstrip().splitlines()) or 1  # an error at the end belongs to the last written line
    line = min(mark.line + 1, last) + offset if mark is not None else None
    if mark is not None:
        lines = chunk.splitlines()
        text = lines[mark.line] if mark.line < len(lines) else ""
        if text[: len(text) - len(text.lstrip(" \t"))].count("\t") or "'\\t'" in str(exc.problem):
            return YamlError("invalid YAML: tab character used for indentation", line)
    problem = (exc.problem or exc.context or "syntax error").strip()
    return YamlError(f"invalid YAML: {problem}", line)


class _Frame:
    __slots__ = ("container", "path", "anchor", "size", "key", "key_line", "merges", "line")

    def __init__(self, container: Any, path: Path, anchor: str | None, line: int) -> None:
        self.container = container
        self.path = path
        self.anchor = anchor
        self.size = 1
        self.key: str | None = None
        self.key_line = 0
        self.merges: list[Any] = []
        self.line = line


class _Builder:
    """Turns parser events into plain dicts, lists and scalars, with a line for every path."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.documents: list[Document] = []
        self._reset()

    def _reset(self) -> None:
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.lines: dict[Path, int] = {}
        self.nodes = 0
        self.root_line = 0

    def feed(self, event: Any) -> None:
        handler = _HANDLERS.get(type(event))
        if handler is not None:  # stream and document events carry nothing to build
            handler(self, event)

    def _scalar_event(self, event: ScalarEvent) -> None:
        line = event.start_mark.line + 1 + self.offset
        self._count(1, line)
        self._attach(_scalar(event, line), 1, event.anchor, line, scalar=True)

    def _start(self, event: MappingStartEvent | SequenceStartEvent) -> None:
        line = event.start_mark.line + 1 + self.offset
        self._check_tag(event.tag, line)
        self._count(1, line)
        if len(self.stack) >= MAX_DEPTH:
            raise _Problem(f"nesting deeper than {MAX_DEPTH} levels", line)
        path = self._child_path(line)
        if not self.stack:
            self.root_line = line
        container: Any = {} if type(event) is MappingStartEvent else []
        self.stack.append(_Frame(container, path, event.anchor, line))

    def _end(self, event: MappingEndEvent | SequenceEndEvent) -> None:
        frame = self.stack.pop()
        if frame.merges:
            _merge_keys(frame.container, frame.merges)
        self._attach(frame.container, frame.size, frame.anchor, frame.line, scalar=False, done=frame)

    def _alias(self, event: AliasEvent) -> None:
        line = event.start_mark.line + 1 + self.offset
        if event.anchor not in self.anchors:
            raise _Problem(f"unknown alias *{event.anchor}", line)
        value, size = self.anchors[event.anchor]
        self._count(size, line)
        self._child_path(line)
        self._attach(copy.deepcopy(value), size, None, line, scalar=False)

    def _count(self, size: int, line: int) -> None:
        self.nodes += size
        if self.nodes > MAX_NODES:
            raise _Problem(f"more than {MAX_NODES} nodes once aliases are expanded (an alias bomb?)", line)

    def _check_tag(self, tag: str | None, line: int) -> None:
        if tag and "python/" in tag:
            raise _Problem(f"unsafe YAML tag {_short_tag(tag)}; nothing is constructed from tags", line)

    def _child_path(self, line: int) -> Path:
        """Path of the node that starts now; records the line of list items."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            path = (*top.path, len(top.container))
            self.lines[path] = line
            return path
        if top.key is None:
            raise _Problem("complex mapping keys are not supported", line)
        return (*top.path, top.key)

    def _attach(
        self, value: Any, size: int, anchor: str | None, line: int, scalar: bool, done: _Frame | None = None
    ) -> None:
        if anchor:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            if value is not None:
                self.documents.append(Document(value, self.root_line if done else line, self.lines))
            self._reset_document()
            return
        top = self.stack[-1]
        top.size += size
        if isinstance(top.container, list):
            if scalar:
                self.lines[(*top.path, len(top.container))] = line
            top.container.append(value)
            return
        if top.key is None:
            if not scalar:
                raise _Problem("complex mapping keys are not supported", line)
            key = value if isinstance(value, str) else _key_text(value)
            if key in top.container:
                raise _Problem(f"duplicate key {key!r}", line)
            top.key = key
            top.key_line = line
            if key != "<<":
                self.lines[(*top.path, key)] = line
            return
        if top.key == "<<" and isinstance(value, dict | list):
            top.merges.append(value)
        else:
            top.container[top.key] = value
        top.key = None

    def _reset_document(self) -> None:
        self.lines = {}
        self.anchors = {}
        self.nodes = 0


#: The builder's step for each kind of event, found by the event's exact class (ruamel has no subclasses).
_HANDLERS = {
    ScalarEvent: _Builder._scalar_event,
    MappingStartEvent: _Builder._start,
    SequenceStartEvent: _Builder._start,
    MappingEndEvent: _Builder._end,
    SequenceEndEvent: _Builder._end,
    AliasEvent: _Builder._alias,
}


def _merge_keys(container: dict, merges: list[Any]) -> None:
    for merged in merges:
        for source in merged if isinstance(merged, list) else [merged]:
            if isinstance(source, dict):
                for key, item in source.items():
                    container.setdefault(key, copy.deepcopy(item))


def _key_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _scalar(event: ScalarEvent, line: int) -> Any:
    value: str = event.value
    tag = event.tag
    if tag and tag != "!":
        if "python/" in tag:
            raise _Problem(f"unsafe YAML tag {_short_tag(tag)}; nothing is constructed from tags", line)
        if tag.startswith(_CORE):
            kind = tag[len(_CORE) :]
            if kind in ("int", "float", "bool", "null"):
                resolved = _resolve_plain(value)
                expected = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}[kind]
                if isinstance(resolved, expected) and not (kind != "bool" and isinstance(resolved, bool)):
                    return float(resolved) if kind == "float" else resolved
                raise _Problem(f"value {value[:40]!r} is not a valid !!{kind}", line)
        return value  # !!str, !!binary, !!timestamp and local tags (!Ref): the text as written
    if not event.style:  # plain: None from the pure parser, '' from the C parser
        return _resolve_plain(value)
    return value


def _resolve_plain(value: str) -> Any:
    """YAML 1.2 core schema resolution of a plain scalar."""
    if value in _NULLS:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if value[0] not in _NUMBER_STARTS:
        return value
    if _INT.match(value):
        return int(value)
    if _OCT.match(value):
        return int(value[2:], 8)
    if _HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    lowered = value.lower()
    if lowered in (".inf", "+.inf"):
        return float("inf")
    if lowered == "-.inf":
        return float("-inf")
    if lowered == ".nan":
        return float("nan")
    return value
