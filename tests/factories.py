"""Build Resource records directly, for tests of the stages after the loaders."""

from __future__ import annotations

from dataclasses import replace

from exitplan.model import Reference, Resource
from tests.graph.factories import k8s as from_manifest


def tf(type_: str, name: str, *, configuration: str = "infra", module: str | None = None, refs=(), **fields):
    address = f"{module + '.' if module else ''}{type_}.{name}"
    references = tuple(Reference(target, "attr", 1) for target in refs)
    return Resource(
        id=f"{configuration}#{address}",
        address=address,
        configuration=configuration,
        source="terraform",
        type=type_,
        name=name,
        file=f"{configuration}/main.tf",
        line=1,
        module=module,
        references=references,
        **fields,
    )


def k8s(
    kind: str, name: str, *, namespace: str | None = "shop", configuration: str = "k8s", spec=None, **fields
):
    """A Kubernetes object from its kind and name, built as tests/graph/factories.k8s builds it."""
    metadata = {"name": name, "namespace": namespace} if namespace else {"name": name}
    manifest = {"apiVersion": "v1", "kind": kind, "metadata": metadata}
    if spec is not None:
        manifest["spec"] = spec
    resource = from_manifest(manifest, file=f"{configuration}/{name}.yaml", configuration=configuration)
    return (
        replace(resource, namespace=namespace, **fields)
        if fields or resource.namespace != namespace
        else resource
    )


def pod_spec(*images: str, volumes=None) -> dict:
    spec = {"containers": [{"name": f"c{i}", "image": image} for i, image in enumerate(images)]}
    if volumes is not None:
        spec["volumes"] = volumes
    return {"template": {"metadata": {"labels": {"app": "x"}}, "spec": spec}}
