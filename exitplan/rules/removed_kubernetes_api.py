"""A manifest uses a Kubernetes API version that current clusters no longer serve.

What it detects
    Objects whose ``apiVersion`` was removed from Kubernetes (``extensions/v1beta1`` Ingress,
    ``batch/v1beta1`` CronJob, ``policy/v1beta1`` PodDisruptionBudget, …), from the table in
    ``providers/catalog/kubernetes-api-removals.yaml``.

Why it hurts portability
    An exit lands on a new cluster, usually on a current Kubernetes version: the API server refuses these
    manifests, so the workload cannot be re-applied as it is, however portable the rest of it is.

How to migrate
    Convert the manifest to the served version (``kubectl convert`` or by hand, following the Kubernetes
    deprecated API migration guide) before the move, and test it on the target's version.

Example
    ``apiVersion: extensions/v1beta1`` on an Ingress: removed in Kubernetes 1.22, use networking.k8s.io/v1.
"""

from functools import cache

from ..knowledge.data_path import data_path
from ..knowledge.datafile import load_data_file, require
from ..model import Resource
from .base import RuleContext

ID = "EP604"
NAME = "removed-kubernetes-api"
CATEGORY = "platform and operations"
WEIGHT = 5
OPTIONS: dict = {}


@cache
def removals() -> dict[tuple[str, str], tuple[str, str]]:
    """(apiVersion, kind) → (removed in, what to use instead)."""
    path = data_path("providers") / "catalog" / "kubernetes-api-removals.yaml"
    table = {}
    for index, item in enumerate(require(load_data_file(path), "removed", list, f"{path}:")):
        where = f"{path}: removed[{index}]"
        for kind in require(item, "kinds", list, where):
            table[(require(item, "api_version", str, where), kind)] = (
                str(require(item, "removed_in", str, where)),
                require(item, "use", str, where),
            )
    return table


def check(resource: Resource, context: RuleContext):
    if resource.source != "kubernetes":
        return
    api_version = resource.get("apiVersion")
    found = removals().get((api_version, resource.type)) if isinstance(api_version, str) else None
    if found is None:
        return
    removed_in, use = found
    yield context.finding(
        ID,
        WEIGHT,
        resource,
        f"{resource.type} uses {api_version}, removed in Kubernetes {removed_in}: use {use}",
        path=("apiVersion",),
        evidence=f"apiVersion: {api_version}",
    )
