"""The workload roles catalog (``providers/catalog/workload-roles.yaml``), validated on load."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..errors import CatalogError
from ..knowledge.data_path import data_path
from ..knowledge.datafile import load_data_file, require


@dataclass(frozen=True)
class Roles:
    anchor_kinds: frozenset[str]
    anchor_service_kinds: frozenset[str]
    platform_service_kinds: frozenset[str]
    backing_service_kinds: frozenset[str]
    #: Terraform types of an anchor kind that never anchor a workload (a placement group, an SSH key).
    supporting_types: frozenset[str]
    generic_images: frozenset[str] = frozenset()
    environment_folders: frozenset[str] = frozenset()
    generic_folders: frozenset[str] = frozenset()
    #: GitOps objects that deploy others: never a part of the component beside them (``graph/orphans.py``)
    deployer_kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WavePhase:
    name: str
    service_kinds: frozenset[str]
    kubernetes_kinds: frozenset[str]


@cache
def load_roles() -> Roles:
    data = _roles_data()
    where = f"{_roles_path()}:"
    return Roles(*(frozenset(require(data, key, list, where)) for key in Roles.__dataclass_fields__))


@cache
def load_wave_phases() -> tuple[WavePhase, ...]:
    where = f"{_roles_path()}: wave_phases"
    phases = []
    for index, item in enumerate(require(_roles_data(), "wave_phases", list, str(_roles_path()) + ":")):
        if not isinstance(item, dict):
            raise CatalogError(
                f"{where}[{index}]: expected a mapping with name, service_kinds, kubernetes_kinds"
            )
        phases.append(
            WavePhase(
                require(item, "name", str, f"{where}[{index}]"),
                frozenset(require(item, "service_kinds", list, f"{where}[{index}]")),
                frozenset(require(item, "kubernetes_kinds", list, f"{where}[{index}]")),
            )
        )
    return tuple(phases)


def _roles_path():
    return data_path("providers") / "catalog" / "workload-roles.yaml"


@cache
def _roles_data() -> dict:
    return load_data_file(_roles_path())
