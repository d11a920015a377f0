"""Kubernetes objects → the Terraform resource that installs the driver or controller they rely on.

A StorageClass on ``ebs.csi.aws.com`` needs the EBS CSI driver; an Ingress of class ``alb`` needs the AWS
Load Balancer Controller. When Terraform installs those (an ``aws_eks_addon``, a ``helm_release``), the
object gets a ``provided-by`` edge to it, inferred, matched on the values in
``providers/catalog/cluster-addons.yaml``. Terraform resources are indexed once by (type, value).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from ..errors import CatalogError
from ..knowledge.data_path import data_path
from ..knowledge.datafile import load_data_file, require
from ..model import Edge, Resource
from .index import edge


@dataclass(frozen=True)
class Needs:
    kind: str
    field: tuple[str, ...]  # empty: the kind alone is enough
    values: frozenset[str]


@dataclass(frozen=True)
class Installer:
    type: str
    attribute: str
    values: frozenset[str]


@dataclass(frozen=True)
class Addon:
    id: str
    needs: tuple[Needs, ...]
    installers: tuple[Installer, ...]


@cache
def load_addons() -> tuple[Addon, ...]:
    path = data_path("providers") / "catalog" / "cluster-addons.yaml"
    addons = []
    for index, raw in enumerate(require(load_data_file(path), "addons", list, f"{path}:")):
        where = f"{path}: addons[{index}]"
        if not isinstance(raw, dict):
            raise CatalogError(f"{where}: expected a mapping with id, kubernetes, terraform")
        needs = tuple(
            Needs(
                require(item, "kind", str, f"{where}.kubernetes[{i}]"),
                tuple(str(item["field"]).split(".")) if item.get("field") else (),
                frozenset(map(str, item.get("values") or ())),
            )
            for i, item in enumerate(require(raw, "kubernetes", list, where))
        )
        installers = tuple(
            Installer(
                require(item, "type", str, f"{where}.terraform[{i}]"),
                require(item, "attribute", str, f"{where}.terraform[{i}]"),
                frozenset(map(str, require(item, "values", list, f"{where}.terraform[{i}]"))),
            )
            for i, item in enumerate(require(raw, "terraform", list, where))
        )
        addons.append(Addon(require(raw, "id", str, where), needs, installers))
    return tuple(addons)


def addon_edges(resources: Sequence[Resource], addons: Sequence[Addon] | None = None) -> Iterator[Edge]:
    addons = load_addons() if addons is None else addons
    installed: dict[str, list[Resource]] = defaultdict(list)
    wanted: dict[str, list[tuple[str, Installer]]] = defaultdict(list)
    for addon in addons:
        for installer in addon.installers:
            wanted[installer.type].append((addon.id, installer))
    for resource in resources:
        if resource.source != "terraform" or resource.is_data_source:
            continue
        for addon_id, installer in wanted.get(resource.type, ()):
            value = resource.attributes.get(installer.attribute)
            if isinstance(value, str) and value in installer.values:
                installed[addon_id].append(resource)
    if not installed:
        return
    for resource in resources:
        if resource.source != "kubernetes":
            continue
        for addon in addons:
            if not installed.get(addon.id):
                continue
            for need in addon.needs:
                if need.kind != resource.type:
                    continue
                value = resource.get(*need.field) if need.field else None
                if need.field and not (isinstance(value, str) and value in need.values):
                    continue
                for installer in installed[addon.id]:
                    yield edge(resource, installer, "provided-by", need.field, "inferred", note=addon.id)
                break
