import json
import os

import pytest

from exitplan.errors import ExitplanError
from exitplan.render.regions import extract
from exitplan.render.writer import (
    GENERATED_MARKER,
    WriteError,
    check_plan,
    is_generated,
    write_plan,
)

RTO = "workload/orders-api/rto"


def runbook(score: int = 72) -> str:
    return (
        f"{GENERATED_MARKER}\n# orders-api\n\nScore: {score}\n\n"
        f"<!-- exitplan:human {RTO} -->\n_Recovery time objective: to be agreed._\n"
        f"<!-- exitplan:end {RTO} -->\n"
    )


def report(score: int = 72) -> str:
    return json.dumps({"schema": "exitplan/report/v1", "summary": {"score": score}}, indent=2) + "\n"


def plan_files(score: int = 72) -> dict[str, str]:
    return {
        "EXIT-PLAN.md": f"{GENERATED_MARKER}\n# Exit plan\n\nOverall score: {score}\n",
        "workloads/orders-api.md": runbook(score),
        "exitplan.json": report(score),
    }


def snapshot(folder):
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def edit_rto(path, text):
    content = path.read_text(encoding="utf-8")
    content = content.replace("_Recovery time objective: to be agreed._\n", text)
    path.write_text(content, encoding="utf-8")


# --- is_generated --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("EXIT-PLAN.md", f"{GENERATED_MARKER}\n# Plan\n", True),
        ("EXIT-PLAN.md", f"\ufeff{GENERATED_MARKER}  \r\n# Plan\r\n", True),
        ("EXIT-PLAN.md", f"# Plan\n{GENERATED_MARKER}\n", False),
        ("EXIT-PLAN.md", "# Our own exit plan, written by hand\n", False),
        ("exitplan.json", '{"schema": "exitplan/report/v1"}', True),
        ("exitplan.json", '{"schema": "https://json-schema.org/draft/2020-12/schema"}', False),
        ("exitplan.json", '["exitplan/report/v1"]', False),
        ("exitplan.json", "{not json", False),
    ],
)
def test_is_generated(name, text, expected):
    assert is_generated(name, text) is expected


# --- write_plan ----------------------------------------------------------------------------------------


def test_writes_every_file_into_an_empty_directory(tmp_path):
    out = tmp_path / "exit"
    result = write_plan(out, plan_files())

    assert result.written == ("EXIT-PLAN.md", "exitplan.json", "workloads/orders-api.md")
    assert result.unchanged == () and result.stale == ()
    assert (out / "workloads/orders-api.md").read_text(encoding="utf-8") == runbook()
    assert json.loads((out / "exitplan.json").read_text(encoding="utf-8"))["summary"] == {"score": 72}
    assert sorted(p.name for p in out.rglob("*")) == [
        "EXIT-PLAN.md",
        "exitplan.json",
        "orders-api.md",
        "workloads",
    ]  # no temporary files left behind


def test_markdown_gets_the_marker_a_final_newline_and_lf_endings(tmp_path):
    write_plan(tmp_path, {"EXIT-PLAN.md": "# Plan\r\nline"})
    assert (tmp_path / "EXIT-PLAN.md").read_bytes() == f"{GENERATED_MARKER}\n# Plan\nline\n".encode()


def test_same_input_gives_byte_identical_files_and_no_rewrite(tmp_path):
    write_plan(tmp_path / "a", plan_files())
    write_plan(tmp_path / "b", plan_files())
    assert {k: v[0] for k, v in snapshot(tmp_path / "a").items()} == {
        k: v[0] for k, v in snapshot(tmp_path / "b").items()
    }

    before = snapshot(tmp_path / "a")
    result = write_plan(tmp_path / "a", plan_files())
    assert result.written == ()
    assert snapshot(tmp_path / "a") == before


def test_rewriting_keeps_an_edited_region_and_updates_the_rest(tmp_path):
    write_plan(tmp_path, plan_files(score=72))
    edit_rto(tmp_path / "workloads/orders-api.md", "4 hours — agreed with | the owner.\n")

    result = write_plan(tmp_path, plan_files(score=40))

    text = (tmp_path / "workloads/orders-api.md").read_text(encoding="utf-8")
    assert extract(text)[RTO] == "4 hours — agreed with | the owner.\n"
    assert "Score: 40" in text
    assert "workloads/orders-api.md" in result.written


