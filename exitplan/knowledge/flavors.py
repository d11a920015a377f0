"""Each target's VM sizes (flavors): ``providers/flavors/<target>.yaml``, beside the target's catalog.

A user catalog directory may carry its own ``flavors/<target>.yaml`` beside ``<target>.yaml``. Every file is
validated when its target catalog loads (``knowledge/targets.py``), with errors naming file and key path.
``nearest`` picks the smallest flavor that holds a given vCPU, memory and GPU count.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CatalogError
from .catalog_document import CatalogDocument, KeyPath, kind_of
from .datafile import read_yaml

_TOP_KEYS = frozenset(
    {
        "schema_version",
        "target",
        "as_of",
        "source",
        "flavors",
        "custom",
        "naming_standard",
        "naming_rule",
        "gpu_note",
        "gpu_source",
        "other_families_note",
    }
)
_FLAVOR_KEYS = frozenset(
    {
        "name",
        "vcpu",
        "memory_gib",
        "gpus",
        "gpu_model",
        "verified",
        "evidence",
        "confidence",
        "deprecated",
        "arch",
        "dedicated",
        "cpu_type",
        "status",
        "root_disk_gb",
        "disk_type",
        "note",
    }
)
_CUSTOM_KEYS = frozenset({"kind", "terraform_type", "custom", "vcpu", "memory_gib", "max_note", "verified"})


@dataclass(frozen=True)
class Flavor:
    name: str
    vcpu: int
    memory_gib: float
    gpus: int
    gpu_model: str | None
    verified: bool
    deprecated: bool = False
    root_disk_gb: int | None = None
    arch: str = "x86_64"


@dataclass(frozen=True)
class CustomSize:
    """A server type that takes any core count and memory (IONOS Enterprise, vCPU servers)."""

    kind: str
    terraform_type: str
    vcpu_step: int
    memory_step_gib: float
    verified: bool


@dataclass(frozen=True)
class FlavorList:
    target: str
    as_of: str
    source: str
    flavors: tuple[Flavor, ...]
    custom: tuple[CustomSize, ...] = ()
    gpu_note: str | None = None
    origin: str = ""

    def nearest(
        self,
        vcpu: float,
        memory_gib: float,
        gpus: int = 0,
        arch: str = "x86_64",
        gpu_model: str | None = None,
    ) -> Flavor | CustomSize | None:
        """The smallest flavor with at least ``vcpu``, ``memory_gib`` and ``gpus`` (none for 0): least
        excess first, then verified, current, without a fixed root disk, by name; of the same CPU
        architecture, and of the same GPU model (``L4`` in ``NVIDIA L4 24GB``), where one fits. A custom size when the target has one and no GPU is asked for;
        None when nothing is large enough."""
        if gpus == 0 and self.custom:
            return self.custom[0]
        fitting = [
            f
            for f in self.flavors
            if f.vcpu >= vcpu and f.memory_gib >= memory_gib and (f.gpus >= gpus if gpus else f.gpus == 0)
        ]
        if not fitting:
            return None
        fitting = [f for f in fitting if f.arch == arch] or fitting
        if gpus and gpu_model:
            fitting = [f for f in fitting if _gpu_word(f.gpu_model) == _gpu_word(gpu_model)] or fitting

        def cost(f: Flavor) -> tuple:
            excess = f.vcpu / max(vcpu, 1) + f.memory_gib / max(memory_gib, 0.5) + (f.gpus - gpus)
            return (f.deprecated, round(excess, 6), not f.verified, f.root_disk_gb is not None, f.name)

        return min(fitting, key=cost)


def _gpu_word(model: str | None) -> str | None:
    """The model word of a GPU name: ``L4`` in ``NVIDIA L4 24GB``, ``H100`` in ``NVIDIA H100 80GB SXM``."""
    words = (model or "").upper().split()
    return words[1] if len(words) > 1 and words[0] == "NVIDIA" else (words[0] if words else None)


def flavor_file_for(catalog_path: Path) -> Path:
    """Where the flavor list of the catalog at ``catalog_path`` lives."""
    return catalog_path.parent / "flavors" / f"{catalog_path.stem}.yaml"


def flavor_list_beside(catalog_path: Path, catalog_label: str, target: str) -> FlavorList | None:
    """The validated flavor list beside a target catalog, or None when the target has none."""
    path = flavor_file_for(catalog_path)
    if not path.is_file():
        return None
    label = str(Path(catalog_label).parent / "flavors" / path.name)
    flavors = load_flavor_list(path, label)
    if flavors.target != target:
        raise CatalogError(f"{label}: target: '{flavors.target}' does not match the catalog '{target}'")
    return flavors


def load_flavor_list(path: Path, label: str | None = None) -> FlavorList:
    doc = CatalogDocument(Path(label) if label else path, read_yaml(path, label))
    data = doc.data
    doc.known_keys(data, _TOP_KEYS, ())
    target = doc.string(data.get("target"), ("target",))
    as_of = doc.string(data.get("as_of"), ("as_of",))
    source = doc.string(data.get("source"), ("source",))
    entries = data.get("flavors")
    if not isinstance(entries, list) or not entries:
        doc.fail(("flavors",), f"must be a non-empty list, found {kind_of(entries)}")
    flavors = tuple(_flavor(doc, entry, ("flavors", index)) for index, entry in enumerate(entries))
    seen: set[str] = set()
    for index, flavor in enumerate(flavors):
        if flavor.name in seen:
            doc.fail(("flavors", index, "name"), f"{flavor.name} is listed twice")
        seen.add(flavor.name)
    custom_entries = data.get("custom", [])
    if not isinstance(custom_entries, list):
        doc.fail(("custom",), f"must be a list, found {kind_of(custom_entries)}")
    custom = tuple(_custom(doc, entry, ("custom", index)) for index, entry in enumerate(custom_entries))
    gpu_note = data.get("gpu_note")
    return FlavorList(
        target,
        as_of,
        source,
        flavors,
        custom,
        doc.string(gpu_note, ("gpu_note",)) if gpu_note is not None else None,
        str(doc.path),
    )


def _count(doc: CatalogDocument, value: Any, path: KeyPath, *, zero: bool = False, whole: bool = True) -> Any:
    ok = isinstance(value, int) if whole else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok or value < 0 or (value == 0 and not zero):
        doc.fail(
            path,
            f"must be a {'whole ' if whole else ''}number {'≥ 0' if zero else '> 0'}, found {kind_of(value)}",
        )
    return value


def _flavor(doc: CatalogDocument, entry: Any, path: KeyPath) -> Flavor:
    entry = doc.mapping(entry, path)
    doc.known_keys(entry, _FLAVOR_KEYS, path)
    for key in ("name", "vcpu", "memory_gib", "gpus", "verified"):
        if key not in entry:
            doc.fail((*path, key), "missing")
    model = entry.get("gpu_model")
    disk = entry.get("root_disk_gb")
    return Flavor(
        doc.string(
            str(entry["name"]) if isinstance(entry["name"], (str, int)) else entry["name"], (*path, "name")
        ),
        _count(doc, entry["vcpu"], (*path, "vcpu")),
        _count(doc, entry["memory_gib"], (*path, "memory_gib"), whole=False),
        _count(doc, entry["gpus"], (*path, "gpus"), zero=True),
        doc.string(model, (*path, "gpu_model")) if model is not None else None,
        doc.flag(entry, "verified", path, False),
        doc.flag(entry, "deprecated", path, False),
        _count(doc, disk, (*path, "root_disk_gb")) if disk is not None else None,
        _arch(doc, entry, path),
    )


def _arch(doc: CatalogDocument, entry: dict, path: KeyPath) -> str:
    arch = entry.get("arch", "x86_64")
    if arch not in ("x86_64", "arm64"):
        doc.fail((*path, "arch"), f"must be x86_64 or arm64, found {kind_of(arch)}")
    return arch


def _custom(doc: CatalogDocument, entry: Any, path: KeyPath) -> CustomSize:
    entry = doc.mapping(entry, path)
    doc.known_keys(entry, _CUSTOM_KEYS, path)
    vcpu = doc.mapping(entry.get("vcpu"), (*path, "vcpu"))
    memory = doc.mapping(entry.get("memory_gib"), (*path, "memory_gib"))
    return CustomSize(
        doc.string(entry.get("kind"), (*path, "kind")),
        doc.string(entry.get("terraform_type"), (*path, "terraform_type")),
        _count(doc, vcpu.get("step"), (*path, "vcpu", "step")),
        _count(doc, memory.get("step"), (*path, "memory_gib", "step"), whole=False),
        doc.flag(entry, "verified", path, False),
    )
