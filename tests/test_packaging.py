"""What `pip install .` ships: setup.cfg's package_data globs must cover every data file."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_template_and_catalog_file_is_covered_by_package_data():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    globs = {
        key: [g.strip() for g in value.split(",")] for key, value in config["options.package_data"].items()
    }
    for package, folder in (("exitplan._templates", "templates"), ("exitplan._providers", "providers")):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file():
                relative = path.relative_to(ROOT / folder)
                assert any(relative.match(g.replace("**/", "")) for g in globs[package]), relative


def test_every_package_directory_is_listed():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = {line.strip() for line in config["options"]["packages"].splitlines() if line.strip()}
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "exitplan").rglob("__init__.py")}
    assert found <= listed
