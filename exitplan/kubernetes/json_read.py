"""JSON files read by the json module: the fallback for JSON the YAML parser refuses, and the fast
reading of JSON whose lines nobody needs. Both give the ``Stream`` that ``yaml_safe`` gives."""

from __future__ import annotations

import json
import re
from typing import Any

from .yaml_safe import Document, Stream, YamlError

#: What json and the YAML loader read differently: surrogate escapes (json pairs them, YAML does not) and
#: the line breaks YAML 1.1 folds inside quotes (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def load_json(text: str) -> Stream:
    """JSON that the YAML parser refused (tabs, for instance): values without lines beyond line 1."""
    try:
        value = json.loads(text, object_pairs_hook=_unique_pairs)
    except _Refused as problem:
        return Stream((), YamlError(problem.reason, None))
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        message = getattr(exc, "msg", None) or "nesting too deep"
        return Stream((), YamlError(f"invalid JSON: {message}", line))
    if value is None:
        return Stream(())
    return Stream((Document(value, 1, {}),))


def json_values(text: str) -> Stream | None:
    """``text`` read by the json module, when that gives the values the YAML loader gives: no lines
    beyond line 1, None when json refuses it or may read it differently (a duplicate key, a ``<<``
    merge key, ``NaN``/``Infinity``, a surrogate escape or a line break that YAML 1.1 folds). Other JSON
    is a YAML flow document, so the values agree (a property test in test_yaml_safe holds this)."""
    if any(c in text for c in _YAML_BREAKS) or ("\\u" in text and _SURROGATE_ESCAPE.search(text)):
        return None  # substring tests first: one pattern with a class crawls through a large file
    try:
        value = json.loads(text, object_pairs_hook=_json_pairs, parse_constant=_refuse_constant)
    except (_Refused, ValueError, RecursionError):
        return None
    return Stream((Document(value, 1, {}),)) if value is not None else Stream(())


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs) or "<<" in result:
        raise _Refused("a duplicate or merge key")
    return result


def _refuse_constant(name: str) -> Any:
    raise _Refused(f"{name} is no JSON")


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(f"duplicate key {key!r}")
        result[key] = value
    return result
