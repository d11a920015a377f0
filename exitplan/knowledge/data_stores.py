"""Data-store roles from evidence: which pod controller runs a database, broker, cache or search engine,
and where it keeps its data (SPEC §5).

The roles are data (``providers/catalog/data-stores.yaml``, loaded by ``data_store_catalog``).
``recognise`` looks at one controller's containers (init containers set things up and are left out,
and so are Jobs: a run-to-completion pod is a client) and the Services that select it, and returns a ``DataStore`` with every piece of evidence it used, each with its file:line,
and the storage under the role's data path. Scoring turns that into the state class: persistent
storage under the data path owns state; ``emptyDir`` or no volume is ephemeral state.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..model import Location, Resource
from .data_store_catalog import DataStoreCatalog, Role, load_data_stores, read_data_stores

__all__ = ["DataStore", "DataStoreCatalog", "Evidence", "load_data_stores", "read_data_stores", "recognise"]


@dataclass(frozen=True, order=True)
class Evidence:
    kind: str  # image | port | env | data-path
    text: str  # what was seen, as a person would say it
    file: str
    line: int


@dataclass(frozen=True)
class DataStore:
    """``resource`` runs ``role`` in ``container``; its data at ``data_path`` is on ``storage``."""

    resource: str
    role: str
    label: str
    kind: str
    container: str
    evidence: tuple[Evidence, ...]
    data_path: str | None
    data_path_from: (
        str  # setting | argument | volume mount | role default | operator | none (kept in memory) | …
    )
    storage: str  # "no volume", "emptyDir volume data", "volumeClaimTemplate data", …
    persistent: bool

    @property
    def why(self) -> str:
        """Two sentences: why this is a data store, and why its state is (or is not) ephemeral."""
        seen = "; ".join(e.text for e in self.evidence)
        if self.data_path is None and self.data_path_from.startswith("none"):
            where = "It keeps its data in memory"
        elif self.data_path is None and self.data_path_from == "operator":
            where = f"Its data is on {self.storage}"
        elif self.data_path is None:
            where = f"Its data (at a path the code does not state) is on {self.storage}"
        elif self.data_path_from == "role default":
            where = f"Its data (at {self.data_path} by default) is on {self.storage}"
        else:
            where = f"Its data path {self.data_path} is on {self.storage}"
        verdict = "persists" if self.persistent else "is lost when the pod is replaced"
        return f"Recognised as {self.label} by {seen}. {where}, so the data {verdict}."


_POD_SPECS = {
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
_IMAGE = re.compile(r"^(?P<repo>[^@]+?)(?::(?P<tag>[^:/@]+))?(?:@.*)?$")
_IMAGE_WORDS = re.compile(r"[-_.]")
_STRONG_KINDS = ("port", "env", "data-path")
_RUN_TO_COMPLETION = frozenset({"Job", "CronJob"})


def recognise(
    resource: Resource, services: Sequence[Resource], catalog: DataStoreCatalog
) -> DataStore | None:
    """The data-store role ``resource`` plays, with its evidence, or None when the evidence is thin:
    an image of the role, or two kinds of evidence (ports, settings, data paths) in one container."""
    if resource.type in _RUN_TO_COMPLETION:
        return None  # a Job that runs psql or redis-cli is a client, whatever its image
    spec_path = _POD_SPECS.get(resource.type, ("spec", "template", "spec"))
    spec = resource.get(*spec_path)
    if not isinstance(spec, Mapping):
        return None
    best: tuple[tuple, DataStore] | None = None
    for index, container in enumerate(_items(spec.get("containers"))):
        if not isinstance(container, Mapping):
            continue
        path = (*spec_path, "containers", index)
        signals = _signals(container, services)
        for order, role in enumerate(catalog.roles):
            if not _may_play(signals, role, catalog):
                continue
            evidence = _evidence(resource, path, container, role, services, catalog)
            kinds = {e.kind for e in evidence}
            strong = "image" in kinds or _named_port(container, role)
            if not strong and len(kinds & set(_STRONG_KINDS)) < 2:
                continue
            if kinds == {"image"} and container.get("command") and not container.get("ports"):
                continue  # the store's image running a script of its own, serving nothing: a client
            rank = ("image" in kinds, len(kinds), len(evidence), -index, -order)
            if best is None or rank > best[0]:
                store = _store(resource, spec, spec_path, container, role, evidence, catalog)
                best = (rank, store)
    return best[1] if best else None


@dataclass(frozen=True)
class _Signals:
    """What one container shows, gathered once, so that most roles are ruled out by a set lookup."""

    words: frozenset[str]  # the image's repository name and tag suffix, port names
    ports: frozenset[Any]
    env: tuple[str, ...]
    paths: tuple[str, ...]


def _signals(container: Mapping[str, Any], services: Sequence[Resource]) -> _Signals:
    words: set[str] = set()
    image = container.get("image")
    match = _IMAGE.match(image.strip()) if isinstance(image, str) else None
    if match:
        repo = match.group("repo").rsplit("/", 1)[-1].lower()
        words.update((repo, _word_named(repo, container) or ""))
        words.add((match.group("tag") or "").lower().rsplit("-", 1)[-1])
    ports: set[Any] = set()
    listed = [p for p in _items(container.get("ports")) if isinstance(p, Mapping)]
    for service in services:
        listed.extend(p for p in _items(service.get("spec", "ports")) if isinstance(p, Mapping))
    for port in listed:
        ports.update(_number(port.get(k)) for k in ("containerPort", "port", "targetPort"))
        words.add(str(port.get("name") or "").lower())
    env = tuple(i["name"] for i in _items(container.get("env")) if isinstance(i, Mapping) and "name" in i)
    mounts = [m.get("mountPath") for m in _items(container.get("volumeMounts")) if isinstance(m, Mapping)]
    tokens = [
        t for key in ("args", "command") for arg in _items(container.get(key)) for t in _path_tokens(arg)
    ]
    return _Signals(frozenset(words), frozenset(ports), env, tuple(p for p in mounts + tokens if p))


def _may_play(signals: _Signals, role: Role, catalog: DataStoreCatalog) -> bool:
    if signals.words & (role.images | role.port_names) or signals.ports & role.ports:
        return True
    if role.env and any(isinstance(n, str) and _pattern(role.env).match(n) for n in signals.env):
        return True
    return any(isinstance(p, str) and _data_path_of(p, role) for p in signals.paths)


def _evidence(
    resource: Resource,
    path: tuple,
    container: Mapping[str, Any],
    role: Role,
    services: Sequence[Resource],
    catalog: DataStoreCatalog,
) -> list[Evidence]:
    found: list[Evidence] = []

    def add(kind: str, text: str, at: tuple, owner: Resource = resource) -> None:
        where: Location = owner.location_of(at)
        found.append(Evidence(kind, text, where.file, where.line))

    image = container.get("image")
    if isinstance(image, str):
        match = _IMAGE.match(image.strip())
        repo = match.group("repo").rsplit("/", 1)[-1].lower() if match else ""
        tag = (match.group("tag") or "").lower() if match else ""
        word = _word_named(repo, container)
        if repo in role.images:
            add("image", f"image {image}", (*path, "image"))
        elif word in role.images:
            add("image", f"image {image} (a word of its name, and the container's name)", (*path, "image"))
        elif tag.rsplit("-", 1)[-1] in role.images and "-" in tag:
            suffix = tag.rsplit("-", 1)[-1]
            add("image", f"image {image} (tag ends in -{suffix})", (*path, "image"))
    for index, port in enumerate(_items(container.get("ports"))):
        if not isinstance(port, Mapping):
            continue
        number, name = _number(port.get("containerPort")), str(port.get("name") or "").lower()
        if number in role.ports:
            label = f" ({port.get('name')})" if name else ""
            add("port", f"container port {number}{label}", (*path, "ports", index))
        elif name in role.port_names:
            add("port", f"container port named {port.get('name')}", (*path, "ports", index))
    for service in services:
        for index, port in enumerate(_items(service.get("spec", "ports"))):
            if not isinstance(port, Mapping):
                continue
            numbers = {_number(port.get("port")), _number(port.get("targetPort"))}
            name = str(port.get("name") or "").lower()
            if numbers & role.ports or name in role.port_names:
                shown = port.get("port")
                add("port", f"Service {service.name} port {shown}", ("spec", "ports", index), service)
    names = _env_names(container, role, catalog)
    if names:
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        add("env", f"settings {shown}", (*path, "env"))
    for mount_index, mount in enumerate(_items(container.get("volumeMounts"))):
        mount_path = mount.get("mountPath") if isinstance(mount, Mapping) else None
        if isinstance(mount_path, str) and _specific(_data_path_of(mount_path, role)):
            add("data-path", f"volume mounted at {mount_path}", (*path, "volumeMounts", mount_index))
    for key in ("args", "command"):
        for arg_index, arg in enumerate(_items(container.get(key))):
            for token in _path_tokens(arg):
                if _specific(_data_path_of(token, role)):
                    shown = arg if len(arg) <= 60 else arg[:57] + "..."
                    add("data-path", f"argument {shown}", (*path, key, arg_index))
                    break
    return found


def _word_named(repo: str, container: Mapping[str, Any]) -> str | None:
    """The container's name when it is one word of a longer image name (container ``influxdb`` running
    ``heapster-influxdb-amd64``): the image names the store and the container says it is that store.
    Alone, a word would make ``redis-exporter`` a Redis; its container is not called ``redis``."""
    name = container.get("name")
    if not isinstance(name, str) or not name or name.lower() == repo:
        return None
    return name.lower() if name.lower() in _IMAGE_WORDS.split(repo) else None


def _named_port(container: Mapping[str, Any], role: Role) -> bool:
    """A container port whose number and name are both the role's (27017 named ``mongo``)."""
    return any(
        isinstance(port, Mapping)
        and _number(port.get("containerPort")) in role.ports
        and str(port.get("name") or "").lower() in role.port_names
        for port in _items(container.get("ports"))
    )


