"""Workload identity bindings in Terraform → the ServiceAccounts (and the pods) that act as the identity.

Azure workload identity federation (``azurerm_federated_identity_credential`` with ``subject =
"system:serviceaccount:<ns>:<name>"``), GKE Workload Identity (``google_service_account_iam_member`` with
``member = "serviceAccount:<project>.svc.id.goog[<ns>/<name>]"``) and EKS Pod Identity
(``aws_eks_pod_identity_association`` with ``namespace`` and ``service_account``) name the ServiceAccount
from the Terraform side. Which attributes and templates say so is data: ``workload_identity`` in
``providers/catalog/endpoint-patterns.yaml``.

Each binding links every ServiceAccount it names, and every pod controller that runs as that account where
no ServiceAccount object of that name is in its configuration, to the binding (``assumes-identity``); the
binding's own reference leads on to the identity. A value Terraform cannot know is matched on what is
known: ``"system:serviceaccount:${var.namespace}:api"`` names ``api`` in any namespace. Such a match, a
name only partly known, or a manifest that sets no namespace (it lands where it is applied) is
``inferred``; a fully known one ``explicit``. A binding whose account name is wholly unknown links nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from exitplan.errors import CatalogError
from exitplan.graph.index import namespace_of, pod_spec_path
from exitplan.markers import catalog_dir, read_yaml
from exitplan.model import Edge, Resource, Unknown

NAMES_FILE = "endpoint-patterns.yaml"
#: Stands for a part of a value that Terraform cannot know (an interpolation) while matching templates.
HOLE = "\x00"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_GROUP = {"namespace": r"(?P<namespace>[A-Za-z0-9.\x00-]+)", "name": r"(?P<name>[A-Za-z0-9.\x00-]+)"}
_OTHER = r"[A-Za-z0-9.:_\x00-]+?"


@dataclass(frozen=True)
class Binding:
    """How one Terraform type names a ServiceAccount: subject attributes and templates, or two fields."""

    type: str
    subjects: tuple[str, ...] = ()
    templates: tuple[tuple[str, re.Pattern[str]], ...] = ()
    namespace: str | None = None
    service_account: str | None = None


@lru_cache(maxsize=8)
def load_bindings(directory: Path | None = None) -> Mapping[str, Binding]:
    path = (directory or catalog_dir()) / NAMES_FILE
    raw = read_yaml(path).get("workload_identity", {})
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: workload_identity: expected a mapping")
    return {
        type_: _binding(type_, entry, f"{path}: workload_identity.{type_}") for type_, entry in raw.items()
    }


def _binding(type_: str, raw: Any, where: str) -> Binding:
    if not isinstance(raw, dict) or set(raw) - {"subject", "templates", "namespace", "service_account"}:
        raise CatalogError(f"{where}: expected subject and templates, or namespace and service_account")
    if "subject" in raw:
        subjects, templates = raw.get("subject"), raw.get("templates")
        if not _strings(subjects) or not _strings(templates):
            raise CatalogError(f"{where}: subject and templates must be lists of strings")
        return Binding(
            type_, tuple(subjects), tuple((t, _template(t, f"{where}.templates")) for t in templates)
        )
    if not isinstance(raw.get("namespace"), str) or not isinstance(raw.get("service_account"), str):
        raise CatalogError(f"{where}: namespace and service_account must name attributes")
    return Binding(type_, namespace=raw["namespace"], service_account=raw["service_account"])


def _strings(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


def _template(text: str, where: str) -> re.Pattern[str]:
    if "{namespace}" not in text or "{name}" not in text:
        raise CatalogError(f"{where}: {text!r} needs {{namespace}} and {{name}}")
    parts, position = [], 0
    for found in _PLACEHOLDER.finditer(text):
        parts.append(re.escape(text[position : found.start()]))
        parts.append(_GROUP.get(found.group(1), _OTHER))
        position = found.end()
    parts.append(re.escape(text[position:]))
    return re.compile("".join(parts))


# --- values: what is known of a subject --------------------------------------------------------------


def known_texts(value: Any) -> Iterator[str]:
    """The strings of ``value``; for a value Terraform cannot know, its string literals with each
    interpolation replaced by :data:`HOLE` (``"system:serviceaccount:${var.ns}:api"`` → ``…:\\0:api``)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from known_texts(item)
    elif isinstance(value, Unknown):
        yield from _literals(value.expression)


def _literals(source: str) -> Iterator[str]:
    """The top-level quoted strings of an HCL expression, interpolations as holes."""
    i, n = 0, len(source)
    while i < n:
        if source[i] != '"':
            i += 1
            continue
        out, i = [], i + 1
        while i < n and source[i] != '"':
            if source.startswith("${", i) or source.startswith("%{", i):
                i = _skip_interpolation(source, i + 2)
                out.append(HOLE)
            elif source[i] == "\\" and i + 1 < n:
                out.append(source[i + 1])
                i += 2
            else:
                out.append(source[i])
                i += 1
        i += 1
        yield "".join(out)


