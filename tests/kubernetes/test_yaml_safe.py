"""Safe, bounded YAML loading with positions."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from exitplan.discover import SourceFile
from exitplan.kubernetes.json_read import json_values, load_json
from exitplan.kubernetes.manifests import parse_source
from exitplan.kubernetes.yaml_safe import MAX_DEPTH, Stream, YamlError, load_stream


def test_values_lines_and_document_starts():
    stream = load_stream("# lead comment\na: 1\nb:\n  - x\n  - {c: true, d: null}\n---\n\nk: 'v'\n")
    first, second = stream.documents
    assert first.value == {"a": 1, "b": ["x", {"c": True, "d": None}]}
    assert (first.line, second.line) == (2, 8)
    assert first.lines == {("a",): 2, ("b",): 3, ("b", 0): 4, ("b", 1): 5, ("b", 1, "c"): 5, ("b", 1, "d"): 5}
    assert stream.error is None


def test_yaml_1_2_scalars_stay_strings_where_kubernetes_expects_them():
    (document,) = load_stream("on: yes\nport: '80'\nversion: 1.10\nmode: 0o644\nempty:\n").documents
    assert document.value == {"on": "yes", "port": "80", "version": 1.1, "mode": 420, "empty": None}


def test_aliases_and_merge_keys_are_expanded_as_copies():
    (document,) = load_stream("base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\nagain: *b\n").documents
    assert document.value == {"base": {"x": 1}, "use": {"y": 2, "x": 1}, "again": {"x": 1}}
    assert document.value["again"] is not document.value["base"]


def test_a_broken_document_does_not_hide_the_next_ones():
    stream = load_stream("a: 1\n---\nb: [\n---\nc: 3\n")
    assert [d.value for d in stream.documents] == [{"a": 1}, {"c": 3}]
    assert stream.error.line == 3


def test_directives_stay_with_their_document():
    stream = load_stream("%YAML 1.2\n---\nkind: Pod\n")
    assert [d.value for d in stream.documents] == [{"kind": "Pod"}]
    assert stream.documents[0].line == 3


def test_crlf_comment_header_and_directive_lines():
    # Checked line by line: a regular expression for this backtracked exponentially on CRLF comments.
    header = "# header line\r\n" * 200
    stream = load_stream(header + "%YAML 1.2\r\n---\r\nkind: Pod\r\n---\r\n" + header + "kind: Job\r\n")
    assert [d.value for d in stream.documents] == [{"kind": "Pod"}, {"kind": "Job"}]
    assert [d.line for d in stream.documents] == [203, 405]
    assert stream.error is None


def test_bounds_and_unsafe_tags():
    assert load_stream("[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)).error == YamlError(
        "nesting deeper than 200 levels", 1
    )
    assert load_stream("a: !!python/name:os.system\n").error == YamlError(
        "unsafe YAML tag !!python/name:os.system; nothing is constructed from tags", 1
    )
    assert load_stream("a: *nowhere\n").error == YamlError("unknown alias *nowhere", 1)
    assert load_stream("a: !!int abc\n").error == YamlError("value 'abc' is not a valid !!int", 1)
    assert load_stream("? [a]\n: 1\n").error == YamlError("complex mapping keys are not supported", 1)


def test_json_fallback_reports_duplicates_and_syntax():
    assert load_json('{"a": 1, "a": 2}').error == YamlError("duplicate key 'a'", None)
    assert load_json('{\n"a": }').error == YamlError("invalid JSON: Expecting value", 2)
    assert load_json('{"kind": "Pod"}').documents[0].value == {"kind": "Pod"}


def test_json_module_reads_only_what_it_reads_like_the_yaml_loader():
    assert json_values('{"a": [1, 2.5, true, null, "x"]}').documents[0].value == {
        "a": [1, 2.5, True, None, "x"]
    }
    assert json_values("null") == Stream(())
    assert json_values('{"a": 1, "a": 2}') is None  # the YAML loader reports the duplicate
    assert json_values('{"<<": {"a": 1}}') is None  # a merge key to the YAML loader
    assert json_values('{"a": NaN}') is None  # the string "NaN" to the YAML loader
    assert json_values('{"a": 1,}') is None
    assert json_values('{"a": "\\ud83d\\ude00"}') is None  # json pairs surrogates, YAML does not
    assert json_values('{"a": "x\u2028y"}') is None  # a line break to YAML 1.1, folded inside quotes


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=2000)
@given(_JSON, st.sampled_from([None, 2]))
def test_a_json_file_read_without_lines_has_the_values_read_with_lines(value, indent):
    text = json.dumps({"data": value}, indent=indent, ensure_ascii=indent is None)
    source = SourceFile(Path("config.json"), "config.json", "json", text)
    full, quick = parse_source(source), parse_source(source, lines=False)
    assert full.error is None and quick.error is None
    assert [d.value for d in quick.stream.documents] == [d.value for d in full.stream.documents]


@settings(max_examples=300, deadline=2000)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab: -[]{}&*!|>'\"#%\n\t.,?@`0123456789")) | st.characters(),
        max_size=200,
    )
)
def test_never_raises_on_arbitrary_text(text):
    stream = load_stream(text)
    assert isinstance(stream, Stream)
    assert stream.error is None or isinstance(stream.error.reason, str)
