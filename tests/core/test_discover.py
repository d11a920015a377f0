"""Discovery: which files are inputs, and what the file system itself can get wrong."""

import os

import pytest

from exitplan import discover as discovery
from exitplan.discover import InputProblem, SourceFile, discover, file_format, read_text


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("main.tf", "terraform"),
        ("override.tofu", "terraform"),
        ("main.tf.json", "terraform-json"),
        ("prod.tfvars", "tfvars"),
        ("prod.auto.tfvars.json", "tfvars"),
        ("deploy.yaml", "yaml"),
        ("deploy.YML", "yaml"),
        ("plan.json", "json"),
        ("README.md", None),
        ("Chart.lock", None),
    ],
)
def test_formats_by_name(name, fmt):
    assert file_format(name) == fmt


def test_walk_finds_inputs_skips_tool_folders_and_reports_file_system_problems(tmp_path, monkeypatch):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    (tmp_path / "k8s" / "notes.txt").write_text("not an input")
    for ignored in (".git", ".terraform", "node_modules"):
        (tmp_path / ignored).mkdir()
        (tmp_path / ignored / "x.yaml").write_text("a: 1\n")
    (tmp_path / "k8s" / "gone.yaml").symlink_to(tmp_path / "missing.yaml")
    (tmp_path / "k8s" / "loop").symlink_to(tmp_path / "k8s")
    monkeypatch.setattr(discovery, "MAX_FILE_BYTES", 64)
    (tmp_path / "k8s" / "big.yaml").write_text("# " + "x" * 100 + "\n")

    found = discover([str(tmp_path)])
    assert [(f.rel, f.format) for f in found.files] == [
        ("infra/main.tf", "terraform"),
        ("k8s/app.yaml", "yaml"),
    ]
    problems = {(i.path, i.status, i.reason) for i in found.inputs}
    assert ("k8s/gone.yaml", "error", "dangling symbolic link") in problems
    assert ("k8s/loop", "skipped", "symbolic link loop") in problems
    assert any(
        path == "k8s/big.yaml" and status == "skipped" and "larger than" in reason
        for path, status, reason in problems
    )


def test_an_explicit_file_that_is_no_input_is_reported(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    found = discover([str(tmp_path / "notes.txt")])
    assert found.files == ()
    assert [(i.path, i.status) for i in found.inputs] == [("notes.txt", "skipped")]


def test_stdin_is_one_yaml_input():
    found = discover(["-"], stdin_text="kind: List\n")
    assert [(f.rel, f.format, f.text) for f in found.files] == [("-", "yaml", "kind: List\n")]


def test_read_text_names_binary_and_non_utf8_files_with_a_line(tmp_path):
    binary = tmp_path / "a.yaml"
    binary.write_bytes(b"apiVersion: v1\n\x00\x01")
    latin = tmp_path / "b.yaml"
    latin.write_bytes("kind: ConfigMap\nname: caf\xe9\n".encode("latin-1"))
    bom = tmp_path / "c.yaml"
    bom.write_bytes(b"\xef\xbb\xbfkind: List\n")
    with pytest.raises(InputProblem, match="binary"):
        read_text(SourceFile(binary, "a.yaml", "yaml"))
    with pytest.raises(InputProblem) as problem:
        read_text(SourceFile(latin, "b.yaml", "yaml"))
    assert problem.value.line == 2 and "UTF-8" in problem.value.reason
    assert read_text(SourceFile(bom, "c.yaml", "yaml")) == "kind: List\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    locked = tmp_path / "locked.yaml"
    locked.write_text("a: 1\n")
    locked.chmod(0)
    with pytest.raises(InputProblem, match="cannot read"):
        read_text(SourceFile(locked, "locked.yaml", "yaml"))
