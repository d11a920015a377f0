"""A git revision of the repository holding a path, written into a temporary folder for `diff --base-ref`.

Only git's plumbing reads the repository (`rev-parse`, `ls-tree`, `cat-file --batch`): blobs are written
as stored, so no checkout runs — no hooks, no smudge or LFS filters, nothing from the tree is executed.
Symbolic links are written as links (discovery treats them as it does in a work tree); submodules are
left out; an empty `.git` folder at the top makes the scan's boundary the repository, as in the work tree. The caller removes the folder (`extracted` is a context manager that does).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}


@dataclass(frozen=True)
class Revision:
    commit: str  # the full commit id REF names
    folder: Path  # the revision's counterpart of PATH inside the temporary tree


def _git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            input=input,
            capture_output=True,
            env={**os.environ, **_ENV},
            check=False,
        )
    except FileNotFoundError:
        raise UsageError("--base-ref needs git on the PATH") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {args[0]}: {message[-1] if message else 'failed'}")
    return done.stdout


def _top_and_prefix(path: Path) -> tuple[Path, str]:
    folder = path if path.is_dir() else path.parent
    if not folder.is_dir():
        raise UsageError(f"{path}: no such folder")
    try:
        top = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
    except UsageError:
        raise UsageError(f"{path}: --base-ref needs PATH inside a git work tree") from None
    prefix = folder.resolve().relative_to(top.resolve()).as_posix()
    return top, "" if prefix == "." else prefix


@contextlib.contextmanager
def extracted(path: Path, ref: str) -> Iterator[Revision]:
    """REF of the repository holding ``path``, written to a temporary folder removed on exit."""
    top, prefix = _top_and_prefix(path)
    if ref.startswith("-"):
        raise UsageError(f"--base-ref {ref!r}: not a revision")
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    except UsageError:
        raise UsageError(f"--base-ref {ref!r}: no such revision in {top}") from None
    commit_id = commit.decode().strip()
    temp = Path(tempfile.mkdtemp(prefix="exitplan-base-"))
    try:
        tree = temp / "tree"
        _write_tree(top, commit_id, tree)
        # an empty `.git` marks the tree as the work tree it was, so the scan's boundary (and the paths
        # SARIF shows) are the repository's, as on the working-tree side; no git command ever runs there
        (tree / ".git").mkdir(exist_ok=True)
        folder = tree / prefix if prefix else tree
        folder.mkdir(parents=True, exist_ok=True)  # PATH may not exist at REF: an empty estate
        yield Revision(commit_id, folder)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _write_tree(top: Path, commit: str, into: Path) -> None:
    listing = _git(top, "ls-tree", "-r", "-z", "--full-tree", commit)
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha = meta.split(b" ")
        if kind != b"blob":
            continue  # submodules (commit entries) are not part of this repository's code
        entries.append((mode, sha.decode(), os.fsdecode(name)))
    if not entries:
        into.mkdir(parents=True)
        return
    batch = _git(top, "cat-file", "--batch", input=b"".join(sha.encode() + b"\n" for _, sha, _ in entries))
    offset = 0
    for mode, _sha, name in entries:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split(b" ")[2])
        content = batch[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1  # the blob, then a newline
        target = into / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == b"120000":
            os.symlink(os.fsdecode(content), target)
        else:
            target.write_bytes(content)
