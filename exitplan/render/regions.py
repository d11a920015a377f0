"""Human-input regions: text people write inside a generated document, kept across regenerations.

A region is a start marker line, the human text, and an end marker line::

    <!-- exitplan:human workload/orders-api/rto -->
    _Recovery time objective: to be agreed with the service owner._
    <!-- exitplan:end workload/orders-api/rto -->

Its text is everything between the two marker lines (``""`` or lines ending in ``\\n``). Line endings are
normalised to ``\\n``. Text whose region disappears from the generated document is kept, in its original
markers, under a final "Orphaned notes" section until its id comes back or a person deletes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exitplan.errors import ExitplanError

REGION_ID = r"[a-z0-9][a-z0-9._/-]*"
ORPHANS_HEADING = "## Orphaned notes"
ORPHANS_INTRO = (
    "The notes below were written in sections that this plan no longer has. "
    "Move what still matters into place, then delete them."
)

_MARKER = re.compile(rf"<!--\s*exitplan:(?P<kind>human|end)\s+(?P<id>{REGION_ID})\s*-->")
_MARKER_LIKE = re.compile(r"<!--\s*exitplan:")


class RegionError(ExitplanError):
    """Markers that cannot be paired safely; the document must not be overwritten."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class _Region:
    id: str
    start: int  # index of the start-marker line
    end: int  # index of the end-marker line


def start_marker(region_id: str) -> str:
    return f"<!-- exitplan:human {region_id} -->"


def end_marker(region_id: str) -> str:
    return f"<!-- exitplan:end {region_id} -->"


def _lines(text: str) -> list[str]:
    """Split on ``\\n`` only (``str.splitlines`` would also split on characters inside human text)."""
    return text.replace("\r\n", "\n").split("\n")


def _marker(line: str, number: int) -> re.Match[str] | None:
    stripped = line.strip(" \t\r")
    match = _MARKER.fullmatch(stripped)
    if match is None and _MARKER_LIKE.match(stripped):
        raise RegionError(number, f"malformed exitplan marker {stripped[:80]!r}")
    return match


def _scan(lines: list[str]) -> list[_Region]:
    regions: list[_Region] = []
    seen: dict[str, int] = {}
    open_id: str | None = None
    open_at = 0
    for index, line in enumerate(lines):
        match = _marker(line, index + 1)
        if match is None:
            continue
        kind, region_id = match["kind"], match["id"]
        if kind == "human":
            if open_id is not None:
                raise RegionError(
                    index + 1, f"region {region_id!r} starts inside region {open_id!r} (line {open_at + 1})"
                )
            if region_id in seen:
                raise RegionError(
                    index + 1, f"region {region_id!r} appears twice (first on line {seen[region_id]})"
                )
            seen[region_id] = index + 1
            open_id, open_at = region_id, index
        elif open_id is None:
            raise RegionError(index + 1, f"end marker for {region_id!r} without a start marker")
        elif region_id != open_id:
            raise RegionError(
                index + 1, f"end marker for {region_id!r} inside region {open_id!r} (line {open_at + 1})"
            )
        else:
            regions.append(_Region(region_id, open_at, index))
            open_id = None
    if open_id is not None:
        raise RegionError(open_at + 1, f"region {open_id!r} has no end marker")
    return regions


def _body(lines: list[str], region: _Region) -> str:
    return "".join(line + "\n" for line in lines[region.start + 1 : region.end])


def extract(text: str) -> dict[str, str]:
    """Region id → the exact text between its markers, in document order."""
    lines = _lines(text)
    return {region.id: _body(lines, region) for region in _scan(lines)}


def region(region_id: str, body: str) -> str:
    """A complete region as text, ending with a newline."""
    if body and not body.endswith("\n"):
        body += "\n"
    return f"{start_marker(region_id)}\n{body}{end_marker(region_id)}\n"


def _orphan_section(orphans: dict[str, str]) -> str:
    parts = [f"{ORPHANS_HEADING}\n\n{ORPHANS_INTRO}\n"]
    for region_id in sorted(orphans):
        parts.append(f"\nThe section for `{region_id}` no longer exists.\n\n")
        parts.append(region(region_id, orphans[region_id]))
    return "".join(parts)


def merge(generated: str, existing: str | None) -> str:
    """The generated document with the human text of ``existing`` put back, orphans appended."""
    lines = _lines(generated)
    regions = _scan(lines)
    kept = extract(existing) if existing is not None else {}
    out: list[str] = []
    position = 0
    for current in regions:
        out.append("".join(line + "\n" for line in lines[position : current.start + 1]))
        out.append(kept.get(current.id, _body(lines, current)))
        position = current.end
    out.append("\n".join(lines[position:]))
    document = "".join(out)

    generated_ids = {current.id for current in regions}
    orphans = {rid: body for rid, body in kept.items() if rid not in generated_ids and body.strip()}
    if not orphans:
        return document
    return document.rstrip("\n") + "\n\n" + _orphan_section(orphans)
