"""A cache of whole scans: an unchanged estate is not parsed again.

The key is a digest of everything a scan reads — every input file's bytes, the config, the user's
catalogs, the built-in data, exitplan's own version and the scan's options (among them a digest of the
Terraform variable values given by ``--var``, ``--var-file`` and ``TF_VAR_``) — so any change anywhere
means a fresh scan.
The cache lives in the user's cache folder (``$EXITPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/exitplan``,
else ``~/.cache/exitplan``); it holds only what a report holds, which never includes a secret value.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from pathlib import Path

from . import __version__
from .knowledge.data_path import data_path

#: Entries beyond this many are removed, oldest first.
MAX_ENTRIES = 16


def cache_dir() -> Path:
    explicit = os.environ.get("EXITPLAN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exitplan"


def _digest_files(digest, paths: Iterable[Path], root: Path) -> None:
    for path in sorted(paths):
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0unreadable"
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(hashlib.sha256(data).digest())


def _digest_tree(digest, root: Path, inputs: set[Path]) -> None:
    """Names, sizes and modification times of every other file below ``root`` that a loader may read
    besides the inputs: downloaded modules in `.terraform`, kustomize generator files, chart values."""
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in (".git", ".hg", ".svn", "node_modules", ".venv"))
        for name in sorted(filenames):
            path = Path(folder) / name
            if path in inputs:
                continue
            try:
                status = path.stat()
            except OSError:
                continue
            digest.update(f"{path.relative_to(root)}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())


def scan_key(files: Iterable[Path], root: Path, extra: Iterable[Path], options: str) -> str:
    digest = hashlib.sha256(f"exitplan {__version__}\n{options}\n".encode())
    files = list(files)
    _digest_files(digest, files, root)
    _digest_tree(digest, root, set(files))
    # exitplan's own code too: a development install keeps its version while the report's shape changes.
    code = Path(__file__).resolve().parent
    _digest_files(digest, sorted(code.rglob("*.py")), code)
    for folder in [data_path("providers"), *extra]:
        folder = Path(folder)
        if folder.is_dir():
            _digest_files(digest, [p for p in folder.rglob("*") if p.is_file()], folder)
        elif folder.is_file():
            _digest_files(digest, [folder], folder.parent)
    return digest.hexdigest()


def watched_digest(folders: Iterable[str]) -> str:
    """Names, sizes and modification times of the files directly in each folder read outside the root."""
    digest = hashlib.sha256()
    for folder in sorted(folders):
        digest.update(f"{folder}\n".encode())
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            digest.update(b"\0missing\n")
            continue
        for entry in entries:
            try:
                status = entry.stat()
            except OSError:
                continue
            digest.update(f"{entry.name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def load(key: str):
    """The cached report for ``key``, unless a folder it read outside the scanned root changed since."""
    try:
        path = cache_dir() / f"{key}.pickle"
        with path.open("rb") as handle:
            entry = pickle.load(handle)  # noqa: S301 - our own file, keyed by the digest of its inputs
    except (OSError, RuntimeError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None  # RuntimeError: no home folder to hold a cache
    if not isinstance(entry, tuple) or len(entry) != 2:
        return None
    report, watched = entry
    if watched != watched_digest(getattr(report, "watched", ())):
        return None
    return report


def store(key: str, report) -> None:
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{key}.{os.getpid()}.tmp"
        with temporary.open("wb") as handle:
            entry = (report, watched_digest(getattr(report, "watched", ())))
            pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / f"{key}.pickle")
        entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-MAX_ENTRIES]:
            old.unlink(missing_ok=True)
    except (OSError, RuntimeError):
        return  # a cache that cannot be written (or has no home folder) is no cache, not an error
