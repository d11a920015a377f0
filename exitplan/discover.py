"""Find the input files below the scanned paths and say what format each one claims to be.

Discovery only looks at names and the file system; reading and parsing is the loaders' job. Problems
that belong to the file system (dangling links, loops, oversized files) become input records here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .boundary import Boundary, find_boundary
from .model import InputFile

#: Larger files are skipped unread: no real manifest or module comes near this.
MAX_FILE_BYTES = 8 * 1024 * 1024

#: Directories that never hold the user's own infrastructure code. `.terraform` is read by the
#: Terraform loader through its `modules.json`, not by walking it.
IGNORED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".terraform", ".terragrunt-cache", "__pycache__", ".venv", "venv"}
)

STDIN = "-"


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute; for stdin, Path("-")
    rel: str  # POSIX path relative to the scanned root; "-" for stdin
    format: str  # terraform | terraform-json | tfvars | yaml | json
    text: str | None = None  # set only for stdin, which cannot be read twice


@dataclass(frozen=True)
class Discovery:
    root: Path
    files: tuple[SourceFile, ...]
    inputs: tuple[InputFile, ...]  # problems met while walking
    boundary: Boundary = Boundary(())  # the folders a loader may read (see boundary.py)

    def of_format(self, *formats: str) -> list[SourceFile]:
        return [f for f in self.files if f.format in formats]


class InputProblem(Exception):
    """A file that cannot be read; becomes an input record with ``reason`` and ``line``."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def file_format(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith((".tf.json", ".tofu.json")):
        return "terraform-json"
    if lower.endswith((".tfvars", ".tfvars.json")):
        return "tfvars"
    if lower.endswith((".tf", ".tofu")):
        return "terraform"
    if lower == "terragrunt.hcl":
        return "terragrunt"
    if lower == "terragrunt.stack.hcl":
        return "terragrunt-stack"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    if lower.endswith(".json"):
        return "json"
    return None


def common_root(paths: list[Path]) -> Path:
    resolved = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    return Path(os.path.commonpath([str(p) for p in resolved]))


def discover(
    paths: list[str], stdin_text: str | None = None, allow_outside: tuple[Path, ...] = ()
) -> Discovery:
    """Walk ``paths`` (directories or files; ``-`` is stdin) in a stable order, never leaving the
    boundary (the git work tree around each path, and ``allow_outside``)."""
    files: list[SourceFile] = []
    inputs: list[InputFile] = []
    real_paths = [Path(p) for p in paths if p != STDIN]
    root = common_root(real_paths) if real_paths else Path.cwd().resolve()
    boundary = find_boundary(paths, allow_outside)
    if STDIN in paths:
        files.append(SourceFile(Path(STDIN), STDIN, "yaml", stdin_text or ""))
    walk = _Walk(root, boundary, files, inputs, set())
    for path in real_paths:
        if path.is_dir():
            walk.tree(path.resolve())
        else:
            walk.add(path.absolute(), explicit=True)
    files.sort(key=lambda f: f.rel)
    inputs.sort()
    return Discovery(root, tuple(files), tuple(inputs), boundary)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass
class _Walk:
    root: Path
    boundary: Boundary
    files: list[SourceFile]
    inputs: list[InputFile]
    seen: set[str]

    def tree(self, top: Path) -> None:
        visited_dirs: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
            rel = _relative(Path(dirpath), self.root)
            prefix = "" if rel == "." else f"{rel}/"
            real = os.path.realpath(dirpath)
            if not self.boundary.contains(real):
                self.inputs.append(
                    InputFile(
                        rel, "directory", "skipped", self.boundary.reason("symbolic link to a folder that")
                    )
                )
                dirnames[:] = []
                continue
            if real in visited_dirs:
                self.inputs.append(InputFile(rel, "directory", "skipped", "symbolic link loop"))
                dirnames[:] = []
                continue
            visited_dirs.add(real)
            dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRECTORIES)
            for name in sorted(filenames):
                if file_format(name) is not None:
                    self.add(Path(dirpath) / name, False, prefix + name)

    def add(self, path: Path, explicit: bool, rel: str | None = None) -> None:
        """``rel`` is given for a file of a walked folder, whose real path is known to be inside."""
        fmt = file_format(path.name)
        walked = rel is not None
        rel = _relative(path, self.root) if rel is None else rel
        if fmt is None:
            if explicit:
                self.inputs.append(InputFile(rel, "unknown", "skipped", "not a Terraform, YAML or JSON file"))
            return
        if rel in self.seen:
            return
        self.seen.add(rel)
        link = path.is_symlink()
        if link and not path.exists():
            self.inputs.append(InputFile(rel, fmt, "error", "dangling symbolic link"))
            return
        if (link or not walked) and not self.boundary.contains(path):  # a file's real path is its folder's
            self.inputs.append(InputFile(rel, fmt, "skipped", self.boundary.reason("symbolic link that")))
            return
        try:
            size = path.stat().st_size
        except OSError as exc:
            self.inputs.append(InputFile(rel, fmt, "error", f"cannot read: {exc.strerror or exc}"))
            return
        if size > MAX_FILE_BYTES:
            reason = f"file is {size} bytes; larger than the {MAX_FILE_BYTES}-byte limit"
            self.inputs.append(InputFile(rel, fmt, "skipped", reason))
            return
        self.files.append(SourceFile(path, rel, fmt))


def read_text(source: SourceFile) -> str:
    """The file's text, or ``InputProblem`` for binary, non-UTF-8 or unreadable files."""
    if source.text is not None:
        return source.text
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise InputProblem(f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in data[:8192]:
        raise InputProblem("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputProblem(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line) from None
    return text.removeprefix("\ufeff")
