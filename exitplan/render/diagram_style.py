"""How diagrams look: lock-in classes and colours, the supporting objects folded into their workload's node,
and the size budget — read from ``templates/diagram-style.yaml`` and validated on load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..errors import CatalogError
from ..knowledge.data_path import data_path
from ..knowledge.datafile import load_data_file, require

_NAME = re.compile(r"[a-z][a-z0-9]*")  # printed into Mermaid's classDef and dot's attributes as is
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class LockinClass:
    name: str
    title: str
    legend: str
    min_weight: int
    fill: str
    stroke: str


@dataclass(frozen=True)
class DiagramStyle:
    classes: tuple[LockinClass, ...]  # heaviest first
    plumbing: dict[str, tuple[str, str]]  # Kubernetes kind → (singular, plural)
    reference_kinds: frozenset[str]
    max_nodes: int
    max_edges: int

    def lockin(self, weight: int) -> LockinClass:
        """The class of a node whose heaviest active finding weighs ``weight``."""
        return next((c for c in self.classes if weight >= c.min_weight), self.classes[-1])


@cache
def diagram_style() -> DiagramStyle:
    path = data_path("templates") / "diagram-style.yaml"
    data = load_data_file(path)
    where = f"{path}:"
    classes = []
    for index, entry in enumerate(require(data, "lockin_classes", list, where)):
        at = f"{path}: lockin_classes[{index}]"
        if not isinstance(entry, dict):
            raise CatalogError(f"{at}: expected a mapping")
        texts = [require(entry, key, str, at) for key in ("name", "title", "legend")]
        weight = require(entry, "min_weight", int, at)
        colours = [require(entry, key, str, at) for key in ("fill", "stroke")]
        if not _NAME.fullmatch(texts[0]):
            raise CatalogError(f"{at}.name: expected a lower-case word, found {texts[0]!r}")
        for key, colour in zip(("fill", "stroke"), colours, strict=True):
            if not _COLOUR.fullmatch(colour):
                raise CatalogError(f"{at}.{key}: expected a colour like #a1b2c3, found {colour!r}")
        classes.append(LockinClass(*texts, weight, *colours))
    if not classes or [c.min_weight for c in classes] != sorted(
        (c.min_weight for c in classes), reverse=True
    ):
        raise CatalogError(f"{path}: lockin_classes: expected at least one, heaviest min_weight first")
    plumbing = {}
    for kind, nouns in require(data, "plumbing", dict, where).items():
        if not (isinstance(nouns, list) and len(nouns) == 2 and all(isinstance(n, str) for n in nouns)):
            raise CatalogError(f"{path}: plumbing.{kind}: expected [singular, plural]")
        plumbing[str(kind)] = (nouns[0], nouns[1])
    references = require(data, "reference_kinds", list, where)
    return DiagramStyle(
        tuple(classes),
        plumbing,
        frozenset(str(k) for k in references),
        require(data, "max_nodes", int, where),
        require(data, "max_edges", int, where),
    )
