"""The literal text a value marker's pattern needs: a text without it is never searched, so a needle
that a match can lack would hide a marker."""

from __future__ import annotations

import re

import pytest
from graph.factories import k8s
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exitplan.knowledge.regex_needles import needles
from exitplan.markers import find_markers, load_markers

VALUE_PATTERNS = [s.pattern for s in load_markers().by_place("value") if s.pattern is not None]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"[a-z0-9-]+(\.[a-z0-9-]+)*\.rds\.amazonaws\.com(\.cn)?", (".rds.amazonaws.com",)),
        (r"169\.254\.169\.254|fd00:ec2::254", ("169.254.169.254", "fd00:ec2::254")),
        (r"(?<![a-z])(kms|ssm):([A-Z][a-z]*|\*)", ("kms:", "ssm:")),
        (r"s3://[a-z0-9][a-z0-9.-]*", ("s3://",)),
        # an alternative without literal text: nothing is required
        (r"arn:aws:[a-z]+|[0-9]{12}", None),
        # case-insensitive: "SPANNER" has no "spanner" in it
        (r"(?i)spanner", None),
        (r"(?i:db)\.example\.com", (".example.com",)),
        # an optional part is not required
        (r"x(abc)?y", ("x",)),
    ],
)
def test_needles_of_pattern_shapes(pattern, expected):
    assert needles(re.compile(pattern)) == expected


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(st.data())
def test_every_match_of_a_value_marker_holds_one_of_its_needles(data):
    pattern = data.draw(st.sampled_from(VALUE_PATTERNS))
    text = data.draw(st.from_regex(pattern))
    found = needles(pattern)
    assert found is None or any(needle in text for needle in found)


def test_an_endpoint_deep_in_a_long_value_is_found_and_prose_is_not():
    catalog = load_markers()
    dashboard = '{"panels": [' + '{"title": "latency", "expr": "rate(x[5m])"},' * 2000 + "{}]}"
    config = dashboard.replace('"latency"', '"orders.c9akciq32.eu-west-1.rds.amazonaws.com"', 1)
    prose = dashboard.replace('"latency"', '"see rds.amazonaws.com docs"', 1)
    values = {"dashboard.json": config, "prose.json": prose, "plain.json": dashboard}
    config_map = k8s(
        {"kind": "ConfigMap", "metadata": {"name": "dashboards", "namespace": "o"}, "data": values}
    )
    assert {(m.marker, m.path, m.value) for m in find_markers(config_map, catalog)} == {
        ("aws-rds-endpoint", 'data["dashboard.json"]', "orders.c9akciq32.eu-west-1.rds.amazonaws.com")
    }


def test_the_remembered_readings_of_texts_are_the_same_and_bounded(monkeypatch):
    from exitplan.knowledge import marker_catalog

    catalog = load_markers()
    monkeypatch.setattr(marker_catalog, "_VALUE_MEMO", 3)
    catalog._value_memo.clear()
    texts = ["db.abc.eu-west-1.rds.amazonaws.com", "true", "s3://logs", "eu-west-1", "true"] * 2
    for text in texts:
        assert catalog.value_specs(text) == catalog._value_specs(text, None)
        assert len(catalog._value_memo) <= 3
    rds = {spec.id for spec in catalog.value_specs(texts[0])}
    assert rds and not catalog.value_specs("eu-west-1")
