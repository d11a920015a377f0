"""The service catalog as loaded: its records and the lookups that classify a type or a module call.

``ServiceCatalog`` answers which entry a Terraform resource type (exact type first, then the first family
that matches), an attribute-named type or a registry module call resolves to, and which cloud it belongs
to. Reading and validating the YAML files that fill it is ``service_catalog``'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import translate
from functools import cached_property
from typing import Any

# --------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Variant:
    """Overrides that apply when every attribute in ``when`` matches one of its patterns."""

    when: tuple[tuple[str, tuple[str, ...]], ...]
    changes: Mapping[str, Any]

    def matches(self, attributes: Mapping[str, Any], defaults: Mapping[str, str]) -> bool:
        for path, patterns in self.when:
            values = _values_at(attributes, path)
            if path in defaults and path.split(".", 1)[0] not in attributes:
                values = [defaults[path]]  # absent, so Terraform's default applies; unknown stays unknown
            if not any(_pattern_matches(p, v) for p in patterns for v in values):
                return False
        return True


@dataclass(frozen=True)
class ServiceEntry:
    kind: str
    lockin: str
    reason: str
    stateful: bool = False
    interface: str | None = None
    equivalent: tuple[str, ...] = ()
    stateful_note: str | None = None
    variants: tuple[Variant, ...] = ()
    attribute_defaults: Mapping[str, str] = field(default_factory=dict)
    origin: str = ""  # "<file>: <key path>", for diagnostics

    def resolve(self, attributes: Mapping[str, Any]) -> ServiceEntry:
        """This entry with the first matching variant applied (and no variants left)."""
        for variant in self.variants:
            if variant.matches(attributes, self.attribute_defaults):
                return replace(self, variants=(), **variant.changes)
        return replace(self, variants=()) if self.variants else self


@dataclass(frozen=True)
class Family:
    """Types matching a shell-style ``pattern``. Nearly every pattern is a prefix and a ``*``, matched with
    ``startswith``; only the others are compiled, and only when first asked (start-up compiled hundreds)."""

    pattern: str
    entry: ServiceEntry

    @cached_property
    def matches(self) -> Callable[[str], bool]:
        head, star, tail = self.pattern.partition("*")
        if star and not tail and not any(c in head for c in "?["):
            return lambda name: name.startswith(head)
        regex = re.compile(translate(self.pattern))
        return lambda name: regex.match(name) is not None

    def shadows(self, other: Family) -> bool:
        """Whether every name ``other`` matches is already matched by this family."""
        return self.matches(other.pattern)


@dataclass(frozen=True)
class Section:
    """One provider's part of the catalog: its prefixes, legal seat and Terraform provider names."""

    cloud: str | None
    jurisdiction: str | None
    prefixes: tuple[str, ...]
    providers: tuple[str, ...]
    saas: bool = False  # a hosted product's control plane, not a cloud the workloads run on


@dataclass(frozen=True)
class IndirectTypes:
    """Types named by an attribute of a generic resource (``type = "Microsoft.X/y@version"``)."""

    resource_types: frozenset[str]
    attribute: str
    version_separator: str
    types: Mapping[str, ServiceEntry]  # keys lower-cased
    families: tuple[Family, ...]


