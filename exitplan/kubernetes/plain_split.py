"""Split a tree of plain-manifest folders into configurations where its objects conflict (SPEC §3).

A connected tree of plain-manifest folders is read as one configuration, unless two of its files define
the same object (kind, namespace and name). Then the tree is what several ``kubectl apply -f <folder>``
runs would apply, and no object may be dropped: going up from the deepest folders, a sub-folder whose
objects clash with its parent folder's own files or with a sibling sub-folder becomes a configuration of
its own, and so do files of one folder that define the same object. Whatever does not clash stays in the
tree's configuration, so a tree without clashes reads exactly as before.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Split:
    """Where each file of a tree is read, and why the files that left the tree's configuration left it."""

    configuration: dict[str, str]  # file → configuration path
    reasons: dict[str, str]  # split-off configuration → the clash that made it


@dataclass
class _Group:
    path: str
    files: list[str]
    objects: dict[str, str]  # address → the file that defines it


def split_tree(root: str, objects: Mapping[str, Sequence[str]]) -> Split:
    """``objects``: each file of the tree below ``root`` with the addresses it defines, in file order."""
    by_dir: dict[str, list[str]] = defaultdict(list)
    children: dict[str, set[str]] = defaultdict(set)
    for rel in sorted(objects):
        directory = posixpath.dirname(rel) or "."
        by_dir[directory].append(rel)
        while directory != root:
            parent = posixpath.dirname(directory) or "."
            children[parent].add(directory)
            directory = parent
    final: list[tuple[_Group, str]] = []
    remaining = _group(root, by_dir, children, objects, final)
    configuration = {rel: remaining.path for rel in remaining.files}
    reasons: dict[str, str] = {}
    for group, reason in final:
        path = group.path
        if len(group.files) > 1 or group.path not in objects:  # a folder: the deepest one holding its files
            path = posixpath.commonpath([posixpath.dirname(rel) or "." for rel in group.files])
            if path in reasons or path == remaining.path:
                path = group.path
        reasons[path] = reason
        for rel in group.files:
            configuration[rel] = path
    return Split(configuration, reasons)


def _group(directory, by_dir, children, objects, final) -> _Group:
    own_files = by_dir.get(directory, [])
    definers: dict[str, list[str]] = defaultdict(list)
    for rel in own_files:
        for address in dict.fromkeys(objects[rel]):
            definers[address].append(rel)
    clashing = {rel for files in definers.values() if len(files) > 1 for rel in files}
    own = _Group(directory, [], {})
    for rel in own_files:
        if rel in clashing:
            other = next(f for a in objects[rel] if len(definers[a]) > 1 for f in definers[a] if f != rel)
            address = next(a for a in objects[rel] if other in definers[a])
            group = _Group(rel, [rel], {a: rel for a in objects[rel]})
            final.append((group, f"{address} is also defined in {other}"))
            continue
        own.files.append(rel)
        for address in objects[rel]:
            own.objects.setdefault(address, rel)
    parts = [_group(child, by_dir, children, objects, final) for child in sorted(children.get(directory, ()))]
    holders: dict[str, list[_Group]] = defaultdict(list)
    for part in [own, *parts]:
        for address in part.objects:
            holders[address].append(part)
    for part in parts:
        clash = next((a for a in part.objects if len(holders[a]) > 1), None)
        if clash is not None:
            other = next(p for p in holders[clash] if p is not part)
            final.append((part, f"{clash} is also defined in {other.objects[clash]}"))
            continue
        own.files.extend(part.files)
        own.objects.update(part.objects)
    return own


def folders_of(rels: Iterable[str]) -> set[str]:
    """Every folder that holds one of ``rels``, at any depth."""
    found: set[str] = set()
    for rel in rels:
        slash = rel.find("/")
        while slash != -1:
            found.add(rel[:slash])
            slash = rel.find("/", slash + 1)
    return found


def plain_folder(rel: str, special: set[str]) -> str | None:
    """The highest folder above ``rel`` whose way down to it passes no kustomization or chart folder."""
    directory = posixpath.dirname(rel) or "."
    if directory in special:
        return None
    folder = directory
    while folder != ".":
        parent = posixpath.dirname(folder) or "."
        if parent in special:
            break
        folder = parent
    return folder