def test_region_that_disappears_is_kept_as_an_orphaned_note(tmp_path):
    write_plan(tmp_path, plan_files())
    edit_rto(tmp_path / "workloads/orders-api.md", "RTO 4h\n")
    files = plan_files()
    files["workloads/orders-api.md"] = f"{GENERATED_MARKER}\n# orders-api\n"

    write_plan(tmp_path, files)

    text = (tmp_path / "workloads/orders-api.md").read_text(encoding="utf-8")
    assert "## Orphaned notes" in text
    assert extract(text) == {RTO: "RTO 4h\n"}


def test_existing_file_with_crlf_line_endings_is_merged_and_rewritten_with_lf(tmp_path):
    write_plan(tmp_path, plan_files())
    path = tmp_path / "workloads/orders-api.md"
    edit_rto(path, "RTO 4h\nRPO 15m\n")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))

    assert not check_plan(tmp_path, plan_files()).ok
    write_plan(tmp_path, plan_files())

    content = path.read_bytes()
    assert b"\r" not in content
    assert extract(content.decode())[RTO] == "RTO 4h\nRPO 15m\n"
    assert check_plan(tmp_path, plan_files()).ok


def test_a_hand_written_exit_plan_is_never_overwritten(tmp_path):
    own = "# Our exit plan\n\nWritten by the architecture team.\n"
    (tmp_path / "EXIT-PLAN.md").write_text(own, encoding="utf-8")

    with pytest.raises(WriteError, match=r"refusing to overwrite EXIT-PLAN\.md: it was not generated"):
        write_plan(tmp_path, plan_files())

    assert (tmp_path / "EXIT-PLAN.md").read_text(encoding="utf-8") == own
    assert not (tmp_path / "workloads").exists()  # nothing at all was written
    assert not (tmp_path / "exitplan.json").exists()


def test_a_foreign_json_file_is_never_overwritten(tmp_path):
    (tmp_path / "exitplan.json").write_text('{"name": "mine"}', encoding="utf-8")
    with pytest.raises(WriteError, match="exitplan.json"):
        write_plan(tmp_path, plan_files())
    assert (tmp_path / "exitplan.json").read_text(encoding="utf-8") == '{"name": "mine"}'


def test_broken_region_markers_stop_the_write(tmp_path):
    write_plan(tmp_path, plan_files())
    path = tmp_path / "workloads/orders-api.md"
    broken = path.read_text(encoding="utf-8").replace(f"<!-- exitplan:end {RTO} -->\n", "")
    path.write_text(broken, encoding="utf-8")

    with pytest.raises(WriteError, match=r"workloads/orders-api\.md: line \d+: .*no end marker"):
        write_plan(tmp_path, plan_files(score=10))
    assert path.read_text(encoding="utf-8") == broken


@pytest.mark.parametrize(
    "name",
    ["../outside.md", "workloads/../../outside.md", "/tmp/outside.md", "a//b.md", "./a.md", "..\\x.md", ""],
)
def test_paths_outside_the_output_directory_are_refused(tmp_path, name):
    out = tmp_path / "out"
    with pytest.raises(WriteError):
        write_plan(out, {name: "# x\n"})
    assert list(tmp_path.rglob("*.md")) == []


def test_symbolic_links_out_of_the_directory_are_refused(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "workloads").symlink_to(elsewhere, target_is_directory=True)
    (out / "EXIT-PLAN.md").symlink_to(elsewhere / "EXIT-PLAN.md")

    with pytest.raises(WriteError, match="symbolic link"):
        write_plan(out, {"EXIT-PLAN.md": "# x\n"})
    with pytest.raises(WriteError, match="outside the output directory"):
        write_plan(out, {"workloads/a.md": "# x\n"})
    assert list(elsewhere.iterdir()) == []


