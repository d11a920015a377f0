"""Data files are parsed once per content: later reads come from the compiled copy, and the copy never
answers for bytes it was not made from."""

from __future__ import annotations

import pytest

from exitplan.errors import CatalogError
from exitplan.knowledge import datafile
from exitplan.knowledge.datafile import read_yaml


@pytest.fixture
def fresh_process(monkeypatch, tmp_path):
    """No compiled copy in memory, the cache folder in tmp_path, and a count of real parses."""
    monkeypatch.setattr(datafile, "_compiled", {})
    monkeypatch.setenv("EXITPLAN_CACHE_DIR", str(tmp_path / "cache"))
    parses = []
    loader = datafile._loader

    def counting_loader():
        parses.append(1)
        return loader()

    monkeypatch.setattr(datafile, "_loader", counting_loader)
    return parses


def _forget_memory(monkeypatch):
    monkeypatch.setattr(datafile, "_compiled", {})


def test_a_second_process_reads_the_compiled_copy(fresh_process, monkeypatch, tmp_path):
    path = tmp_path / "kinds.yaml"
    path.write_text("schema_version: 1\nkinds:\n  - {name: object-storage, stateful: true}\n")
    first = read_yaml(path)
    _forget_memory(monkeypatch)
    second = read_yaml(path)
    assert second == first == {"schema_version": 1, "kinds": [{"name": "object-storage", "stateful": True}]}
    assert len(fresh_process) == 1
    assert len(list((tmp_path / "cache" / "data").glob("*.marshal"))) == 1


def test_each_read_is_a_fresh_copy_a_caller_may_change(fresh_process, tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text("roles: [web, worker]\n")
    read_yaml(path)["roles"].append("changed")
    assert read_yaml(path) == {"roles": ["web", "worker"]}


def test_changed_bytes_are_parsed_again(fresh_process, tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text("weight: 10\n")
    assert read_yaml(path) == {"weight": 10}
    path.write_text("weight: 20\n")
    assert read_yaml(path) == {"weight": 20}
    assert len(fresh_process) == 2


def test_a_damaged_copy_is_parsed_again(fresh_process, monkeypatch, tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text("weight: 10\n")
    read_yaml(path)
    for entry in (tmp_path / "cache" / "data").glob("*.marshal"):
        entry.write_bytes(b"\xff not marshal")
    _forget_memory(monkeypatch)
    assert read_yaml(path) == {"weight": 10}
    assert len(fresh_process) == 2


def test_data_marshal_cannot_hold_and_an_unwritable_folder_still_read(fresh_process, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("EXITPLAN_CACHE_DIR", str(blocked))
    path = tmp_path / "dated.yaml"
    path.write_text("verified_on: 2026-11-30\n")
    assert str(read_yaml(path)["verified_on"]) == "2026-11-30"
    assert str(read_yaml(path)["verified_on"]) == "2026-11-30"
    assert len(fresh_process) == 2


def test_bad_yaml_is_still_an_error_naming_the_line(fresh_process, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("a: 1\nb: [unclosed\n")
    with pytest.raises(CatalogError, match=r"broken\.yaml: line \d+: invalid YAML"):
        read_yaml(path)
    with pytest.raises(CatalogError, match="invalid YAML"):
        read_yaml(path)


def test_windows_line_ends_read_as_before(fresh_process, tmp_path):
    path = tmp_path / "crlf.yaml"
    path.write_bytes(b"text: |\r\n  one\r\n  two\r\n")
    assert read_yaml(path) == {"text": "one\ntwo\n"}


def test_without_a_home_folder_reading_works_from_memory(fresh_process, no_home_folder, tmp_path):
    path = tmp_path / "kinds.yaml"
    path.write_text("kinds: [object-storage]\n")
    assert read_yaml(path) == {"kinds": ["object-storage"]}
    assert read_yaml(path) == {"kinds": ["object-storage"]}
    assert len(fresh_process) == 1  # kept in memory still
