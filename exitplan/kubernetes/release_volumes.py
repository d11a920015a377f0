"""The persistent volumes a release of a remote chart asks for in its values.

The chart is not in the repository, so its PersistentVolumeClaims are not either; the release's values
say whether it keeps data, in the shapes charts share:

- ``persistence: {enabled: true}`` — the chart makes a claim (Bitnami charts, Grafana and most others);
  ``persistence: {existingClaim: data}`` — it mounts one made elsewhere;
- ``persistence: {config: {existingClaim: …}, cache: {type: persistentVolumeClaim}}`` — one entry per volume
  (the bjw-s app-template and charts built on its library), where an entry of ``type: emptyDir``,
  ``configMap``, ``secret``, ``hostPath`` or ``nfs`` holds no data of the release's own, and one without a
  type is a claim only when it gives a claim's fields (``storageClass``, ``size``, ``accessMode``);
- ``volumeClaimTemplates: [...]`` or ``volumeClaimTemplate: {...}`` — claims per replica (Prometheus,
  Alertmanager, operators' custom resources).

``enabled: false`` switches an entry off. ``{{ .Release.Name }}`` in a claim's name is the release's name,
as the chart's ``tpl`` would make it; other templates are kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..model import Path as AttrPath
from ..model import Resource
from .gitops import release_name, remote_chart

#: Fields that make an untyped persistence entry a claim.
_CLAIM_FIELDS = frozenset({"storageClass", "storageClassName", "size", "accessMode", "accessModes"})
_RELEASE_NAME = re.compile(r"\{\{-?\s*\.Release\.Name\s*-?\}\}")
_MAX_DEPTH = 20
_MAX_NODES = 20_000


@dataclass(frozen=True)
class ReleaseVolume:
    #: the volume's key in the values (``config``), or the mapping's (``persistence``) for a chart's one volume
    name: str
    #: the existing claim it mounts, with ``{{ .Release.Name }}`` resolved; ``None`` when the chart makes it
    claim: str | None
    path: AttrPath  # where in the release it is asked for


def release_volumes(resource: Resource) -> tuple[ReleaseVolume, ...]:
    """Every persistent volume ``resource``'s values ask for, in the order they are written; none for an
    object that is not a release of a chart."""
    chart = remote_chart(resource)
    if chart is None:
        return ()
    values = resource.get(*chart.values_path)
    if not isinstance(values, Mapping):
        return ()
    name = release_name(resource)
    budget = [_MAX_NODES]
    return tuple(
        ReleaseVolume(key, _resolved(claim, name), path)
        for key, claim, path in _walk(values, chart.values_path, 0, budget)
    )


def with_release_name(text: str, name: str) -> str:
    """``text`` with ``{{ .Release.Name }}`` as the chart's ``tpl`` would make it; other templates kept."""
    return _RELEASE_NAME.sub(name, text)


def _resolved(claim: str | None, name: str) -> str | None:
    return with_release_name(claim, name).strip() if claim is not None else None


def _walk(
    value: Any, at: AttrPath, depth: int, budget: list[int]
) -> Iterator[tuple[str, str | None, AttrPath]]:
    budget[0] -= 1
    if depth > _MAX_DEPTH or budget[0] < 0:
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*at, index), depth + 1, budget)
        return
    if not isinstance(value, Mapping):
        return
    for key, item in value.items():
        here = (*at, key)
        if key == "persistence" and isinstance(item, Mapping):
            yield from _persistence(item, here)
        elif key == "volumeClaimTemplates" and isinstance(item, list):
            for index, template in enumerate(item):
                if isinstance(template, Mapping):
                    yield _template_name(template, key), None, (*here, index)
        elif key == "volumeClaimTemplate" and isinstance(item, Mapping) and item:
            yield _template_name(item, key), None, here
        else:
            yield from _walk(item, here, depth + 1, budget)


def _persistence(values: Mapping[str, Any], at: AttrPath) -> Iterator[tuple[str, str | None, AttrPath]]:
    enabled = values.get("enabled")
    if enabled is False:
        return
    claim = _text(values.get("existingClaim"))
    if claim is not None:
        yield at[-1], claim, (*at, "existingClaim")
        return
    if enabled is True:
        yield at[-1], None, (*at, "enabled")
        return
    for key, entry in values.items():
        if not isinstance(entry, Mapping) or entry.get("enabled") is False:
            continue
        claim, kind = _text(entry.get("existingClaim")), entry.get("type")
        if claim is not None:
            yield key, claim, (*at, key, "existingClaim")
        elif kind == "persistentVolumeClaim" or (kind is None and _CLAIM_FIELDS.intersection(entry)):
            yield key, None, (*at, key)


def _template_name(template: Mapping[str, Any], key: str) -> str:
    metadata = template.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    return name if isinstance(name, str) and name else key


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


#: Keys under which chart values name a Secret the chart's pods read: a container's ``secretKeyRef`` and
#: ``secretRef`` (app-template and most charts pass env through), Bitnami's ``existingSecret``.
_SECRET_REFERENCES = frozenset({"secretKeyRef", "secretRef"})


def release_secrets(resource: Resource) -> tuple[tuple[str, AttrPath], ...]:
    """The Secrets ``resource``'s values have its pods read, with ``{{ .Release.Name }}`` resolved, and
    where each is named; a name that is still a template is left out."""
    chart = remote_chart(resource)
    values = resource.get(*chart.values_path) if chart is not None else None
    if not isinstance(values, Mapping):
        return ()
    name = release_name(resource)
    found = []
    for secret, path in _secret_names(values, chart.values_path, 0, [_MAX_NODES]):
        resolved = _resolved(secret, name)
        if resolved and "{{" not in resolved:
            found.append((resolved, path))
    return tuple(found)


def _secret_names(value: Any, at: AttrPath, depth: int, budget: list[int]) -> Iterator[tuple[str, AttrPath]]:
    budget[0] -= 1
    if depth > _MAX_DEPTH or budget[0] < 0:
        return
    items = (
        enumerate(value) if isinstance(value, list) else value.items() if isinstance(value, Mapping) else ()
    )
    for key, item in items:
        here = (*at, key)
        if key in _SECRET_REFERENCES and isinstance(item, Mapping) and _text(item.get("name")):
            yield item["name"], (*here, "name")
        elif key == "existingSecret" and _text(item):
            yield item, here
        else:
            yield from _secret_names(item, here, depth + 1, budget)