def _env_names(container: Mapping[str, Any], role: Role, catalog: DataStoreCatalog) -> list[str]:
    if not role.env:
        return []
    client, server = _pattern(catalog.client_env), _pattern(role.env)
    names = []
    for item in _items(container.get("env")):
        name = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(name, str) and server.match(name) and not client.match(name):
            names.append(name)
    return names


@cache
def _pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled expression for a list of ``NAME_*`` patterns (matching as ``fnmatchcase`` does)."""
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


def _path_tokens(arg: Any) -> list[str]:
    if not isinstance(arg, str):
        return []
    return [t for t in re.split(r"[\s=,:]+", arg) if t.startswith("/")]


def _data_path_of(path: str, role: Role) -> str | None:
    """The role's data path that ``path`` is, holds, or lies inside."""
    path = path.rstrip("/") or "/"
    for candidate in role.data_paths:
        if _covers(path, candidate) or _covers(candidate, path):
            return candidate
    return None


def _covers(outer: str, inner: str) -> bool:
    return inner == outer or inner.startswith(outer.rstrip("/") + "/")


def _specific(path: str | None) -> bool:
    """A data path of two or more segments is evidence; ``/data`` is too common to be."""
    return path is not None and path.strip("/").count("/") >= 1


def _store(
    resource: Resource,
    spec: Mapping[str, Any],
    spec_path: tuple,
    container: Mapping[str, Any],
    role: Role,
    evidence: list[Evidence],
    catalog: DataStoreCatalog,
) -> DataStore:
    data, data_from = _data_location(container, role)
    mounts = [m for m in _items(container.get("volumeMounts")) if isinstance(m, Mapping)]
    mount = _mount_for(mounts, data) if data else None
    if mount is None and data_from in ("role default", "not known"):
        # the code does not say where the data is: a persistent volume the container mounts holds it
        kept = next((m for m in mounts if _volume(resource, spec, m.get("name"), catalog)[1]), None)
        if kept is not None:
            mount, data = kept, str(kept.get("mountPath") or "").rstrip("/") or None
            data_from = "a persistent volume mounted in the container"
    storage, persistent = "no volume", False
    if mount is not None:
        storage, persistent = _volume(resource, spec, mount.get("name"), catalog)
    return DataStore(
        resource=resource.id,
        role=role.id,
        label=role.label,
        kind=role.kind,
        container=str(container.get("name") or ""),
        evidence=tuple(sorted(dict.fromkeys(evidence), key=lambda e: _ORDER[e.kind])),  # stable
        data_path=data,
        data_path_from=data_from,
        storage=storage,
        persistent=persistent,
    )