def _skip_interpolation(source: str, i: int) -> int:
    depth, n = 1, len(source)
    while i < n and depth:
        char = source[i]
        if char == '"':
            i += 1
            while i < n and source[i] != '"':
                i += 2 if source[i] == "\\" else 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        i += 1
    return i


@dataclass(frozen=True)
class Named:
    """The ServiceAccount a binding names: each part exact, a pattern (partly known) or None (unknown)."""

    namespace: str | re.Pattern[str] | None
    name: str | re.Pattern[str] | None
    attribute: str
    shown: str

    @property
    def exact(self) -> bool:
        return isinstance(self.namespace, str) and isinstance(self.name, str)


def _part(text: str) -> str | re.Pattern[str] | None:
    if HOLE not in text:
        return text
    if not text.strip(HOLE):
        return None
    return re.compile(".*".join(re.escape(piece) for piece in text.split(HOLE)))


def _shown(text: str) -> str:
    return text.replace(HOLE, "${…}")[:200]


def named_accounts(resource: Resource, binding: Binding) -> Iterator[Named]:
    if binding.namespace and binding.service_account:
        namespace = next(known_texts(resource.attributes.get(binding.namespace)), HOLE)
        name = next(known_texts(resource.attributes.get(binding.service_account)), HOLE)
        shown = f"{binding.namespace} = {_shown(namespace)}, {binding.service_account} = {_shown(name)}"
        yield Named(_part(namespace), _part(name), binding.service_account, shown)
        return
    for attribute in binding.subjects:
        for text in known_texts(resource.attributes.get(attribute)):
            for _template_text, regex in binding.templates:
                found = regex.fullmatch(text)
                if found:
                    parts = (_part(found.group("namespace")), _part(found.group("name")))
                    yield Named(*parts, attribute, f"{attribute} = {_shown(text)}")
                    break


# --- edges ----------------------------------------------------------------------------------------


def workload_identity_edges(
    kubernetes: Sequence[Resource],
    terraform: Iterable[Resource],
    bindings: Mapping[str, Binding] | None = None,
) -> Iterator[Edge]:
    """ServiceAccount (or pod controller without one) → the Terraform binding that names it."""
    bindings = load_bindings() if bindings is None else bindings
    accounts = _Accounts(kubernetes)
    for resource in terraform:
        binding = bindings.get(resource.type)
        if binding is None or resource.is_data_source:
            continue
        for named in named_accounts(resource, binding):
            if named.name is None:
                continue  # every account would match: link nothing rather than everything
            where = resource.location_of((named.attribute,))
            for source, how, placed in accounts.matching(named):
                note = "" if named.exact else "; namespace or name not known in code"
                if not placed and isinstance(named.namespace, str):
                    note += "; the manifest sets no namespace"
                confidence = "explicit" if not note else "inferred"
                via = f"{resource.address}.{named.shown} ({how}{note})"
                yield Edge(
                    source.id, resource.id, "assumes-identity", via, confidence, where.file, where.line
                )


class _Accounts:
    """ServiceAccount objects by name; pod controllers by the account they run as, where no object of
    that name exists in their configuration and namespace."""

    def __init__(self, resources: Sequence[Resource]) -> None:
        self.by_name: dict[str, list[tuple[Resource, str]]] = defaultdict(list)
        objects = {
            (r.configuration, namespace_of(r), r.name) for r in resources if r.type == "ServiceAccount"
        }
        for resource in resources:
            if resource.type == "ServiceAccount":
                self.by_name[resource.name].append((resource, "names this ServiceAccount"))
                continue
            spec = pod_spec_path(resource)
            account = resource.get(*spec, "serviceAccountName") if spec is not None else None
            if (
                isinstance(account, str)
                and (resource.configuration, namespace_of(resource), account) not in objects
            ):
                self.by_name[account].append((resource, f"runs as ServiceAccount {account}"))

    def matching(self, named: Named) -> Iterator[tuple[Resource, str, bool]]:
        """The accounts (or pods) ``named`` names, and whether their manifest sets a namespace: one that
        does not is applied wherever ``kubectl -n`` or its tooling says, so any namespace matches."""
        if isinstance(named.name, str):
            candidates = self.by_name.get(named.name, [])
        else:
            pattern = named.name
            assert pattern is not None
            candidates = [c for name, found in self.by_name.items() if pattern.fullmatch(name) for c in found]
        for resource, how in candidates:
            placed = isinstance(resource.get("metadata", "namespace"), str)
            if not placed or _holds(named.namespace, namespace_of(resource) or ""):
                yield resource, how, placed


def _holds(part: str | re.Pattern[str] | None, value: str) -> bool:
    if part is None:
        return True
    if isinstance(part, str):
        return part == value
    return part.fullmatch(value) is not None
