"""What a ``helm_release`` of a local chart passes to the chart, read from its block as Terraform would.

The chart path is resolved relative to the module (``${path.module}/…`` gives it relative to the scanned
root already). Each entry of ``values`` becomes one layer: a literal or heredoc string, ``file(…)``,
``templatefile(…, {…})`` rendered with Terraform's template language (``template_lang``), or
``yamlencode({…})``/``jsonencode({…})`` kept as the value itself. ``set``, ``set_list`` and
``set_sensitive`` (blocks, or the list attributes of provider v3) follow as layers of their own; the render
stage merges the layers as Helm does. ``set_sensitive`` values are never read: they become ``REDACTED``.

A value Terraform only knows at apply time becomes the placeholder text ``${<expression>}``, and the
expression is followed, like any reference, to the Terraform resources it ends at (through module
outputs), so that the rendered objects can be linked to them. A known value that comes from Terraform
resources (a table name through a module output) is remembered with them the same way.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from ..model import REDACTED, ChartRelease, Unknown
from .expressions import Call, Expr, ObjectExpr, Template, TupleExpr
from .functions import FunctionError, to_string
from .hcl import Body
from .instances import ModuleInstance
from .modules import Declared
from .reference_paths import target_address
from .references import resolver_for
from .scope import SECRET, LazyObject, Scope
from .template_lang import TemplateError, render

_PATH_NAMES = ("path.module", "path.root", "path.cwd")
_SET_KINDS = ("set", "set_list", "set_sensitive")


def is_local_chart(attributes: dict[str, Any]) -> bool:
    chart, repository = attributes.get("chart"), attributes.get("repository")
    if not isinstance(chart, str) or repository not in (None, ""):
        return False
    return not chart.startswith(("oci://", "http://", "https://")) and (
        chart.startswith(("./", "../", "/")) or "/" in chart
    )


def release_values(
    declared: Declared,
    instance: ModuleInstance,
    scope: Scope,
    attributes: dict[str, Any],
    resource_id: str,
    address: str,
    read_text: Callable[[str], str | None],
) -> ChartRelease | None:
    """The release, when its chart is a local folder (one outside the scanned tree is reported, not read);
    None otherwise."""
    if not is_local_chart(attributes):
        return None
    body = declared.block.body
    module_dir = instance.module.directory
    chart_expr = body.attributes["chart"].expr
    chart = _resolve(module_dir, chart_expr.text, str(attributes["chart"]), outside=True)
    if chart is None:
        return None
    reader = _Reader(instance, scope, read_text, module_dir)
    values = body.attributes.get("values")
    items = values.expr.items if values is not None and isinstance(values.expr, TupleExpr) else ()
    if values is not None and not isinstance(values.expr, TupleExpr):
        reader.layer_of(values.expr, declared.file)
    for item in items:
        reader.layer_of(item, declared.file)
    reader.sets(body, declared.file)
    name = attributes.get("name")
    namespace = attributes.get("namespace")
    return ChartRelease(
        release=resource_id,
        address=address,
        configuration=instance.context.configuration,
        file=declared.file,
        line=declared.block.line,
        chart=chart,
        name=name if isinstance(name, str) and name else declared.name,
        namespace=namespace if isinstance(namespace, str) and namespace else "default",
        values={"layers": reader.layers},
        placeholders=tuple(sorted((k, tuple(sorted(v))) for k, v in reader.placeholders.items())),
        reads=tuple(sorted(set(reader.reads))),
        notes=tuple(reader.notes),
        errors=tuple(reader.errors),
    )


def _resolve(module_dir: str, expression_text: str, path: str, outside: bool = False) -> str | None:
    """The chart or file path relative to the scanned root; None when it leaves it, unless ``outside``
    (a chart: the release is then reported with the reason its chart is not read)."""
    if path.startswith("/"):
        return posixpath.normpath(path) if outside else None
    rooted = any(name in expression_text for name in _PATH_NAMES)
    joined = posixpath.normpath(path if rooted else posixpath.join(module_dir, path))
    leaves = joined == ".." or joined.startswith("../")
    return None if leaves and not outside else joined


class _Reader:
    def __init__(self, instance: ModuleInstance, scope: Scope, read_text, module_dir: str) -> None:
        self.instance = instance
        self.scope = scope
        self.evaluator = instance.context.evaluator
        self.read_text = read_text
        self.module_dir = module_dir
        self.layers: list[dict[str, Any]] = []
        self.placeholders: dict[str, set[str]] = {}
        self.reads: list[str] = []
        self.notes: list[str] = []
        self.errors: list[tuple[str, int, str]] = []

    # --- values = [...] -----------------------------------------------------------------------------

    def layer_of(self, expr: Expr, file: str) -> None:
        if isinstance(expr, Call) and expr.name in ("templatefile", "file") and expr.args:
            self._file_layer(expr, file)
        elif isinstance(expr, Call) and expr.name in ("yamlencode", "jsonencode") and len(expr.args) == 1:
            self.layers.append({"file": file, "line": expr.line, "value": self.value_of(expr.args[0])})
        else:
            value = self.value_of(expr)
            if isinstance(value, str) and not self._is_placeholder(value):
                self.layers.append({"file": file, "line": expr.line, "text": value})
            else:
                self.notes.append(
                    f"values entry at {file}:{expr.line} is known only at apply time; not rendered"
                )

    def _file_layer(self, call: Call, file: str) -> None:
        path = self.evaluator.evaluate(call.args[0], self.scope)
        if not isinstance(path, str):
            self.notes.append(f"{call.name}() at {file}:{call.line}: the path is known only at apply time")
            return
        rel = _resolve(self.module_dir, call.args[0].text, path)
        text = self.read_text(rel) if rel is not None else None
        if rel is None or text is None:
            self.notes.append(
                f"{call.name}() at {file}:{call.line}: {path} is not a readable file inside the scan"
            )
            return
        self.reads.append(rel)
        if call.name == "file":
            self.layers.append({"file": rel, "line": 1, "text": text})
            return
        variables = self.value_of(call.args[1]) if len(call.args) > 1 else {}
        if not isinstance(variables, dict):
            self.notes.append(
                f"templatefile() at {file}:{call.line}: its variables are known only at apply time"
            )
            variables = {}
        try:
            rendered = render(text, variables, self._evaluate, self._is_placeholder)
        except TemplateError as problem:
            self.errors.append((rel, problem.line, problem.reason))
            return
        self.notes.extend(f"{rel}: {note}" for note in rendered.notes)
        self.layers.append({"file": rel, "line": 1, "text": rendered.text})

    def _evaluate(self, expr: Expr, names: dict[str, Any]) -> Any:
        return self.evaluator.evaluate(expr, Scope(iterators=names))

    # --- set, set_list, set_sensitive -------------------------------------------------------------------

    def sets(self, body: Body, file: str) -> None:
        for kind in _SET_KINDS:
            entries: list[tuple[Any, Expr | None, Any, int]] = []
            for block in body.blocks_of(kind):
                name, value = block.body.attributes.get("name"), block.body.attributes.get("value")
                type_ = block.body.attributes.get("type")
                entries.append(
                    (name.expr if name else None, value.expr if value else None, type_, block.line)
                )
            listed = body.attributes.get(kind)
            if listed is not None and isinstance(listed.expr, TupleExpr):
                for item in listed.expr.items:
                    if isinstance(item, ObjectExpr):
                        fields = {k.text.strip('"'): v for k, v in item.items}
                        entries.append(
                            (fields.get("name"), fields.get("value"), fields.get("type"), item.line)
                        )
            for name_expr, value_expr, type_, line in entries:
                name = self.evaluator.evaluate(name_expr, self.scope) if name_expr is not None else None
                if not isinstance(name, str):
                    continue
                if kind == "set_sensitive":
                    value: Any = REDACTED  # never read: a set_sensitive value reaches no output
                elif value_expr is None:
                    continue
                else:
                    value = self.value_of(value_expr)
                type_value = (
                    self.evaluator.evaluate(getattr(type_, "expr", type_), self.scope) if type_ else None
                )
                layer = {"file": file, "line": line, "set": name, "value": value, "kind": kind}
                layer["type"] = type_value if isinstance(type_value, str) else "auto"
                self.layers.append(layer)

    # --- values with placeholders -------------------------------------------------------------------------

    def value_of(self, expr: Expr) -> Any:
        if isinstance(expr, ObjectExpr):
            result: dict[str, Any] = {}
            for key_expr, value_expr in expr.items:
                key = self.evaluator.evaluate(key_expr, self.scope)
                if not isinstance(key, str):
                    return self.placeholder(expr)
                result[key] = self.value_of(value_expr)
            return result
        if isinstance(expr, TupleExpr):
            return [self.value_of(item) for item in expr.items]
        if isinstance(expr, Template) and not any(
            getattr(p, "text", "").startswith("%{") for p in expr.parts
        ):
            if len(expr.parts) == 1 and not isinstance(expr.parts[0], str):
                return self.value_of(expr.parts[0])
            pieces = []
            for part in expr.parts:
                pieces.append(part if isinstance(part, str) else self._text_of(part))
            return "".join(pieces)
        value = self._fill(self.evaluator.evaluate(expr, self.scope), expr)
        if (
            isinstance(value, str)
            and len(value) >= 3
            and value != REDACTED
            and not self._is_placeholder(value)
        ):
            self._remember(value, expr)
        return value

    def _remember(self, value: str, expr: Expr) -> None:
        """A known value that came from Terraform resources (a table's name through a module output)."""
        targets = resolver_for(self.instance).follow_expr(expr, self.instance)
        if targets:
            found = self.placeholders.setdefault(value, set())
            found.update(target_address(t, self.instance.steps) for t in targets)

    def _text_of(self, expr: Expr) -> str:
        value = self.value_of(expr)
        try:
            return to_string(value)
        except FunctionError:
            return self.placeholder(expr)

    def _fill(self, value: Any, expr: Expr) -> Any:
        if value is SECRET:
            return REDACTED
        if isinstance(value, Unknown | LazyObject):
            return self.placeholder(expr)
        if isinstance(value, dict):
            return {k: self._fill(v, expr) for k, v in value.items()}
        if isinstance(value, list):
            return [self._fill(v, expr) for v in value]
        return value

    def placeholder(self, expr: Expr) -> str:
        text = "${" + " ".join(expr.text.split()) + "}"
        targets = self.placeholders.setdefault(text, set())
        for target in resolver_for(self.instance).follow_expr(expr, self.instance):
            targets.add(target_address(target, self.instance.steps))
        return text

    def _is_placeholder(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.placeholders
