"""Edges from a pod template to what its pods use: ConfigMaps, Secrets, volumes and claims, the
ServiceAccount, priority and runtime classes; and a StatefulSet's claim templates to their StorageClass.

The edge kinds are listed in ``edges_kubernetes``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from exitplan.graph.index import edge, namespace_of, pod_spec_path
from exitplan.graph.object_context import Context, link
from exitplan.model import Edge, Resource
from exitplan.model import Path as AttrPath

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")


def pod_spec_references(workload: Resource, context: Context) -> Iterator[Edge]:
    spec = pod_spec_path(workload)
    if spec is None:
        return
    yield from _volumes(workload, context, spec)
    for containers in CONTAINER_LISTS:
        for i, _container in enumerate(workload.get(*spec, containers, default=[]) or []):
            yield from _container_refs(workload, context, (*spec, containers, i))
    for i, pull in enumerate(workload.get(*spec, "imagePullSecrets", default=[]) or []):
        if isinstance(pull, Mapping):
            yield from secret_use(workload, context, pull.get("name"), (*spec, "imagePullSecrets", i, "name"))
    yield from _service_account(workload, context, spec)
    yield from link(
        context,
        workload,
        "PriorityClass",
        "uses-priority-class",
        workload.get(*spec, "priorityClassName"),
        (*spec, "priorityClassName"),
    )
    yield from link(
        context,
        workload,
        "RuntimeClass",
        "uses-runtime-class",
        workload.get(*spec, "runtimeClassName"),
        (*spec, "runtimeClassName"),
    )


#: What a volume (or a projected volume's source) names: (kind, edge kind, path inside the volume).
_VOLUME_REFERENCES = (
    ("ConfigMap", "uses-configmap", ("configMap", "name")),
    ("Secret", "uses-secret", ("secret", "secretName")),
    ("PersistentVolumeClaim", "claims-volume", ("persistentVolumeClaim", "claimName")),
    ("SecretProviderClass", "uses-secret-provider-class", ("csi", "volumeAttributes", "secretProviderClass")),
)
_PROJECTED_REFERENCES = (
    ("ConfigMap", "uses-configmap", ("configMap", "name")),
    ("Secret", "uses-secret", ("secret", "name")),
)


def _volumes(workload: Resource, context: Context, spec: AttrPath) -> Iterator[Edge]:
    for i, volume in enumerate(workload.get(*spec, "volumes", default=[]) or []):
        if not isinstance(volume, Mapping):
            continue
        at = (*spec, "volumes", i)
        yield from _references(workload, context, at, _VOLUME_REFERENCES)
        for j, _source in enumerate(workload.get(*at, "projected", "sources", default=[]) or []):
            yield from _references(workload, context, (*at, "projected", "sources", j), _PROJECTED_REFERENCES)


def _references(workload: Resource, context: Context, at: AttrPath, references) -> Iterator[Edge]:
    for kind, edge_kind, inner in references:
        path = (*at, *inner)
        name = workload.get(*path)
        if kind == "Secret":
            yield from secret_use(workload, context, name, path) if name is not None else ()
        else:
            yield from link(context, workload, kind, edge_kind, name, path)


_ENV_FROM_REFERENCES = (
    ("ConfigMap", "uses-configmap", ("configMapRef", "name")),
    ("Secret", "uses-secret", ("secretRef", "name")),
)
_ENV_REFERENCES = (
    ("ConfigMap", "uses-configmap", ("configMapKeyRef", "name")),
    ("Secret", "uses-secret", ("secretKeyRef", "name")),
)


def _container_refs(workload: Resource, context: Context, container: AttrPath) -> Iterator[Edge]:
    for j, _source in enumerate(workload.get(*container, "envFrom", default=[]) or []):
        yield from _references(workload, context, (*container, "envFrom", j), _ENV_FROM_REFERENCES)
    for j, _variable in enumerate(workload.get(*container, "env", default=[]) or []):
        yield from _references(workload, context, (*container, "env", j, "valueFrom"), _ENV_REFERENCES)


def secret_use(
    workload: Resource, context: Context, name: Any, path: AttrPath, namespace: str | None = None
) -> Iterator[Edge]:
    """The Secret ``name`` (in ``workload``'s namespace, or ``namespace``), or what creates it when it is not
    in the manifests: an ExternalSecret, a Crossplane resource, an operator's data store."""
    target = context.objects.get(workload, "Secret", name, namespace)
    if target is not None:
        yield edge(workload, target, "uses-secret", path)
        return
    space = namespace or namespace_of(workload)
    creator = context.secret_sources.get((workload.configuration, space, str(name)))
    if creator is not None:
        yield edge(workload, creator, "uses-secret", path, note=f"Secret {name} created by {creator.type}")


def _service_account(workload: Resource, context: Context, spec: AttrPath) -> Iterator[Edge]:
    for key in ("serviceAccountName", "serviceAccount"):
        name = workload.get(*spec, key)
        if isinstance(name, str) and name:
            yield from link(context, workload, "ServiceAccount", "runs-as", name, (*spec, key))
            return
    target = context.objects.get(workload, "ServiceAccount", "default")
    if target is not None:
        yield edge(workload, target, "runs-as", spec, "inferred", "no serviceAccountName: the default one")


def claim_templates(statefulset: Resource, context: Context) -> Iterator[Edge]:
    for i, _claim in enumerate(statefulset.get("spec", "volumeClaimTemplates", default=[]) or []):
        path = ("spec", "volumeClaimTemplates", i, "spec", "storageClassName")
        yield from link(
            context, statefulset, "StorageClass", "uses-storage-class", statefulset.get(*path), path
        )
