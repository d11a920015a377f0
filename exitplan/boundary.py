"""The boundary of a scan: the folders whose files exitplan may read.

A repository is input, and input can be hostile: a symbolic link, a module source or a kustomize path
may point anywhere on the machine that runs the scan. The boundary is the git work tree that contains a
scanned path (the nearest folder upwards with a ``.git`` entry), or the scanned path itself when it is not
inside one, plus the folders the user names with ``--allow-outside``. Stdin has no folder on disk.

Everything is decided on real paths (links resolved), so a link inside the boundary that leads out of it
is outside, and one that leads elsewhere inside is followed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: The reason given for every path that is not read because it leaves the boundary.
OUTSIDE = "leads outside the repository"


@dataclass(frozen=True)
class Boundary:
    roots: tuple[Path, ...]  # real paths: the work trees (or scanned folders)
    allowed: tuple[Path, ...] = ()  # real paths named with --allow-outside

    def contains(self, path: Path | str) -> bool:
        """True when ``path``, with every link resolved, is inside one of the boundary's folders."""
        try:
            real = Path(os.path.realpath(path))
        except (OSError, ValueError):
            return False
        return any(real == folder or real.is_relative_to(folder) for folder in (*self.roots, *self.allowed))

    def reason(self, what: str) -> str:
        """One sentence for the report. Neither the target of a link nor the boundary's absolute path is
        named: the first may say where secrets are, the second would make committed output differ per
        checkout."""
        return f"{what} {OUTSIDE}; not read (name its folder with --allow-outside to read it)"


def work_tree_of(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` that has a ``.git`` entry (folder or file), or None."""
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def find_boundary(paths: Iterable[str], allow_outside: Iterable[Path | str] = ()) -> Boundary:
    """The boundary for scanning ``paths`` (``-`` for stdin adds nothing)."""
    roots: list[Path] = []
    for raw in paths:
        if raw == "-":
            continue
        real = Path(os.path.realpath(raw))
        folder = real if real.is_dir() else real.parent
        root = work_tree_of(folder) or folder
        if root not in roots:
            roots.append(root)
    allowed = tuple(dict.fromkeys(Path(os.path.realpath(p)) for p in allow_outside))
    return Boundary(tuple(sorted(roots)), allowed)
