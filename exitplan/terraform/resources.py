"""Build ``Resource`` records for every resource, data source and unresolved module of an instance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Condition, Location, Path, Resource, Unknown
from ..secrets import is_secret_key
from .conditions import block_condition, dormant_condition
from .expand import UNKNOWN_BINDINGS, expand, instance_key
from .expressions import traversals
from .hcl import Body, Literal
from .helm_values import release_values
from .instances import ModuleInstance, variable_name
from .modules import Declared
from .references import resource_references
from .scope import Scope
from .secrets import SecretBook, redact_name_value

#: Meta-arguments that are not attributes of the resource.
META_ATTRIBUTES = frozenset({"count", "for_each", "provider", "depends_on"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})


class BodyReader:
    """Evaluate a block body into attributes and the line of each attribute path."""

    def __init__(self, instance: ModuleInstance, book: SecretBook) -> None:
        self.evaluator = instance.context.evaluator
        self.book = book
        self.variable_origins = instance.origins
        #: Attribute path → where the value was written, for attributes that are exactly ``var.x``.
        self.origins: dict[Path, Location] = {}

    def read(
        self, body: Body, scope: Scope, path: Path = (), meta: bool = False
    ) -> tuple[dict[str, Any], dict[Path, int]]:
        values: dict[str, Any] = {}
        lines: dict[Path, int] = {}
        for attr in body.attributes.values():
            if meta and attr.name in META_ATTRIBUTES:
                continue
            lines[(*path, attr.name)] = attr.line
            passed = variable_name(attr.expr)
            if passed in self.variable_origins:
                self.origins[(*path, attr.name)] = self.variable_origins[passed]
            value = self.evaluator.evaluate(attr.expr, scope)
            if is_secret_key(attr.name) or (attr.name == "value" and path[-2:-1] == ("set_sensitive",)):
                values[attr.name] = self.book.redact(value)
            else:
                values[attr.name] = self.book.finalize(value)
        for block in body.blocks:
            if meta and block.type in META_BLOCKS:
                continue
            if block.type == "dynamic" and block.labels:
                self._dynamic(block, scope, path, values, lines)
                continue
            entries = values.setdefault(block.type, [])
            if not isinstance(entries, list):
                continue
            item_path = (*path, block.type, len(entries))
            lines.setdefault((*path, block.type), block.line)
            lines[item_path] = block.line
            item, item_lines = self.read(block.body, scope, item_path)
            redact_name_value(item, self.book)
            entries.append(item)
            lines.update(item_lines)
        return values, lines

    def _dynamic(self, block, scope: Scope, path: Path, values: dict, lines: dict) -> None:
        label = block.labels[0]
        iterator = block.body.attributes.get("iterator")
        name = iterator.expr.text.strip() if iterator is not None else label
        for_each = block.body.attributes.get("for_each")
        collection = self.evaluator.evaluate(for_each.expr, scope) if for_each else None
        if isinstance(collection, dict):
            items = [(k, collection[k]) for k in sorted(collection)]
        elif isinstance(collection, list):
            items = list(enumerate(collection))
        else:
            items = [(Unknown(f"{name}.key"), Unknown(f"{name}.value"))]
        entries = values.setdefault(label, [])
        if not isinstance(entries, list):
            return
        lines.setdefault((*path, label), block.line)
        for content in block.body.blocks_of("content"):
            for key, value in items:
                item_path = (*path, label, len(entries))
                lines[item_path] = content.line
                item, item_lines = self.read(
                    content.body, scope.bind(**{name: {"key": key, "value": value}}), item_path
                )
                entries.append(item)
                lines.update(item_lines)


def instance_resources(instance: ModuleInstance, book: SecretBook) -> Iterator[Resource]:
    context = instance.context
    reader = BodyReader(instance, book)
    module_path = instance.prefix.removesuffix(".") or None
    around = dormant_condition(instance)
    for address, declared in instance.module.resources.items():
        expansion = expand(declared.block.body, instance.scope, context.evaluator.evaluate)
        expanded = bool(expansion) and instance.expanded
        conditional = around or (block_condition(declared, instance) if expansion == [] else None)
        unknown = block_condition(declared, instance) if expansion is None else None
        for key, bindings in expansion or [(None, UNKNOWN_BINDINGS)]:
            scope = instance.scope.bind(**bindings)
            reader.origins = {}
            attributes, lines = reader.read(declared.block.body, scope, meta=True)
            full = instance.prefix + address + instance_key(key)
            references = resource_references(declared, instance, instance.prefix + address, bindings)
            if declared.type == "helm_release":
                release = release_values(
                    declared,
                    instance,
                    scope,
                    attributes,
                    f"{context.configuration}#{full}",
                    full,
                    context.read_text,
                )
                if release is not None:
                    context.releases.append(release)
            yield _record(
                context.configuration,
                full,
                declared,
                module_path,
                attributes,
                lines,
                references,
                expanded,
                instance.region_for(declared, attributes),
                book,
                conditional,
                unknown,
                reader.origins,
            )
    for name in instance.module.calls:
        children = instance.children(name)
        if children.mode == "unresolved" and children.call is not None:
            yield _unresolved_module(instance, children.call, reader, book, module_path, around)


def _unresolved_module(
    instance: ModuleInstance,
    call: Declared,
    reader: BodyReader,
    book: SecretBook,
    module_path: str | None,
    around: Condition | None,
) -> Resource:
    body = call.block.body
    expansion = expand(body, instance.scope, instance.context.evaluator.evaluate)
    conditional = around or (block_condition(call, instance) if expansion == [] else None)
    unknown = block_condition(call, instance) if expansion is None else None
    scope = instance.scope.bind(**UNKNOWN_BINDINGS)
    attributes, lines = reader.read(body, scope, meta=True)
    for key in ("source", "version"):
        attributes.setdefault(key, None)
    address = f"{instance.prefix}module.{call.name}"
    references = resource_references(call, instance, address)
    expanded = instance.expanded and expansion is not None and len(expansion) == 1 and expansion[0][0] is None
    return _record(
        instance.context.configuration,
        address,
        call,
        module_path,
        attributes,
        lines,
        references,
        expanded,
        None,
        book,
        conditional,
        unknown,
    )


def _record(
    configuration: str,
    address: str,
    declared: Declared,
    module_path: str | None,
    attributes: dict,
    lines: dict,
    references: tuple,
    expanded: bool,
    region: str | None,
    book: SecretBook,
    conditional: Condition | None = None,
    unexpanded: Condition | None = None,
    origins: dict | None = None,
) -> Resource:
    return Resource(
        id=f"{configuration}#{address}",
        address=address,
        configuration=configuration,
        source="terraform",
        type=declared.type,
        name=declared.name,
        file=declared.file,
        line=declared.block.line,
        module=module_path,
        region=region,
        attributes=attributes,
        lines=lines,
        references=references,
        expanded=expanded,
        conditional=conditional,
        unexpanded=unexpanded,
        value_origins=origins or {},
    )


def is_literal_source(declared: Declared) -> str | None:
    source = declared.block.body.attributes.get("source")
    if source is not None and isinstance(source.expr, Literal) and isinstance(source.expr.value, str):
        return source.expr.value
    return None


__all__ = ["BodyReader", "instance_resources", "is_literal_source", "traversals"]