def test_only_markdown_or_exitplan_json_can_be_written(tmp_path):
    with pytest.raises(WriteError):
        write_plan(tmp_path, {"exitplan.json": '{"name": "no schema"}'})
    with pytest.raises(WriteError):
        write_plan(tmp_path, {"graph.sh": "rm -rf /\n"})


def test_stale_generated_files_are_reported_and_left_in_place(tmp_path):
    files = plan_files()
    files["workloads/old-service.md"] = runbook()
    write_plan(tmp_path, files)
    (tmp_path / "workloads/NOTES.md").write_text("# our own notes\n", encoding="utf-8")

    result = write_plan(tmp_path, plan_files())

    assert result.stale == ("workloads/old-service.md",)
    assert (tmp_path / "workloads/old-service.md").read_text(encoding="utf-8") == runbook()


def test_write_error_is_an_exitplan_error():
    assert issubclass(WriteError, ExitplanError)


# --- check_plan ----------------------------------------------------------------------------------------


def test_check_is_ok_right_after_writing(tmp_path):
    write_plan(tmp_path, plan_files())
    result = check_plan(tmp_path, plan_files())
    assert result.ok
    assert (result.changed, result.missing, result.stale, result.diff) == ((), (), (), "")


def test_check_keeps_human_edits_in_mind(tmp_path):
    write_plan(tmp_path, plan_files())
    edit_rto(tmp_path / "workloads/orders-api.md", "RTO 4h\n")
    assert check_plan(tmp_path, plan_files()).ok


def test_check_reports_changes_and_writes_nothing(tmp_path):
    write_plan(tmp_path, plan_files(score=72))
    before = snapshot(tmp_path)

    result = check_plan(tmp_path, plan_files(score=40))

    assert not result.ok
    assert result.changed == ("EXIT-PLAN.md", "exitplan.json", "workloads/orders-api.md")
    assert "--- a/EXIT-PLAN.md\n+++ b/EXIT-PLAN.md\n" in result.diff
    assert "-Overall score: 72\n+Overall score: 40\n" in result.diff
    assert result.summary.startswith("  changed: EXIT-PLAN.md\n  changed: exitplan.json\n")
    assert "+Overall score: 40" in result.summary
    assert snapshot(tmp_path) == before


def test_check_reports_missing_and_stale_files(tmp_path):
    files = plan_files()
    files["workloads/old-service.md"] = runbook()
    write_plan(tmp_path, files)
    (tmp_path / "exitplan.json").unlink()

    result = check_plan(tmp_path, plan_files())

    assert not result.ok
    assert result.missing == ("exitplan.json",)
    assert result.stale == ("workloads/old-service.md",)
    assert result.changed == ()
    assert result.summary == (
        "  missing: exitplan.json\n  stale:   workloads/old-service.md (no longer generated)"
    )


def test_check_of_a_missing_directory_writes_nothing(tmp_path):
    result = check_plan(tmp_path / "out", plan_files())
    assert result.missing == ("EXIT-PLAN.md", "exitplan.json", "workloads/orders-api.md")
    assert not (tmp_path / "out").exists()


def test_check_diff_is_short(tmp_path):
    long_plan = {"EXIT-PLAN.md": "".join(f"line {n}\n" for n in range(100))}
    write_plan(tmp_path, long_plan)
    result = check_plan(tmp_path, {"EXIT-PLAN.md": "".join(f"row {n}\n" for n in range(100))})
    diff_lines = result.diff.splitlines()
    assert len(diff_lines) == 21
    assert diff_lines[-1].startswith("… ") and "more diff lines in EXIT-PLAN.md" in diff_lines[-1]


def test_check_refuses_like_write_does(tmp_path):
    (tmp_path / "EXIT-PLAN.md").write_text("# mine\n", encoding="utf-8")
    with pytest.raises(WriteError):
        check_plan(tmp_path, plan_files())


def test_new_files_are_readable_by_others(tmp_path):
    old_umask = os.umask(0o022)
    try:
        write_plan(tmp_path, plan_files())
    finally:
        os.umask(old_umask)
    assert (tmp_path / "EXIT-PLAN.md").stat().st_mode & 0o777 == 0o644
