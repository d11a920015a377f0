"""The values a kustomization render passes between its steps: the kustomization file and what it produced.

Both ``kustomize`` (the render) and ``transforms`` (labels, images, generators) use them, so they live here
and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Location
from .manifests import Manifest
from .yaml_safe import Document


@dataclass
class Render:
    """What one kustomization produced, and which files it used in which role."""

    manifests: list[Manifest] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # rel → resource | patch | generator | kustomization
    notes: dict[str, list[str]] = field(default_factory=dict)  # rel → notes for that input's reason
    remote: list[tuple[str, str, int]] = field(default_factory=list)  # (url, kustomization file, line)
    included: set[str] = field(
        default_factory=set
    )  # folders of the kustomizations it builds on, at any depth

    def note(self, rel: str, text: str) -> None:
        notes = self.notes.setdefault(rel, [])
        if text not in notes:
            notes.append(text)


@dataclass(frozen=True)
class Kustomization:
    directory: str
    file: str
    document: Document

    @property
    def spec(self) -> dict[str, Any]:
        return self.document.value if isinstance(self.document.value, dict) else {}

    def line(self, *path: str | int) -> int:
        for end in range(len(path), 0, -1):
            line = self.document.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return self.document.line

    def location(self, *path: str | int) -> Location:
        return Location(self.file, self.line(*path))

    @property
    def is_component(self) -> bool:
        return self.spec.get("kind") == "Component"
