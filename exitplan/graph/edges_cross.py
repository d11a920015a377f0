"""Edges from Kubernetes objects to the Terraform resources they depend on.

Edge kinds (``A → B``: A needs B); the kind of a value match comes from the Terraform type's naming rule
in ``providers/catalog/endpoint-patterns.yaml``:

- ``assumes-identity``   ServiceAccount annotations (IRSA role ARN, GKE service account email, Azure
                         client id) and ``AWS_ROLE_ARN`` env values → IAM role / service account /
                         managed identity; an Azure identity whose client id is unknown by the
                         ServiceAccount's name (inferred); ServiceAccounts named by a workload identity
                         binding in Terraform → that binding (see ``edges_identity``)
- ``uses-bucket``, ``uses-queue``, ``uses-topic``, ``uses-table``, ``uses-stream``, ``uses-database``,
  ``uses-cache``, ``uses-search``   ConfigMap data, container env values, args, commands and annotations
                         that name a Terraform-managed endpoint (explicit for a host, URL or ARN;
                         inferred for a bare name)
- ``pulls-image-from``   container images → the registry repository
- ``reads-secret-from``  ExternalSecret remoteRef keys and SecretProviderClass objects → secret manager
- ``uses-file-system``   StorageClass parameters (EFS fileSystemId) → the file system, when its id is known
- ``binds-cloud-volume`` PersistentVolume volume handles → the block volume, when its id is known
- ``scheduled-on``       node selectors and required node affinity → the node pool carrying the label
- ``hosted-on``          workload controllers → the Kubernetes cluster (inferred; see :func:`hosted_on`)

A name found in several Terraform configurations (envs/prod, envs/staging) links to every match, inferred,
and says so in ``via``. Each Kubernetes string value is scanned once against an index built once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from exitplan.graph.edges_endpoints import Match, NameCatalog, TerraformNames, load_names
from exitplan.graph.edges_identity import workload_identity_edges
from exitplan.graph.edges_nodes import hosted_on, scheduled_on
from exitplan.graph.index import edge, pod_spec_path
from exitplan.model import Edge, Resource
from exitplan.model import Path as AttrPath

_SKIPPED_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})
_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
_PV_HANDLES: tuple[AttrPath, ...] = (
    ("spec", "csi", "volumeHandle"),
    ("spec", "awsElasticBlockStore", "volumeID"),
    ("spec", "gcePersistentDisk", "pdName"),
    ("spec", "azureDisk", "diskURI"),
)


@dataclass(frozen=True)
class Value:
    """A string in a manifest that may name a Terraform resource; ``key`` is its env var or data key."""

    path: AttrPath
    text: str
    key: str = ""


def cross_layer_edges(resources: Sequence[Resource], catalog: NameCatalog | None = None) -> Iterator[Edge]:
    """Every Kubernetes → Terraform edge, once per (source, target, kind), explicit preferred."""
    catalog = catalog or load_names()
    terraform = [r for r in resources if r.source == "terraform"]
    kubernetes = [r for r in resources if r.source == "kubernetes"]
    names = TerraformNames(terraform, catalog)
    chosen: dict[tuple[str, str, str], Edge] = {}
    found = [
        *(e for r in kubernetes for e in value_edges(r, names)),
        *(e for r in kubernetes for e in secret_edges(r, names)),
        *(e for r in kubernetes for e in identity_by_name(r, names)),
        *workload_identity_edges(kubernetes, terraform),
        *scheduled_on(kubernetes, terraform, catalog),
        *hosted_on(kubernetes, terraform),
    ]
    for item in found:
        key = (item.source, item.target, item.kind)
        if key not in chosen or (chosen[key].confidence != "explicit" and item.confidence == "explicit"):
            chosen[key] = item
    yield from chosen.values()


def _edge(source: Resource, match: Match, path: AttrPath) -> Edge:
    return edge(source, match.resource, match.rule.edge, path, match.confidence, match.how)


# --- values -----------------------------------------------------------------------------------------


def value_edges(resource: Resource, names: TerraformNames) -> Iterator[Edge]:
    for value in scanned_values(resource):
        for match in names.lookup(value.text, value.key):
            yield _edge(resource, match, value.path)


def scanned_values(resource: Resource) -> Iterator[Value]:
    """The strings of ``resource`` that may name a Terraform resource."""
    yield from _annotations(resource, ("metadata",))
    if resource.type == "ConfigMap":
        yield from _mapping_values(resource, ("data",))
    elif resource.type == "StorageClass":
        yield from _mapping_values(resource, ("parameters",))
    elif resource.type == "PersistentVolume":
        yield from _mapping_values(resource, ("spec", "csi", "volumeAttributes"))
        for path in _PV_HANDLES:
            text = resource.get(*path)
            if isinstance(text, str):
                yield Value(path, text)
    spec = pod_spec_path(resource)
    if spec is not None:
        yield from _annotations(resource, (*spec[:-1], "metadata"))
        for containers in _CONTAINER_LISTS:
            for i, _container in enumerate(resource.get(*spec, containers, default=[]) or []):
                yield from _container_values(resource, (*spec, containers, i))


def _mapping_values(resource: Resource, path: AttrPath) -> Iterator[Value]:
    mapping = resource.get(*path)
    if isinstance(mapping, Mapping):
        for key, text in mapping.items():
            if isinstance(text, str):
                yield Value((*path, str(key)), text, str(key))


def _annotations(resource: Resource, metadata: AttrPath) -> Iterator[Value]:
    for value in _mapping_values(resource, (*metadata, "annotations")):
        if value.key not in _SKIPPED_ANNOTATIONS:
            yield value


def _container_values(resource: Resource, container: AttrPath) -> Iterator[Value]:
    image = resource.get(*container, "image")
    if isinstance(image, str):
        yield Value((*container, "image"), image)
    for key in ("command", "args"):
        for i, text in enumerate(resource.get(*container, key, default=[]) or []):
            if isinstance(text, str):
                yield Value((*container, key, i), text)
    for i, variable in enumerate(resource.get(*container, "env", default=[]) or []):
        if isinstance(variable, Mapping) and isinstance(variable.get("value"), str):
            yield Value((*container, "env", i, "value"), variable["value"], str(variable.get("name", "")))


# --- secrets and identity ---------------------------------------------------------------------------


def secret_edges(resource: Resource, names: TerraformNames) -> Iterator[Edge]:
    """ExternalSecret remote keys and SecretProviderClass objects → the secret in Terraform."""
    if resource.type == "ExternalSecret":
        for i, item in enumerate(resource.get("spec", "data", default=[]) or []):
            key = item.get("remoteRef", {}).get("key") if isinstance(item, Mapping) else None
            yield from _secret(resource, names, key, ("spec", "data", i, "remoteRef", "key"))
        for i, item in enumerate(resource.get("spec", "dataFrom", default=[]) or []):
            key = item.get("extract", {}).get("key") if isinstance(item, Mapping) else None
            yield from _secret(resource, names, key, ("spec", "dataFrom", i, "extract", "key"))
    elif resource.type == "SecretProviderClass":
        parameters = resource.get("spec", "parameters")
        if isinstance(parameters, Mapping):
            for key, text in parameters.items():
                if isinstance(text, str):
                    for name in _object_names(text) if key == "objects" else [text]:
                        yield from _secret(resource, names, name, ("spec", "parameters", str(key)))


def _object_names(objects: str) -> list[str]:
    """``objectName``/``resourceName`` entries of a secrets-store provider's ``objects`` text."""
    names = []
    for line in objects.splitlines():
        key, _, rest = line.strip().lstrip("- ").partition(":")
        if key.strip() in ("objectName", "resourceName", "secretPath") and rest.strip():
            names.append(rest.strip().strip("\"'"))
    return names


def _secret(resource: Resource, names: TerraformNames, key: object, path: AttrPath) -> Iterator[Edge]:
    if isinstance(key, str) and key:
        for match in names.secret(key):
            yield _edge(resource, match, path)


def identity_by_name(account: Resource, names: TerraformNames) -> Iterator[Edge]:
    """An identity annotation whose value matched nothing: the identity with the ServiceAccount's name."""
    if account.type != "ServiceAccount":
        return
    annotations = account.get("metadata", "annotations", default={}) or {}
    for annotation, types in names.catalog.identity_by_name.items():
        if annotation not in annotations:
            continue
        value = annotations[annotation]
        if isinstance(value, str) and names.lookup(value):
            continue
        for type_ in types:
            for target in names.named(type_, account.name):
                yield edge(
                    account,
                    target,
                    "assumes-identity",
                    ("metadata", "annotations", annotation),
                    "inferred",
                    f'{annotation} not known in code; {type_} named "{account.name}"',
                )
