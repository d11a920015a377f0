"""Data gravity and capacity for one plan: the stores' sizes and transfer times, the egress estimate per
source cloud from the price book, and the capacity to rebuild mapped to the target's flavors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..api import ScanReport
from ..classify import MODULE_TYPE, module_inputs
from ..config import Transfer
from ..knowledge.capacity_sources import load_capacity_sources
from ..knowledge.instance_types import load_instance_types
from ..knowledge.price_book import load_price_book
from ..knowledge.service_catalog import load_service_catalog
from ..knowledge.service_lookup import ServiceCatalog
from ..knowledge.size_rules import load_size_rules
from ..knowledge.targets import Target
from ..model import Resource
from .capacity import CapacityRow, capacity
from .sizes import DataSize, store_size, transfer_hours, with_human_input


@dataclass(frozen=True)
class EgressLine:
    cloud: str
    gb: float
    amount: float | None  # None: past the last priced band
    currency: str
    as_of: str
    source: str
    verified: bool | str
    waiver: str | None
    waiver_source: str | None
    beyond_last_tier: str | None
    stores: int  # data stores counted
    free_gb: float


@dataclass(frozen=True)
class Gravity:
    data: tuple[DataSize, ...]
    transfer: Transfer
    capacity: tuple[CapacityRow, ...]
    egress: tuple[EgressLine, ...]
    unpriced_gb: float  # known volume on a cloud without a price book entry, or of an unknown cloud
    instance_types_as_of: str

    @property
    def volumes(self) -> tuple[DataSize, ...]:
        """The stores that hold a data volume and exist with the values in the code."""
        return tuple(d for d in self.data if d.volume and not d.conditional)

    @property
    def total_gb(self) -> float:
        return round(sum(d.size_gb for d in self.volumes if d.size_gb is not None), 3)

    @property
    def unknown(self) -> tuple[DataSize, ...]:
        return tuple(d for d in self.volumes if d.size_gb is None)

    @property
    def total_hours(self) -> float:
        return transfer_hours(self.total_gb, self.transfer)

    @property
    def window(self) -> DataSize | None:
        """The store whose copy takes longest: the shortest cut-over window an offline copy allows."""
        timed = [d for d in self.volumes if d.transfer_hours is not None]
        return max(timed, key=lambda d: (d.transfer_hours, d.resource), default=None)


def _condition(resource: Resource) -> str | None:
    condition = getattr(resource, "conditional", None)
    return f"{condition.expression} ({condition.file}:{condition.line})" if condition else None


def as_typed(resources, catalog: ServiceCatalog) -> list[Resource]:
    """Registry module calls the loader could not read, seen as the resource type the module catalog says
    they create (``terraform-aws-modules/rds/aws`` → ``aws_db_instance``), with their inputs renamed to that
    type's arguments where the catalog maps them; every other resource as it is."""
    typed = []
    for resource in resources:
        source = resource.attributes.get("source") if resource.type == MODULE_TYPE else None
        module = catalog.module_entry(source) if isinstance(source, str) else None
        if module is None or module.as_type is None:
            typed.append(resource)
            continue
        attributes = module.attributes(dict(module_inputs(resource.attributes)))
        attributes.setdefault("name", resource.attributes.get("name"))
        typed.append(replace(resource, type=module.as_type, attributes=attributes))
    return typed


def build_gravity(report: ScanReport, target: Target, written: Mapping[str, str] | None = None) -> Gravity:
    """``written``: the human-input regions of the existing EXIT-PLAN.md, where people put measured sizes."""
    rules, types = load_size_rules(), load_instance_types()
    config = report.config
    label = str(config.path) if config.path else ".exitplan.yaml"
    book = load_price_book(config.egress, label)
    resources = as_typed(report.resources, load_service_catalog(report.catalog_dirs))
    stores = [r for r in resources if r.stateful and not r.is_data_source]
    sizes = [
        replace(found, conditional=_condition(r))
        for r in sorted(stores, key=lambda r: r.id)
        if (found := store_size(r, rules, types))
    ]
    data = with_human_input(sizes, written or {}, config.transfer)

    by_id = {r.id: r for r in stores}
    clouds = sorted({r.cloud for r in report.resources if r.cloud in book.clouds})
    volume: dict[str, list[float]] = {}
    unpriced = 0.0
    for size in data:
        if not size.volume or size.size_gb is None or size.conditional:
            continue
        cloud = by_id[size.resource].cloud
        if cloud is None and len(clouds) == 1:  # in-cluster volumes live on the estate's one cloud
            cloud = clouds[0]
        if cloud in book.clouds:
            volume.setdefault(cloud, []).append(size.size_gb)
        else:
            unpriced += size.size_gb
    egress = []
    for cloud, amounts in sorted(volume.items()):
        prices = book.clouds[cloud]
        gb = round(sum(amounts), 3)
        egress.append(
            EgressLine(
                cloud,
                gb,
                prices.cost(gb),
                prices.currency,
                prices.as_of,
                prices.source,
                prices.verified,
                prices.waiver,
                prices.waiver_source,
                prices.beyond_last_tier,
                len(amounts),
                prices.free_gb,
            )
        )
    switched_off = {r.id for r in resources if _condition(r)}
    rows = tuple(
        replace(row, conditional=True) if row.resource in switched_off else row
        for row in capacity(resources, load_capacity_sources(), types, target.flavors)
    )
    return Gravity(data, config.transfer, rows, tuple(egress), round(unpriced, 3), types.as_of)
