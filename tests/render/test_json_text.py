"""The report's JSON text is exactly what json.dumps(indent=2, ensure_ascii=False) writes, for any data."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from exitplan.render.json_text import pretty_json

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_DATA = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(_DATA)
def test_same_text_as_the_standard_library(data):
    assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False)


def test_keys_and_values_json_converts_are_converted_as_it_does():
    data = {1: [float("nan"), float("inf")], 2.5: {'é\n"': -0.0}, None: ()}
    assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False)
    assert pretty_json({"a": {}, "b": [[]]}) == '{\n  "a": {},\n  "b": [\n    []\n  ]\n}'


def test_subclasses_inside_flat_containers_give_the_standard_librarys_text():
    from collections import OrderedDict
    from enum import Enum, IntEnum

    class Kind(str, Enum):
        DB = "db"

    class Level(IntEnum):
        HIGH = 3

    data = {"kind": Kind.DB, "level": Level.HIGH, "nested": OrderedDict(a=1), "rows": [Kind.DB, True, 1.5]}
    assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False)
    assert pretty_json([{"a": 1, 2: None}]) == json.dumps([{"a": 1, 2: None}], indent=2, ensure_ascii=False)


def test_a_key_met_again_gives_the_same_text_whatever_its_type_or_place():
    from enum import Enum

    class Kind(str, Enum):
        DB = "db"

    data = [{"db": 1, "x": [{"db": 2}]}, {Kind.DB: 3}, {1: 5}, {True: 6}, {"x": 7, 1.0: 8}, {"db": 9}]
    assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False)
