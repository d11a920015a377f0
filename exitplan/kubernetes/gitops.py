"""GitOps objects that install a Helm chart from outside the repository: a Flux ``HelmRelease`` and an
Argo CD ``Application`` or ``ApplicationSet`` whose source is a chart.

The chart is never fetched, so the objects it would create are not in the scan; the release itself is
what the repository says about the component (its name, chart, version, values and where the chart comes
from). The kinds are those whose chart fields this module reads (``RELEASE_KINDS``): which objects are
releases is a matter of their shape, so it stays beside the code that reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..model import Path as AttrPath
from ..model import Resource

RELEASE_KINDS = frozenset({"HelmRelease", "Application", "ApplicationSet"})


@dataclass(frozen=True)
class RemoteChart:
    chart: str
    #: where the chart comes from: a repository URL, or the source object (``HelmRepository/podinfo``)
    source: str
    version: str | None
    path: AttrPath  # the field naming the chart
    #: the Flux source object named (kind, name, namespace), to link the release to it
    source_ref: tuple[str, str, str | None] | None = None
    #: where the release's inline values are (Flux ``spec.values``, Argo CD ``helm.valuesObject``)
    values_path: AttrPath = ("spec", "values")
    #: the repository's URL (``https://…`` for a Helm repository), or the chart's own (``oci://…/chart``)
    url: str | None = None


class ChartSources:
    """The Flux source objects of a scan, by configuration, namespace, kind and name: a release's
    ``chartRef`` names an OCIRepository whose URL, not whose name, says the chart (``home-assistant`` is
    ``oci://ghcr.io/bjw-s-labs/helm/app-template``), and a HelmRepository holds the URL a chart comes from."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self._by_key = {
            (r.configuration, r.namespace or "default", r.type, r.name): r
            for r in resources
            if r.source == "kubernetes" and r.type in ("OCIRepository", "HelmRepository")
        }

    def resolve(self, release: Resource, chart: RemoteChart) -> RemoteChart:
        if chart.source_ref is None:
            return chart
        kind, name, namespace = chart.source_ref
        found = self._by_key.get(
            (release.configuration, namespace or release.namespace or "default", kind, name)
        )
        url = _text(found.get("spec", "url")) if found is not None else None
        if url is None:
            return chart
        if kind == "HelmRepository":
            oci = url.startswith("oci://") or found.get("spec", "type") == "oci"
            return replace(chart, url=f"{url.rstrip('/')}/{chart.chart}" if oci else url)
        ref = found.get("spec", "ref")
        version = (
            next((v for v in (ref.get("tag"), ref.get("semver")) if _text(v)), None)
            if isinstance(ref, Mapping)
            else None
        )
        return replace(
            chart, chart=url.rstrip("/").rsplit("/", 1)[-1], version=version or chart.version, url=url
        )


def remote_chart(resource: Resource, sources: ChartSources | None = None) -> RemoteChart | None:
    """The chart ``resource`` installs, when it is a release of one; ``None`` otherwise (an Argo CD
    application of a folder in a Git repository installs no chart). With ``sources``, the chart and URL
    its Flux source object gives."""
    if resource.source != "kubernetes" or resource.type not in RELEASE_KINDS:
        return None
    chart = _chart(resource)
    return sources.resolve(resource, chart) if sources is not None and chart is not None else chart


def _chart(resource: Resource) -> RemoteChart | None:
    spec = resource.get("spec")
    if not isinstance(spec, Mapping):
        return None
    if resource.type == "HelmRelease":
        return _flux(spec)
    if resource.type == "ApplicationSet":
        template = spec.get("template")
        inner = template.get("spec") if isinstance(template, Mapping) else None
        return _argo(inner, ("spec", "template", "spec")) if isinstance(inner, Mapping) else None
    return _argo(spec, ("spec",))


def _flux(spec: Mapping[str, Any]) -> RemoteChart | None:
    chart = spec.get("chart")
    inner = chart.get("spec") if isinstance(chart, Mapping) else None
    if isinstance(inner, Mapping) and _text(inner.get("chart")):
        ref = _ref(inner.get("sourceRef"))
        source = f"{ref[0]}/{ref[1]}" if ref else "a Flux source"
        path = ("spec", "chart", "spec", "chart")
        return RemoteChart(inner["chart"], source, _text(inner.get("version")), path, ref)
    ref = _ref(spec.get("chartRef"))  # Flux 2.3+: the chart is an OCIRepository or HelmChart object
    if ref:
        return RemoteChart(ref[1], f"{ref[0]}/{ref[1]}", None, ("spec", "chartRef"), ref)
    return None


def _argo(spec: Mapping[str, Any], at: AttrPath) -> RemoteChart | None:
    sources = spec.get("sources")
    candidates: list[tuple[Any, AttrPath]] = [(spec.get("source"), (*at, "source"))]
    if isinstance(sources, list):
        candidates += [(item, (*at, "sources", index)) for index, item in enumerate(sources)]
    for source, path in candidates:
        if isinstance(source, Mapping) and _text(source.get("chart")):
            repository = _text(source.get("repoURL")) or "a Helm repository"
            return RemoteChart(
                source["chart"],
                repository,
                _text(source.get("targetRevision")),
                (*path, "chart"),
                values_path=(*path, "helm", "valuesObject"),
                url=_text(source.get("repoURL")),
            )
    return None


def _ref(value: Any) -> tuple[str, str, str | None] | None:
    if not isinstance(value, Mapping) or not _text(value.get("kind")) or not _text(value.get("name")):
        return None
    return value["kind"], value["name"], _text(value.get("namespace"))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def install_namespace(resource: Resource) -> str | None:
    """Where the chart's objects go: Flux's ``spec.targetNamespace``, an Argo CD destination's
    namespace, else the release's own namespace."""
    if resource.type == "HelmRelease":
        field: AttrPath = ("spec", "targetNamespace")
    elif resource.type == "ApplicationSet":
        field = ("spec", "template", "spec", "destination", "namespace")
    else:
        field = ("spec", "destination", "namespace")
    return _text(resource.get(*field)) or resource.namespace


def release_name(resource: Resource) -> str:
    """The Helm release's name: Flux's ``spec.releaseName`` (else ``targetNamespace-name`` when the release
    targets another namespace, else its name), Argo CD's ``helm.releaseName`` (else the application's
    name)."""
    if resource.type == "HelmRelease":
        named = _text(resource.get("spec", "releaseName"))
        target = _text(resource.get("spec", "targetNamespace"))
        return named or (f"{target}-{resource.name}" if target else resource.name)
    chart = remote_chart(resource)
    helm = chart.values_path[:-1] if chart else ("spec", "source", "helm")
    return _text(resource.get(*helm, "releaseName")) or resource.name
