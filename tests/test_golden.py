"""The plan for the example estate, file by file, against reviewed golden copies.

Refresh with `pytest --update-golden tests/test_golden.py` and review the diff like any code change.
"""

from pathlib import Path

import pytest

from exitplan.api import scan
from exitplan.knowledge.targets import load_target
from exitplan.render.documents import plan_documents

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
TARGETS = ("openstack", "ovhcloud", "scaleway")


@pytest.fixture(scope="module")
def report():
    return scan([str(ROOT / "examples" / "webshop")])


@pytest.mark.parametrize("target", TARGETS)
def test_plan_matches_golden(report, target, request):
    files = plan_documents(report, load_target(target))
    folder = GOLDEN / f"webshop-{target}"
    if request.config.getoption("--update-golden"):
        for old in folder.rglob("*"):
            if old.is_file():
                old.unlink()
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
    expected = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert sorted(files) == expected, "files produced differ from the golden set"
    for name, text in files.items():
        assert text == (folder / name).read_text(encoding="utf-8"), f"{name} differs from its golden copy"
