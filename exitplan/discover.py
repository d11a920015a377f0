"""Find the input files below the scanned paths and say what format each one claims to be.

Discovery only looks at names and the file system; reading and parsing is the loaders' job. Problems
that belong to the file system (dangling links, loops, oversized files) become input records here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    if lower.endswith(".json"):
        return "json"
    return None


def common_root(paths: list[Path]) -> Path:
    resolved = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    return Path(os.path.commonpath([str(p) for p in resolved]))


def discover(paths: list[str], stdin_text: str | None = None) -> Discovery:
    """Walk ``paths`` (directories or files; ``-`` is stdin) in a stable order."""
    files: list[SourceFile] = []
    inputs: list[InputFile] = []
    real_paths = [Path(p) for p in paths if p != STDIN]
    root = common_root(real_paths) if real_paths else Path.cwd().resolve()
    if STDIN in paths:
        files.append(SourceFile(Path(STDIN), STDIN, "yaml", stdin_text or ""))
    seen: set[str] = set()
    for path in real_paths:
        if path.is_dir():
            _walk(path.resolve(), root, files, inputs, seen)
        else:
            _add_file(path.absolute(), root, files, inputs, seen, explicit=True)
    files.sort(key=lambda f: f.rel)
    inputs.sort()
    return Discovery(root, tuple(files), tuple(inputs))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _walk(top: Path, root: Path, files: list, inputs: list, seen: set[str]) -> None:
    visited_dirs: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in visited_dirs:
            inputs.append(
                InputFile(_relative(Path(dirpath), root), "directory", "skipped", "symbolic link loop")
            )
            dirnames[:] = []
            continue
        visited_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRECTORIES)
        for name in sorted(filenames):
            _add_file(Path(dirpath) / name, root, files, inputs, seen, explicit=False)


def _add_file(path: Path, root: Path, files: list, inputs: list, seen: set[str], explicit: bool) -> None:
    fmt = file_format(path.name)
    rel = _relative(path, root)
    if fmt is None:
        if explicit:
            inputs.append(InputFile(rel, "unknown", "skipped", "not a Terraform, YAML or JSON file"))
        return
    if rel in seen:
        return
    seen.add(rel)
    if path.is_symlink() and not path.exists():
        inputs.append(InputFile(rel, fmt, "error", "dangling symbolic link"))
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        inputs.append(InputFile(rel, fmt, "error", f"cannot read: {exc.strerror or exc}"))
        return
    if size > MAX_FILE_BYTES:
        inputs.append(
            InputFile(
                rel, fmt, "skipped", f"file is {size} bytes; larger than the {MAX_FILE_BYTES}-byte limit"
            )
        )
        return
    files.append(SourceFile(path, rel, fmt))


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
