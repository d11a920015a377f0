"""The egress price book: each source cloud's internet-egress price tiers per GB, with ``as_of`` and source.

The data is ``providers/catalog/egress-prices.yaml``; ``.exitplan.yaml`` may replace any key of a cloud's
entry (``egress: {aws: {tiers: [...]}}``), and the result is validated the same way. Tiers are marginal
bands over the cumulative volume: the GB at position x is charged at the band that contains x, the first
``free_gb`` are free, and a volume past the last bounded band has no list price.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import CatalogError
from .catalog_document import format_path, kind_of
from .data_path import data_path
from .datafile import read_yaml

_CLOUD_KEYS = frozenset(
    {
        "as_of",
        "source",
        "currency",
        "free_gb",
        "tiers",
        "verified",
        "corroborated_by",
        "region_note",
        "tier_note",
        "tier_source",
        "beyond_last_tier",
        "other_tiers",
        "free_note",
        "switching_waiver",
        "parallel_use_at_cost",
    }
)
_VERIFIED = (True, False, "partial")


@dataclass(frozen=True)
class Tier:
    up_to_gb: float | None  # None: no upper bound
    per_gb: float


@dataclass(frozen=True)
class CloudPrices:
    cloud: str
    as_of: str
    source: str
    currency: str
    free_gb: float
    tiers: tuple[Tier, ...]
    verified: bool | str
    beyond_last_tier: str | None = None
    waiver: str | None = None  # the provider's own exit waiver, summarised
    waiver_source: str | None = None

    def cost(self, gb: float) -> float | None:
        """The list price of moving ``gb`` out in one month; None past the last bounded band."""
        amount, low = 0.0, 0.0
        for tier in self.tiers:
            high = gb if tier.up_to_gb is None else min(gb, tier.up_to_gb)
            start = max(low, self.free_gb)
            if high > start:
                amount += (high - start) * tier.per_gb
            if tier.up_to_gb is None or gb <= tier.up_to_gb:
                return round(amount, 2)
            low = tier.up_to_gb
        return None


@dataclass(frozen=True)
class PriceBook:
    as_of: str
    clouds: Mapping[str, CloudPrices]


def _fail(label: str, path: tuple, problem: str) -> CatalogError:
    return CatalogError(f"{label}: {format_path(path)}: {problem}")


def _text(label: str, value: Any, path: tuple) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        raise _fail(label, path, f"must be a non-empty string, found {kind_of(value)}")
    return value


def _number(label: str, value: Any, path: tuple) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise _fail(label, path, f"must be a number ≥ 0, found {kind_of(value)}")
    return value


def tiers_of(label: str, value: Any, path: tuple) -> tuple[Tier, ...]:
    """Validated tiers: a non-empty list of {up_to_gb, per_gb}, bounds rising, only the last unbounded."""
    if not isinstance(value, list) or not value:
        raise _fail(label, path, f"must be a non-empty list of {{up_to_gb, per_gb}}, found {kind_of(value)}")
    tiers: list[Tier] = []
    for index, entry in enumerate(value):
        where = (*path, index)
        if not isinstance(entry, Mapping):
            raise _fail(label, where, f"must be a mapping with up_to_gb and per_gb, found {kind_of(entry)}")
        unknown = sorted(set(entry) - {"up_to_gb", "per_gb", "note"})
        if unknown:
            raise _fail(label, (*where, unknown[0]), "unknown key (expected up_to_gb, per_gb, note)")
        if "per_gb" not in entry:
            raise _fail(label, (*where, "per_gb"), "missing")
        if "up_to_gb" not in entry:
            raise _fail(label, (*where, "up_to_gb"), "missing (null for the last, unbounded band)")
        per_gb = _number(label, entry["per_gb"], (*where, "per_gb"))
        bound = entry["up_to_gb"]
        if bound is not None:
            bound = _number(label, bound, (*where, "up_to_gb"))
            if tiers and (tiers[-1].up_to_gb is None or bound <= tiers[-1].up_to_gb):
                raise _fail(label, (*where, "up_to_gb"), "must be above the previous band's up_to_gb")
        elif index != len(value) - 1:
            raise _fail(label, (*where, "up_to_gb"), "only the last band may be unbounded (null)")
        tiers.append(Tier(bound, per_gb))
    return tuple(tiers)


def cloud_prices(label: str, cloud: str, entry: Any, path: tuple) -> CloudPrices:
    if not isinstance(entry, Mapping):
        raise _fail(label, path, f"must be a mapping, found {kind_of(entry)}")
    for key in entry:
        if key not in _CLOUD_KEYS:
            raise _fail(
                label, (*path, key), f"unknown key (expected one of {', '.join(sorted(_CLOUD_KEYS))})"
            )
    for key in ("as_of", "source", "currency", "tiers"):
        if key not in entry:
            raise _fail(label, (*path, key), "missing")
    verified = entry.get("verified", False)
    if verified not in _VERIFIED:
        raise _fail(label, (*path, "verified"), f"must be true, false or partial, found {kind_of(verified)}")
    for key, value in (entry.get("other_tiers") or {}).items():
        tiers_of(
            label,
            value.get("tiers") if isinstance(value, Mapping) else None,
            (*path, "other_tiers", key, "tiers"),
        )
    waiver = entry.get("switching_waiver")
    if waiver is not None and not isinstance(waiver, Mapping):
        raise _fail(label, (*path, "switching_waiver"), f"must be a mapping, found {kind_of(waiver)}")
    beyond = entry.get("beyond_last_tier")
    return CloudPrices(
        cloud=cloud,
        as_of=_text(label, entry["as_of"], (*path, "as_of")),
        source=_text(label, entry["source"], (*path, "source")),
        currency=_text(label, entry["currency"], (*path, "currency")),
        free_gb=_number(label, entry.get("free_gb", 0), (*path, "free_gb")),
        tiers=tiers_of(label, entry["tiers"], (*path, "tiers")),
        verified=verified,
        beyond_last_tier=_text(label, beyond, (*path, "beyond_last_tier")) if beyond is not None else None,
        waiver=" ".join(_text(label, waiver.get("summary"), (*path, "switching_waiver", "summary")).split())
        if waiver
        else None,
        waiver_source=_text(label, waiver.get("source"), (*path, "switching_waiver", "source"))
        if waiver
        else None,
    )


@cache
def _builtin(path: Path) -> tuple[str, dict[str, Any]]:
    label = "providers/catalog/egress-prices.yaml"
    data = read_yaml(path, label)
    if not isinstance(data, Mapping):
        raise CatalogError(f"{label}: expected a mapping at the top level")
    if data.get("schema_version") != 1:
        raise _fail(label, ("schema_version",), f"must be 1, found {data.get('schema_version')!r}")
    clouds = data.get("clouds")
    if not isinstance(clouds, Mapping) or not clouds:
        raise _fail(label, ("clouds",), f"must be a mapping of cloud to prices, found {kind_of(clouds)}")
    return _text(label, data.get("as_of"), ("as_of",)), dict(clouds)


def load_price_book(
    overrides: Mapping[str, Mapping[str, Any]] | None = None, override_label: str = ""
) -> PriceBook:
    """The built-in price book with ``overrides`` (from ``.exitplan.yaml``'s ``egress``) merged per cloud.

    A problem in an override names ``override_label`` and the key path below ``egress``."""
    path = data_path("providers") / "catalog" / "egress-prices.yaml"
    as_of, clouds = _builtin(path)
    label = "providers/catalog/egress-prices.yaml"
    result = {
        cloud: cloud_prices(label, cloud, entry, ("clouds", cloud)) for cloud, entry in sorted(clouds.items())
    }
    for cloud, override in sorted((overrides or {}).items()):
        where = ("egress", cloud)
        if not isinstance(override, Mapping):
            raise _fail(
                override_label, where, f"must be a mapping of price-book keys, found {kind_of(override)}"
            )
        merged = {**clouds.get(cloud, {}), **override}
        result[cloud] = cloud_prices(override_label, cloud, merged, where)
    return PriceBook(as_of, result)