@dataclass(frozen=True)
class ModuleEntry:
    source: str  # normalised
    as_type: str | None
    entry: ServiceEntry | None
    inputs: Mapping[str, str]  # service attribute -> module input name
    defaults: Mapping[str, str]
    also: tuple[str, ...]

    def attributes(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The call's inputs seen as the service's attributes: the defaults, the inputs, and each input the
        catalog maps renamed to the attribute it sets."""
        attributes = {**self.defaults, **inputs}
        for attribute, input_name in self.inputs.items():
            if input_name in inputs:
                attributes[attribute] = inputs[input_name]
        return attributes


@dataclass(frozen=True)
class Classification:
    cloud: str | None
    entry: ServiceEntry | None  # None: not in the catalog
    matched_by: str | None = None  # the exact type, pattern or module source that matched


# --------------------------------------------------------------------------------------------- catalog


class ServiceCatalog:
    def __init__(
        self,
        kinds: Mapping[str, str],
        prefixes: Mapping[str, Section],
        types: Mapping[str, ServiceEntry],
        families: Sequence[Family],
        indirect: Sequence[IndirectTypes],
        modules: Mapping[str, ModuleEntry],
        repositories: Mapping[str, str] | None = None,
    ) -> None:
        self.kinds = dict(kinds)
        self.sections = tuple(dict.fromkeys(prefixes.values()))
        self.types = dict(types)
        self.families = tuple(families)  # first match wins
        self.indirect = tuple(indirect)
        self.modules = dict(modules)
        #: module libraries in one Git repository → the address their modules are listed under
        self.repositories = dict(repositories or {})
        self._prefixes = sorted(prefixes.items(), key=lambda item: -len(item[0]))
        self._by_provider = {name: s for s in self.sections for name in s.providers}
        self._cache: dict[str, tuple[ServiceEntry | None, str | None]] = {}
        self._sections_of: dict[str, Section | None] = {}

    # -- clouds

    def section_of(self, type_name: str) -> Section | None:
        if type_name in self._sections_of:  # a scan asks once per resource: remembered per type
            return self._sections_of[type_name]
        found = next(
            (
                section
                for prefix, section in self._prefixes
                if type_name == prefix or (prefix.endswith("_") and type_name.startswith(prefix))
            ),
            None,
        )
        self._sections_of[type_name] = found
        return found

    def cloud_of(self, type_name: str) -> str | None:
        section = self.section_of(type_name)
        return section.cloud if section else None

    def jurisdiction(self, cloud: str) -> str | None:
        return next((s.jurisdiction for s in self.sections if s.cloud == cloud), None)

    def is_saas(self, cloud: str) -> bool:
        return any(s.saas for s in self.sections if s.cloud == cloud)

    def exact_type_counts(self) -> dict[str, int]:
        """Number of exact types per cloud (``none`` for provider-neutral ones)."""
        counts: dict[str, int] = {}
        for type_name in self.types:
            cloud = self.cloud_of(type_name) or "none"
            counts[cloud] = counts.get(cloud, 0) + 1
        return dict(sorted(counts.items()))

    # -- lookups

    def lookup(self, type_name: str) -> tuple[ServiceEntry | None, str | None]:
        """The entry for a type (exact first, then the first family that matches) and what matched."""
        cached = self._cache.get(type_name)
        if cached is None:
            cached = _lookup(type_name, self.types, self.families)
            self._cache[type_name] = cached
        return cached

    def classify_type(self, type_name: str, attributes: Mapping[str, Any]) -> Classification:
        cloud = self.cloud_of(type_name)
        for indirect in self.indirect:
            if type_name in indirect.resource_types:
                value = attributes.get(indirect.attribute)
                if not isinstance(value, str):
                    return Classification(cloud, None)
                named = value.split(indirect.version_separator, 1)[0].strip().lower()
                entry, matched = _lookup(named, indirect.types, indirect.families)
                return Classification(cloud, entry.resolve(attributes) if entry else None, matched)
        entry, matched = self.lookup(type_name)
        return Classification(cloud, entry.resolve(attributes) if entry else None, matched)

    def module_entry(self, source: str) -> ModuleEntry | None:
        """The module catalog's entry for a registry source (or the module a ``//submodule`` is part of)."""
        normalised = normalise_module_source(self._listed(source))
        if normalised is None:
            return None
        return self.modules.get(normalised) or self.modules.get(normalised.split("//", 1)[0])

    def classify_module(self, source: str, inputs: Mapping[str, Any]) -> Classification:
        """A registry module call, by the module catalog; unknown ones keep the cloud of their source."""
        normalised = normalise_module_source(self._listed(source))
        if normalised is None:
            return Classification(None, None)
        module = self.module_entry(normalised)
        cloud = self._cloud_of_module(normalised)
        if module is None:
            return Classification(cloud, None)
        attributes = module.attributes(inputs)
        if module.as_type is not None:
            typed = self.classify_type(module.as_type, attributes)
            return Classification(typed.cloud or cloud, typed.entry, module.source)
        assert module.entry is not None
        return Classification(cloud, module.entry.resolve(attributes), module.source)

    def _listed(self, source: str) -> str:
        """A module of a library repository (``repositories`` in modules.yaml) under its listed address."""
        if not self.repositories:
            return source
        text = _GIT_PREFIX.sub("", source.strip().lower()).replace("github.com:", "github.com/")
        for repository, address in self.repositories.items():
            rest = text.removeprefix(repository)
            if rest != text and (not rest or rest.startswith(("//", ".git", "?"))):
                return address + rest.removeprefix(".git")
        return source

    def _cloud_of_module(self, normalised: str) -> str | None:
        parts = normalised.split("//", 1)[0].split("/")
        section = self._by_provider.get(parts[-1]) if len(parts) == 3 else None
        return section.cloud if section else None


def _lookup(
    name: str, types: Mapping[str, ServiceEntry], families: Sequence[Family]
) -> tuple[ServiceEntry | None, str | None]:
    entry = types.get(name)
    if entry is not None:
        return entry, name
    for family in families:
        if family.matches(name):
            return family.entry, family.pattern
    return None, None


_GIT_HOSTED = re.compile(
    r"^(?:git::)?(?:https://|ssh://git@|git@)?github\.com[/:]([^/]+)/terraform-([a-z0-9]+)-(.+)$"
)
_GIT_PREFIX = re.compile(r"^(?:git::)?(?:https://|ssh://git@|git@)?")
_REGISTRY_HOSTS = ("registry.terraform.io/", "registry.opentofu.org/", "app.terraform.io/")


def normalise_module_source(source: str) -> str | None:
    """``namespace/name/provider[//subpath]`` in lower case, or None for local and unknown sources.

    Registry hosts, ``?ref=`` and ``.git`` are dropped; a GitHub repository named
    ``terraform-<provider>-<name>`` maps to its registry address.
    """
    text = source.strip().lower()
    if not text or text.startswith(("./", "../", "/")):
        return None
    text = text.split("?", 1)[0]
    text = text.removeprefix("tfr://").lstrip(
        "/"
    )  # Terragrunt's registry form: tfr:///namespace/name/provider
    for host in _REGISTRY_HOSTS:
        text = text.removeprefix(host)
    address, _, subpath = text.partition("//") if "://" not in text else _split_url_subpath(text)
    git = _GIT_HOSTED.match(address)
    if git:
        namespace, provider, name = git.groups()
        address = f"{namespace}/{name.removesuffix('.git')}/{provider}"
    if address.count("/") != 2 or ":" in address:
        return None
    return f"{address}//{subpath.strip('/')}" if subpath.strip("/") else address


def _split_url_subpath(text: str) -> tuple[str, str, str]:
    scheme, _, rest = text.partition("://")
    address, sep, subpath = rest.partition("//")
    return f"{scheme}://{address}", sep, subpath


def _values_at(attributes: Mapping[str, Any], path: str) -> list[str]:
    """Every string at a dotted path; lists (repeated blocks) are walked through."""
    values: list[Any] = [attributes]
    for step in path.split("."):
        found: list[Any] = []
        for value in values:
            items = value if isinstance(value, list | tuple) else [value]
            found.extend(item[step] for item in items if isinstance(item, Mapping) and step in item)
        values = found
    strings: list[str] = []
    for value in values:
        items = value if isinstance(value, list | tuple) else [value]
        strings.extend(item for item in items if isinstance(item, str) and item)
    return strings


def _pattern_matches(pattern: str, value: str) -> bool:
    if pattern.startswith("re:"):
        return re.search(pattern[3:], value, re.IGNORECASE) is not None
    return value.lower().startswith(pattern.lower())
