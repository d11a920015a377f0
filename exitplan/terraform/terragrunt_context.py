"""What Terragrunt's functions mean while a file is evaluated for one unit (``terragrunt.py``).

Terragrunt evaluates an included file's functions as the unit's: ``find_in_parent_folders`` searches above
the unit, ``get_terragrunt_dir`` is the unit's folder. Paths are those of the scanned folder seen as ``/``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..model import Unknown
from .scope import Scope

UNIT_FILE = "terragrunt.hcl"
#: The input format of every Terragrunt file read (units, stacks, what they include or read).
FORMAT = "terragrunt"
#: Functions whose value needs the machine, the cloud or a command: never called.
NOT_STATIC = (
    "run_cmd",
    "get_aws_account_id",
    "get_aws_caller_identity_arn",
    "get_aws_caller_identity_user_id",
    "sops_decrypt_file",
    "get_terraform_command",
    "get_terraform_cli_args",
    "local_exec",
)


def file_scope(body: Any, exposed: dict[str, Any] | None = None, dependencies: dict | None = None) -> Scope:
    """The names a Terragrunt file's expressions see: its ``locals``, and ``include.<label>`` and
    ``dependency.<name>`` as the reader found them."""
    locals_ = {a.name: a.expr for b in body.blocks_of("locals") for a in b.body.attributes.values()}
    return Scope(locals=locals_, iterators={"include": exposed or {}, "dependency": dependencies or {}})


class Files(Protocol):
    def above(self, folder: str, name: str) -> str | None: ...

    def body(self, rel: str) -> Any: ...

    def text_of(self, path: Any, context: Context) -> Any: ...

    def read_config(self, path: Any, context: Context, depth: int, used: Use) -> Any: ...


class Use:
    """Whether an evaluation read anything of the unit it was made for."""

    __slots__ = ("unit",)

    def __init__(self) -> None:
        self.unit = False


@dataclass(frozen=True)
class Context:
    """The unit a file is evaluated for: Terragrunt evaluates an included file's functions as the unit's."""

    folder: str  # the unit's folder, as a path from "/" (the scanned folder)
    here: str  # the folder of the file being read: relative paths in it start there
    parent: str  # the folder of the file the unit includes (``get_parent_terragrunt_dir``)

    def relative(self, path: str) -> str:
        """``path`` (from "/" or from ``here``) relative to the scanned folder; ``..`` first when outside."""
        if path.startswith("/"):
            return posixpath.normpath(path.lstrip("/") or ".")
        return posixpath.normpath(posixpath.join(self.here.lstrip("/") or ".", path))

    def inside(self, path: Any) -> str | None:
        """The path of ``path`` under the scanned folder, or None for text, the folder itself or outside."""
        if not isinstance(path, str) or not path.strip():
            return None
        relative = self.relative(path)
        return None if relative in (".", "..") or relative.startswith("../") else relative

    def functions(self, reader: Files, depth: int, used: Use) -> dict[str, Callable[..., Any]]:
        def of_unit(value: Any) -> Callable[..., Any]:
            """A function whose value is the unit's: the file it is in is evaluated per unit."""

            def call(*args: Any) -> Any:
                used.unit = True
                return value(*args) if callable(value) else value

            return call

        def find_in_parent_folders(name: str = UNIT_FILE, fallback: Any = None) -> Any:
            used.unit = True
            found = reader.above(posixpath.dirname(self.folder), name)
            if found is not None:
                return found
            if fallback is not None:
                return fallback
            raise ValueError(f"{name} not found above {self.folder}")

        def unknown(name: str) -> Callable[..., Any]:
            return lambda *args: Unknown(f"{name}()")

        return {
            "find_in_parent_folders": find_in_parent_folders,
            "read_terragrunt_config": lambda path, default=None: reader.read_config(path, self, depth, used),
            "file": lambda path: reader.text_of(path, self),
            "get_terragrunt_dir": of_unit(self.folder),
            "get_original_terragrunt_dir": of_unit(self.folder),
            "get_repo_root": lambda: "/",
            "get_parent_terragrunt_dir": of_unit(lambda *label: self.parent),
            "path_relative_to_include": of_unit(lambda *label: posixpath.relpath(self.folder, self.parent)),
            "path_relative_from_include": of_unit(lambda *label: posixpath.relpath(self.parent, self.folder)),
            "get_path_to_repo_root": of_unit(lambda: posixpath.relpath("/", self.folder)),
            "get_path_from_repo_root": of_unit(lambda: self.folder.lstrip("/") or "."),
            "get_env": lambda name, default=None: (
                default if default is not None else Unknown(f"get_env({name!r})")
            ),
            **{name: unknown(name) for name in NOT_STATIC},
        }
