"""Names from the inputs cannot break the plan: no HTML, no forged region, no diagram statement."""

import re
from pathlib import Path

from click.testing import CliRunner

from exitplan.cli import main
from exitplan.render.regions import extract
from exitplan.render.writer import GENERATED_MARKER

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def test_hostile_names_stay_text(tmp_path):
    out = tmp_path / "plan"
    result = CliRunner().invoke(main, ["plan", str(HOSTILE), "--target", "openstack", "--out", str(out)])
    assert result.exit_code == 0, result.output
    documents = sorted(out.rglob("*.md"))
    assert len(documents) == 3  # EXIT-PLAN.md, the application, the platform (with the unused bucket)
    for path in documents:
        text = path.read_text()
        regions = extract(text)  # raises on a forged or broken marker
        prefix = "plan/" if path.name == "EXIT-PLAN.md" else f"workload/{path.stem}/"
        assert all(region.startswith(prefix) for region in regions), path
        in_diagram = False
        for line in text.splitlines():
            if line.startswith("```"):
                in_diagram = line == "```mermaid"
                continue
            if in_diagram:
                label = re.search(r'\["(.*)"\]|\[\("(.*)"\)\]', line)
                if label:
                    assert '"' not in (label.group(1) or label.group(2)), line
                continue
            if line == GENERATED_MARKER or re.fullmatch(r"<!-- exitplan:(human|end) [a-z0-9._/-]+ -->", line):
                continue
            outside_code = CODE_SPAN.sub("", line)
            assert "<script" not in outside_code and "<!--" not in outside_code, line