_ORDER = {"image": 0, "port": 1, "env": 2, "data-path": 3}


def _data_location(container: Mapping[str, Any], role: Role) -> tuple[str | None, str]:
    """Where the role keeps its data, and how that is known: a PGDATA-style setting or an argument
    that names a path under one of its data paths, else the first data path a volume is mounted at,
    else the role's first data path (its default)."""
    for item in _items(container.get("env")):
        value = item.get("value") if isinstance(item, Mapping) else None
        if isinstance(value, str) and value.startswith("/") and _data_path_of(value, role):
            return value.rstrip("/"), "setting"
    for key in ("args", "command"):
        for arg in _items(container.get(key)):
            for token in _path_tokens(arg):
                if _data_path_of(token, role):
                    return token.rstrip("/"), "argument"
    mounts = [m.get("mountPath") for m in _items(container.get("volumeMounts")) if isinstance(m, Mapping)]
    for candidate in role.data_paths:
        if any(isinstance(m, str) and _covers(m.rstrip("/"), candidate) for m in mounts):
            return candidate, "volume mount"
    if role.data_paths:
        return role.data_paths[0], "role default"
    return None, "none (kept in memory)" if role.in_memory else "not known"


def _mount_for(mounts: list[Mapping[str, Any]], data: str) -> Mapping[str, Any] | None:
    """The mount that holds ``data``: the deepest one at or above it, else one inside it."""
    holding = [m for m in mounts if isinstance(m.get("mountPath"), str) and _covers(m["mountPath"], data)]
    if holding:
        return max(holding, key=lambda m: len(m["mountPath"]))
    inside = [m for m in mounts if isinstance(m.get("mountPath"), str) and _covers(data, m["mountPath"])]
    return min(inside, key=lambda m: len(m["mountPath"])) if inside else None


