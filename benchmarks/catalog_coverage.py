"""Print how much of each provider the service catalog covers, and how fast classification runs.

    python benchmarks/catalog_coverage.py                # catalog size per cloud and classification speed
    python benchmarks/catalog_coverage.py --real         # coverage of types sampled from public repositories
    python benchmarks/catalog_coverage.py --real FILE    # the same for another sample (same TSV layout)

``--real`` reads ``benchmarks/real-world-types.tsv`` (columns ``type``, ``blocks``, ``repositories``,
``kind``; ``#`` lines are comments) and classifies every sampled type exactly as ``exitplan.classify``
does, with empty attributes: a type whose catalog entry has attribute variants counts as classified when
its default entry gives a service kind. For aws, azure and gcp it prints the share of sampled blocks
(weighted) and of distinct types (unweighted) that get a service kind, then the types that do not.
Types classified by an attribute of a generic resource (``azapi_resource``'s ``type``) cannot be judged
from the type name alone; they are listed apart and left out of both shares.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from exitplan.classify import classify
from exitplan.knowledge.service_catalog import ServiceCatalog, load_service_catalog
from exitplan.model import Resource

SAMPLE = Path(__file__).resolve().parent / "real-world-types.tsv"
HYPERSCALERS = ("aws", "azure", "gcp")


@dataclass(frozen=True)
class Sampled:
    type: str
    blocks: int
    repositories: int
    kind: str  # "resource" | "data"


def read_sample(path: Path) -> list[Sampled]:
    """The rows of a sample file; comment lines and the header are skipped."""
    rows: list[Sampled] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if fields[0] == "type":
            continue
        if len(fields) != 4 or fields[3] not in ("resource", "data"):
            raise SystemExit(f"{path}:{number}: expected type, blocks, repositories, kind (resource|data)")
        rows.append(Sampled(fields[0], int(fields[1]), int(fields[2]), fields[3]))
    return rows


def classify_sample(rows: list[Sampled], catalog: ServiceCatalog) -> list[Resource]:
    """One record per sampled type, classified by ``exitplan.classify`` with no attributes."""
    records = [
        Resource(
            id=f".#{row.kind}.{row.type}",
            address=f"{'data.' if row.kind == 'data' else ''}{row.type}.sample",
            configuration=".",
            source="terraform",
            type=row.type,
            name="sample",
            file="sample.tf",
            line=1,
        )
        for row in rows
    ]
    return list(classify(records, catalog))


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    -  "


def report_real(path: Path) -> None:
    catalog = load_service_catalog()
    rows = read_sample(path)
    classified = classify_sample(rows, catalog)
    by_attribute = {name for indirect in catalog.indirect for name in indirect.resource_types}
    header = next(
        (line[2:] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# sampled")),
        path.name,
    )
    print(f"sample: {header}")
    for kind in ("resource", "data"):
        print(f"\n{kind} blocks")
        print(
            f"{'cloud':<8}{'blocks':>8}{'classified':>12}{'share':>9}{'types':>8}{'classified':>12}{'share':>9}"
        )
        missing: list[tuple[str, Sampled]] = []
        apart: list[Sampled] = []
        for cloud in HYPERSCALERS:
            blocks = hit_blocks = types = hit_types = 0
            for row, record in zip(rows, classified, strict=True):
                if row.kind != kind or record.cloud != cloud:
                    continue
                if row.type in by_attribute:
                    apart.append(row)
                    continue
                blocks += row.blocks
                types += 1
                if record.service_kind is not None:
                    hit_blocks += row.blocks
                    hit_types += 1
                else:
                    missing.append((cloud, row))
            print(
                f"{cloud:<8}{blocks:>8}{hit_blocks:>12}{_share(hit_blocks, blocks):>9}"
                f"{types:>8}{hit_types:>12}{_share(hit_types, types):>9}"
            )
        others = [
            row
            for row, record in zip(rows, classified, strict=True)
            if row.kind == kind and record.cloud not in HYPERSCALERS
        ]
        if others:
            names = ", ".join(sorted({row.type for row in others}))
            print(f"not a hyperscaler type ({sum(row.blocks for row in others)} blocks): {names}")
        for row in apart:
            print(
                f"classified by attribute, not by type name: {row.type} "
                f"({row.blocks} blocks in {row.repositories} repositories)"
            )
        if missing:
            print("unclassified:")
            for cloud, row in sorted(missing, key=lambda item: (item[0], -item[1].blocks, item[1].type)):
                print(
                    f"  {cloud:<6} {row.type:<58} {row.blocks:>4} blocks {row.repositories:>3} repositories"
                )


def report_catalog() -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--real",
        nargs="?",
        const=SAMPLE,
        type=Path,
        metavar="FILE",
        help="coverage of resource types sampled from public repositories (default: %(const)s)",
    )
    args = parser.parse_args()
    if args.real is not None:
        report_real(args.real)
    else:
        report_catalog()


if __name__ == "__main__":
    main()
