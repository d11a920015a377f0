"""Where exitplan's built-in data lives, from a source checkout and after ``pip install .``."""

from __future__ import annotations

from pathlib import Path


def data_path(name: str) -> Path:
    """The directory of built-in data ``name`` (``"providers"`` or ``"templates"``).

    In a source checkout the data sits at the top of the repository; an installed package carries it
    as ``exitplan._<name>`` (see setup.cfg).
    """
    if name not in ("providers", "templates"):
        raise ValueError(f"unknown data directory {name!r}")
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / name).is_dir() and (checkout / "setup.cfg").is_file():
        return checkout / name
    # Installed: setup.cfg maps the folder to the package directory `exitplan/_<name>` (a namespace
    # package without __init__.py, which importlib.resources cannot turn into one plain path).
    return Path(__file__).resolve().parents[1] / f"_{name}"
