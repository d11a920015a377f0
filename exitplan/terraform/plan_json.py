"""Terraform plan and state JSON (the output of ``terraform show -json``).

Each file is its own configuration. Resources come from ``planned_values`` (plan) or ``values`` (state),
with instance addresses as Terraform wrote them; values marked in ``sensitive_values`` and values under
secret-named keys are replaced by ``REDACTED`` on load.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..discover import InputProblem, SourceFile, read_text
from ..model import REDACTED, Configuration, InputFile, LoadResult, Reference, Resource
from ..secrets import is_secret_key

_HEAD_BYTES = 4096


def looks_like_plan(source: SourceFile) -> bool:
    """True when the first 4 KB are JSON naming ``format_version`` and ``terraform_version``."""
    if source.text is not None:
        head = source.text[:_HEAD_BYTES]
    else:
        try:
            with source.path.open("rb") as stream:
                head = stream.read(_HEAD_BYTES).decode("utf-8", "replace")
        except OSError:
            return False
    return head.lstrip().startswith("{") and '"format_version"' in head and '"terraform_version"' in head


def load(files: list[SourceFile]) -> LoadResult:
    result = LoadResult()
    for source in files:
        result = result + _load_file(source)
    return result


def _load_file(source: SourceFile) -> LoadResult:
    try:
        text = read_text(source)
        data = json.loads(text)
    except InputProblem as problem:
        return LoadResult((InputFile(source.rel, "plan-json", "error", problem.reason, problem.line),))
    except json.JSONDecodeError as exc:
        return LoadResult(
            (InputFile(source.rel, "plan-json", "error", f"invalid JSON: {exc.msg}", exc.lineno),)
        )
    except RecursionError:
        return LoadResult((InputFile(source.rel, "plan-json", "error", "JSON nested too deeply"),))
    if not isinstance(data, dict):
        return LoadResult((InputFile(source.rel, "plan-json", "error", "not a Terraform plan or state"),))
    values = data.get("planned_values") or data.get("values") or {}
    root = values.get("root_module") if isinstance(values, dict) else None
    references = _configured_references(data)
    lines = _LineFinder(text)
    resources = [
        _resource(item, source.rel, lines, references)
        for item in _module_resources(root if isinstance(root, dict) else {}, 0)
    ]
    return LoadResult(
        (InputFile(source.rel, "plan-json", "parsed"),),
        (Configuration(source.rel, "terraform", "plan-json"),),
        tuple(sorted(resources, key=lambda r: r.address)),
    )


def _module_resources(module: dict, depth: int) -> Iterator[dict]:
    if depth > 50:
        return
    for item in module.get("resources") or []:
        if isinstance(item, dict) and isinstance(item.get("address"), str):
            yield item
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            yield from _module_resources(child, depth + 1)


class _LineFinder:
    def __init__(self, text: str) -> None:
        self.text = text

    def line_of(self, address: str) -> int:
        pattern = re.compile(r'"address"\s*:\s*' + re.escape(json.dumps(address)))
        match = pattern.search(self.text)
        if match is None:
            return 1
        start = self.text.rfind("{", 0, match.start())
        return self.text.count("\n", 0, max(start, 0)) + 1


def _resource(item: dict, file: str, lines: _LineFinder, references: dict[str, list[Reference]]) -> Resource:
    address = item["address"]
    module_path = item.get("module_address") or _module_of(address)
    config_address = _config_address(address)
    attributes = _redact(item.get("values") or {}, item.get("sensitive_values") or {})
    line = lines.line_of(address)
    return Resource(
        id=f"{file}#{address}",
        address=address,
        configuration=file,
        source="terraform",
        type=str(item.get("type", "")),
        name=str(item.get("name", "")),
        file=file,
        line=line,
        module=module_path,
        region=attributes.get("region") if isinstance(attributes.get("region"), str) else None,
        attributes=attributes,
        references=tuple(Reference(r.target, r.via, line) for r in references.get(config_address, ())),
    )


def _module_of(address: str) -> str | None:
    parts = re.findall(r'module\.[\w-]+(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?', address)
    prefix = ".".join(parts)
    return prefix if prefix and address.startswith(prefix) else None


def _config_address(address: str) -> str:
    """The address without instance keys: ``module.a["x"].aws_b.c[0]`` → ``module.a.aws_b.c``."""
    return re.sub(r'\[(?:"(?:[^"\\]|\\.)*"|\d+)\]', "", address)


def _redact(value: Any, sensitive: Any, key: str | None = None) -> Any:
    if sensitive is True or (key is not None and is_secret_key(key) and not isinstance(value, dict | list)):
        return REDACTED
    if isinstance(value, dict):
        marks = sensitive if isinstance(sensitive, dict) else {}
        return {k: _redact(v, marks.get(k), k) for k, v in value.items()}
    if isinstance(value, list):
        marks = sensitive if isinstance(sensitive, list) else []
        return [_redact(v, marks[i] if i < len(marks) else None) for i, v in enumerate(value)]
    return value


def _configured_references(data: dict) -> dict[str, list[Reference]]:
    """References from ``configuration.root_module`` (plans only), keyed by key-less resource address."""
    found: dict[str, list[Reference]] = {}
    configuration = data.get("configuration")
    root = configuration.get("root_module") if isinstance(configuration, dict) else None
    if isinstance(root, dict):
        _collect(root, "", found, 0)
    return found


def _collect(module: dict, prefix: str, found: dict[str, list[Reference]], depth: int) -> None:
    if depth > 50:
        return
    for item in module.get("resources") or []:
        if not isinstance(item, dict) or not isinstance(item.get("address"), str):
            continue
        own = prefix + item["address"]
        targets: set[tuple[str, str]] = set()
        for attribute, expression in (item.get("expressions") or {}).items():
            for reference in _expression_references(expression):
                target = _reference_target(reference)
                if target and prefix + target != own:
                    targets.add((prefix + target, attribute))
        found[own] = [Reference(target, via, 1) for target, via in sorted(targets)]
    for name, call in (module.get("module_calls") or {}).items():
        inner = call.get("module") if isinstance(call, dict) else None
        if isinstance(inner, dict):
            _collect(inner, f"{prefix}module.{name}.", found, depth + 1)


def _expression_references(expression: Any) -> Iterator[str]:
    if isinstance(expression, dict):
        for key, value in expression.items():
            if key == "references" and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            else:
                yield from _expression_references(value)
    elif isinstance(expression, list):
        for item in expression:
            yield from _expression_references(item)


def _reference_target(reference: str) -> str | None:
    """``aws_vpc.main.id`` → ``aws_vpc.main``; ``data.x.y.z`` → ``data.x.y``; var/local/module → None."""
    parts = _config_address(reference).split(".")
    if parts[0] in ("var", "local", "module", "each", "count", "path", "self", "terraform"):
        return None
    if parts[0] == "data":
        return ".".join(parts[:3]) if len(parts) >= 3 else None
    return ".".join(parts[:2]) if len(parts) >= 2 else None
