"""Print how much of each provider the service catalog covers, and how fast classification runs.

python benchmarks/catalog_coverage.py
"""

from __future__ import annotations

import time

from exitplan.classify import classify
from exitplan.model import Resource
from exitplan.service_catalog import load_service_catalog


def main() -> None:
    started = time.perf_counter()
    catalog = load_service_catalog()
    loaded = time.perf_counter() - started
    families: dict[str, int] = {}
    for family in catalog.families:
        cloud = catalog.cloud_of(family.pattern.replace("*", "x")) or "none"
        families[cloud] = families.get(cloud, 0) + 1
    print(f"catalog loaded in {loaded * 1000:.0f} ms")
    print(f"{'cloud':<22}{'exact':>7}{'families':>10}")
    for cloud, count in catalog.exact_type_counts().items():
        print(f"{cloud:<22}{count:>7}{families.get(cloud, 0):>10}")
    for indirect in catalog.indirect:
        names = ", ".join(sorted(indirect.resource_types))
        print(
            f"by attribute {indirect.attribute!r} of {names}: "
            f"{len(indirect.types)} exact, {len(indirect.families)} families"
        )
    print(f"registry modules: {len(catalog.modules)}")

    types = sorted(catalog.types)
    resources = [
        Resource(
            f".#{t}.r{i}",
            f"{t}.r{i}",
            ".",
            "terraform",
            t,
            f"r{i}",
            "main.tf",
            1,
            attributes={"engine": "postgres"},
        )
        for i in range(20_000 // len(types) + 1)
        for t in types
    ][:20_000]
    started = time.perf_counter()
    classify(resources, catalog)
    elapsed = time.perf_counter() - started
    print(
        f"classified {len(resources)} resources in {elapsed * 1000:.0f} ms "
        f"({len(resources) / elapsed:,.0f}/s)"
    )


if __name__ == "__main__":
    main()
