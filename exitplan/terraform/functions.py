"""Terraform's pure built-in functions, on known values only.

Each function takes the evaluated arguments (plain Python values, never ``Unknown``) and returns a value
or raises ``FunctionError``; the evaluator turns that into ``Unknown``. Functions that read files, the
clock or the network are deliberately absent.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import math
import posixpath
import re
from collections.abc import Callable
from typing import Any


class FunctionError(Exception):
    pass


def _need(condition: bool, message: str = "invalid arguments") -> None:
    if not condition:
        raise FunctionError(message)


def to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    _need(isinstance(value, str), "a string is required")
    return value


def _set(values: list) -> list:
    _need(isinstance(values, list), "a list is required")
    unique: list = []
    for item in values:
        if item not in unique:
            unique.append(item)
    try:
        return sorted(unique)
    except TypeError:
        return unique


def _format(spec: str, *args: Any) -> str:
    queue = list(args)

    def verb(match: re.Match) -> str:
        if match.group(0) == "%%":
            return "%"
        _need(bool(queue), "not enough arguments for format")
        value = queue.pop(0)
        kind = match.group(2)
        if kind == "d":
            _need(isinstance(value, int | float) and not isinstance(value, bool))
            return ("%" + match.group(1) + "d") % int(value)
        if kind == "f":
            return ("%" + match.group(1) + "f") % float(value)
        if kind == "q":
            return json.dumps(to_string(value))
        if kind == "v" and isinstance(value, list | dict):
            return json.dumps(value, separators=(",", ":"))
        return ("%" + match.group(1) + "s") % to_string(value)

    return re.sub(r"%%|%([-+ #0]?\d*(?:\.\d+)?)([sdvqft])", verb, spec)


def _replace(text: str, search: str, replacement: str) -> str:
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        try:
            return re.sub(search[1:-1], re.sub(r"\$\{?(\d+)\}?", r"\\\1", replacement), text)
        except re.error as exc:
            raise FunctionError(str(exc)) from None
    return text.replace(search, replacement)


def _lookup(mapping: dict, key: str, *default: Any) -> Any:
    _need(isinstance(mapping, dict))
    if key in mapping:
        return mapping[key]
    _need(bool(default), f"no key {key!r}")
    return default[0]


def _element(values: list, index: int) -> Any:
    _need(isinstance(values, list) and bool(values) and isinstance(index, int))
    return values[index % len(values)]


def _flatten(values: list) -> list:
    _need(isinstance(values, list))
    result: list = []
    for item in values:
        result.extend(_flatten(item) if isinstance(item, list) else [item])
    return result


def _merge(*maps: Any) -> dict:
    result: dict = {}
    for mapping in maps:
        if mapping is None:
            continue
        _need(isinstance(mapping, dict), "merge needs maps")
        result.update(mapping)
    return result


def _concat(*lists: Any) -> list:
    result: list = []
    for item in lists:
        _need(isinstance(item, list), "concat needs lists")
        result.extend(item)
    return result


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    raise FunctionError("no non-null argument")


def _length(value: Any) -> int:
    _need(isinstance(value, list | dict | str))
    return len(value)


def _cidrsubnet(prefix: str, newbits: int, netnum: int) -> str:
    try:
        network = ipaddress.ip_network(prefix, strict=False)
        subnets = network.subnets(prefixlen_diff=int(newbits))
        for index, subnet in enumerate(subnets):
            if index == int(netnum):
                return str(subnet)
    except (ValueError, TypeError) as exc:
        raise FunctionError(str(exc)) from None
    raise FunctionError("netnum out of range")


def _cidrhost(prefix: str, hostnum: int) -> str:
    try:
        network = ipaddress.ip_network(prefix, strict=False)
        return str(network.network_address + int(hostnum) % network.num_addresses)
    except (ValueError, TypeError) as exc:
        raise FunctionError(str(exc)) from None


def _yamlencode(value: Any) -> str:
    from io import StringIO

    from ruamel.yaml import YAML

    stream = StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(value, stream)
    return stream.getvalue()


def _jsondecode(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise FunctionError(str(exc)) from None


def _tonumber(value: Any) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FunctionError("not a number") from None
    return int(number) if number.is_integer() else number


def _range(*args: int) -> list:
    _need(1 <= len(args) <= 3 and all(isinstance(a, int) for a in args))
    result = list(range(*args))
    _need(len(result) <= 1024, "range too long")
    return result


def _zipmap(keys: list, values: list) -> dict:
    _need(isinstance(keys, list) and isinstance(values, list) and len(keys) == len(values))
    return dict(zip(keys, values, strict=True))


def _contains(values: list, item: Any) -> bool:
    _need(isinstance(values, list))
    return item in values


def _one(values: list) -> Any:
    _need(isinstance(values, list) and len(values) <= 1)
    return values[0] if values else None


def _slice(values: list, start: int, end: int) -> list:
    _need(isinstance(values, list))
    return values[start:end]


def _tomap(value: Any) -> dict:
    _need(isinstance(value, dict))
    return value


def _text(value: Any) -> str:
    _need(isinstance(value, str))
    return value


def _tolist(value: Any) -> list:
    _need(isinstance(value, list))
    return value


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "toset": _set,
    "tolist": _tolist,
    "tomap": _tomap,
    "tostring": to_string,
    "tonumber": _tonumber,
    "tobool": lambda v: v if isinstance(v, bool) else {"true": True, "false": False}[v],
    "merge": _merge,
    "dirname": lambda path: posixpath.dirname(_text(path)) or ".",
    "basename": lambda path: posixpath.basename(_text(path)),
    "concat": _concat,
    "lookup": _lookup,
    "format": _format,
    "formatlist": lambda spec, *lists: [_format(spec, *row) for row in zip(*lists, strict=True)],
    "join": lambda sep, *lists: sep.join(to_string(v) for values in lists for v in values),
    "split": lambda sep, text: text.split(sep) if text else [],
    "lower": lambda text: text.lower(),
    "upper": lambda text: text.upper(),
    "title": lambda text: text.title(),
    "trimspace": lambda text: text.strip(),
    "trimprefix": lambda text, prefix: text.removeprefix(prefix),
    "trimsuffix": lambda text, suffix: text.removesuffix(suffix),
    "trim": lambda text, chars: text.strip(chars),
    "substr": lambda text, offset, length: text[offset : None if length < 0 else offset + length],
    "startswith": lambda text, prefix: text.startswith(prefix),
    "endswith": lambda text, suffix: text.endswith(suffix),
    "replace": _replace,
    "coalesce": _coalesce,
    "coalescelist": lambda *lists: next((v for v in lists if v), []),
    "compact": lambda values: [v for v in values if v is not None and v != ""],
    "flatten": _flatten,
    "keys": lambda mapping: sorted(mapping),
    "values": lambda mapping: [mapping[k] for k in sorted(mapping)],
    "length": _length,
    "element": _element,
    "contains": _contains,
    "distinct": lambda values: [v for i, v in enumerate(values) if v not in values[:i]],
    "reverse": lambda values: list(reversed(values)),
    "sort": lambda values: sorted(to_string(v) for v in values),
    "slice": _slice,
    "range": _range,
    "zipmap": _zipmap,
    "one": _one,
    "min": lambda *numbers: min(numbers),
    "max": lambda *numbers: max(numbers),
    "abs": abs,
    "ceil": lambda n: math.ceil(n),
    "floor": lambda n: math.floor(n),
    "jsonencode": lambda value: json.dumps(value, separators=(",", ":"), sort_keys=True),
    "jsondecode": _jsondecode,
    "yamlencode": _yamlencode,
    "base64encode": lambda text: base64.b64encode(text.encode()).decode(),
    "cidrsubnet": _cidrsubnet,
    "cidrhost": _cidrhost,
}
