"""Name references between objects of one render, updated when kustomize renames their targets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .manifests import Manifest

#: Paths inside a pod spec that name another object: (kind, path to the name).
_POD_REFERENCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ServiceAccount", ("serviceAccountName",)),
    ("ServiceAccount", ("serviceAccount",)),
    ("ConfigMap", ("volumes", "*", "configMap", "name")),
    ("Secret", ("volumes", "*", "secret", "secretName")),
    ("PersistentVolumeClaim", ("volumes", "*", "persistentVolumeClaim", "claimName")),
    ("ConfigMap", ("volumes", "*", "projected", "sources", "*", "configMap", "name")),
    ("Secret", ("volumes", "*", "projected", "sources", "*", "secret", "name")),
    ("Secret", ("imagePullSecrets", "*", "name")),
    ("ConfigMap", ("containers", "*", "envFrom", "*", "configMapRef", "name")),
    ("Secret", ("containers", "*", "envFrom", "*", "secretRef", "name")),
    ("ConfigMap", ("containers", "*", "env", "*", "valueFrom", "configMapKeyRef", "name")),
    ("Secret", ("containers", "*", "env", "*", "valueFrom", "secretKeyRef", "name")),
    ("ConfigMap", ("initContainers", "*", "envFrom", "*", "configMapRef", "name")),
    ("Secret", ("initContainers", "*", "envFrom", "*", "secretRef", "name")),
    ("ConfigMap", ("initContainers", "*", "env", "*", "valueFrom", "configMapKeyRef", "name")),
    ("Secret", ("initContainers", "*", "env", "*", "valueFrom", "secretKeyRef", "name")),
)

#: References outside pod specs, by the kind that holds them.
_OBJECT_REFERENCES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "Ingress": (
        ("Service", ("spec", "rules", "*", "http", "paths", "*", "backend", "service", "name")),
        ("Service", ("spec", "rules", "*", "http", "paths", "*", "backend", "serviceName")),
        ("Service", ("spec", "defaultBackend", "service", "name")),
        ("Secret", ("spec", "tls", "*", "secretName")),
    ),
    "StatefulSet": (("Service", ("spec", "serviceName")),),
    "PersistentVolumeClaim": (("StorageClass", ("spec", "storageClassName")),),
    "PersistentVolume": (("StorageClass", ("spec", "storageClassName")),),
    "RoleBinding": (("ServiceAccount", ("subjects", "*", "name")),),
    "ClusterRoleBinding": (("ServiceAccount", ("subjects", "*", "name")),),
}


def pod_spec_paths(manifest: Manifest) -> list[tuple[str, ...]]:
    """Where a manifest keeps its pod spec(s)."""
    kind = manifest.kind
    if kind == "Pod":
        return [("spec",)]
    if kind == "CronJob":
        return [("spec", "jobTemplate", "spec", "template", "spec")]
    spec = manifest.value.get("spec")
    if isinstance(spec, dict) and isinstance(spec.get("template"), dict):
        return [("spec", "template", "spec")]
    return []


def rename_references(manifests: list[Manifest], renamed: dict[tuple[str, str], str]) -> None:
    """Point every reference to a renamed object at its new name."""
    if not renamed:
        return
    for manifest in manifests:
        references = list(_OBJECT_REFERENCES.get(manifest.kind, ()))
        for prefix in pod_spec_paths(manifest):
            references.extend((kind, (*prefix, *path)) for kind, path in _POD_REFERENCES)
        for kind, path in references:
            for container, key in _slots(manifest.value, path):
                old = container.get(key)
                if not isinstance(old, str) or (kind, old) not in renamed:
                    continue
                if path[-3:-1] == ("subjects", "*") and container.get("kind") != "ServiceAccount":
                    continue  # a subject may name a User or Group of the same name
                container[key] = renamed[(kind, old)]


def _slots(value: Any, path: tuple[str, ...]) -> Iterator[tuple[dict, str]]:
    """Every (mapping, key) that ``path`` reaches; ``*`` steps through each list item."""
    if len(path) == 1:
        if isinstance(value, dict) and path[0] in value:
            yield value, path[0]
        return
    step, rest = path[0], path[1:]
    if step == "*":
        if isinstance(value, list):
            for item in value:
                yield from _slots(item, rest)
    elif isinstance(value, dict) and step in value:
        yield from _slots(value[step], rest)


def join(directory: str, name: str) -> str:
    """``name`` inside ``directory``, both relative to the scanned root (``.`` is the root)."""
    return name if directory == "." else f"{directory}/{name}"
