"""The report's JSON text is what json.dumps(indent=2, ensure_ascii=False) writes, but for float spellings."""

from __future__ import annotations

import json
import math

from hypothesis import given
from hypothesis import strategies as st

from exitplan.render.json_text import pretty_json

_SCALARS = st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text()
_FLOATS = st.floats(allow_nan=False, allow_infinity=False)


def _data(scalars):
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.lists(inner, max_size=3).map(tuple)
            | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        ),
        max_leaves=30,
    )


@given(_data(_SCALARS))
def test_same_text_as_the_standard_library(data):
    assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False)


@given(_data(_SCALARS | _FLOATS))
def test_floats_read_back_as_the_same_numbers(data):
    assert json.loads(pretty_json(data)) == json.loads(json.dumps(data))


def test_floats_differ_only_in_spelling():
    assert pretty_json([0.001, 1e16, 2.5, -0.0]) == json.dumps([0.001, 1e16, 2.5, -0.0], indent=2)
    assert json.loads(pretty_json(1e-05)) == 1e-05
    assert pretty_json([math.nan, math.inf]) == "[\n  null,\n  null\n]"


def test_what_orjson_refuses_gets_the_standard_librarys_text():
    for data in (
        {1: [1, 2], 2.5: {'é\n"': -0.0}, None: ()},
        [2**70, {"a": 1}],
        json.loads("[" * 300 + "]" * 300),
    ):
        assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False)
    assert pretty_json({"a": {}, "b": [[]]}) == '{\n  "a": {},\n  "b": [\n    []\n  ]\n}'


def test_subclasses_give_the_standard_librarys_text():
    from collections import OrderedDict
    from enum import Enum, IntEnum

    class Kind(str, Enum):
        DB = "db"

    class Level(IntEnum):
        HIGH = 3

    data = {"kind": Kind.DB, "level": Level.HIGH, "nested": OrderedDict(a=1), "rows": [Kind.DB, True, 1.5]}
    assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False)
    assert pretty_json({Kind.DB: 3}) == json.dumps({Kind.DB: 3}, indent=2, ensure_ascii=False)


def test_text_json_escapes_and_text_it_keeps():
    data = {"c": 'é\u2028\x7f\x00"\\\n\t', "emoji": "\U0001f600"}
    assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False)
