"""The parse-only floor of a folder: what tree-sitter-hcl and the YAML loader need to parse its files.

    python benchmarks/parse_floor.py PATH…
    python benchmarks/parse_floor.py --walk PATH…   # and visit every syntax node once from Python

Reads every ``*.tf``, ``*.tofu``, ``*.tfvars`` and ``*.hcl`` file (Terragrunt's; not the provider lock file
``.terraform.lock.hcl``, which exitplan does not read) and parses it with tree-sitter-hcl, and every
``*.yaml``/``*.yml`` file with ruamel's C safe loader (all documents), and nothing else: no records built,
nothing evaluated. Prints the files, bytes and seconds inside the process; ``bench.py`` times the whole
process, as it times ``exitplan scan``.

tree-sitter parses in C and hands nothing to Python; ``--walk`` adds the least any Python program that reads
the syntax tree pays on top (a cursor visit of every node, no record built), for comparison.
"""

from __future__ import annotations

import os
import sys
import time

import tree_sitter_hcl
from ruamel.yaml import YAML
from tree_sitter import Language, Parser

TERRAFORM = (".tf", ".tofu", ".tfvars", ".hcl")  # .hcl: Terragrunt units and the files they include
YAML_FILES = (".yaml", ".yml")
LOCK_FILE = ".terraform.lock.hcl"


def _visit(tree) -> int:
    cursor, visited = tree.walk(), 1
    while True:
        if cursor.goto_first_child() or cursor.goto_next_sibling():
            visited += 1
            continue
        while cursor.goto_parent():
            if cursor.goto_next_sibling():
                visited += 1
                break
        else:
            return visited


def floor(root: str, walk: bool = False) -> tuple[int, int, float]:
    parser = Parser(Language(tree_sitter_hcl.language()))
    start = time.perf_counter()
    files = size = 0
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in (".git", ".terraform"))
        for name in sorted(names):
            path = os.path.join(folder, name)
            if not name.endswith(TERRAFORM + YAML_FILES) or name == LOCK_FILE or not os.path.isfile(path):
                continue
            with open(path, "rb") as handle:
                data = handle.read()
            files, size = files + 1, size + len(data)
            if name.endswith(TERRAFORM):
                tree = parser.parse(data)
                if walk:
                    _visit(tree)
                continue
            try:
                for _ in YAML(typ="safe", pure=False).load_all(data):
                    pass
            except Exception:  # noqa: BLE001 - a file the loader refuses still cost its parse
                pass
    return files, size, time.perf_counter() - start


if __name__ == "__main__":
    walk = "--walk" in sys.argv[1:]
    for argument in (a for a in sys.argv[1:] if a != "--walk"):
        files, size, seconds = floor(argument, walk)
        print(f"{argument}: {files} files, {size / 1e6:.1f} MB, {seconds:.3f} s")