def _volume(
    resource: Resource, spec: Mapping[str, Any], name: Any, catalog: DataStoreCatalog
) -> tuple[str, bool]:
    for claim in _items(resource.get("spec", "volumeClaimTemplates")):
        if isinstance(claim, Mapping) and _field(claim, "metadata", "name") == name:
            return f"volumeClaimTemplate {name}", True
    for volume in _items(spec.get("volumes")):
        if not isinstance(volume, Mapping) or volume.get("name") != name:
            continue
        kind = next((k for k in volume if k != "name"), None)
        if kind is None:
            return f"volume {name} (no source: emptyDir)", False
        if kind == "emptyDir":
            medium = _field(volume, "emptyDir", "medium")
            return f"emptyDir volume {name}" + (" (in memory)" if medium == "Memory" else ""), False
        if kind == "persistentVolumeClaim":
            claim = _field(volume, "persistentVolumeClaim", "claimName")
            return f"persistentVolumeClaim {claim}", True
        return f"{kind} volume {name}", kind in catalog.persistent_volume_types
    return f"volume {name} (not defined in the pod)", False


def _number(value: Any) -> int | None:
    """A port number as written (``5432`` or ``"5432"``); None for a name or anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdecimal():
        return int(value)
    return None


def _field(mapping: Mapping[str, Any], key: str, inner: str) -> Any:
    value = mapping.get(key)
    return value.get(inner) if isinstance(value, Mapping) else None


def _items(value: Any) -> list:
    """A list as written, or nothing: a hand-written manifest may hold a string or a mapping there."""
    return value if isinstance(value, list) else []
