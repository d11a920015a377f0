"""Evaluation of Terraform expressions: functions on known values, Unknown for the rest, bounded time."""

from __future__ import annotations

import pytest

from exitplan.model import Unknown
from exitplan.terraform import hcl
from exitplan.terraform.evaluate import Evaluator
from exitplan.terraform.scope import SECRET, Scope


def evaluate(text: str, locals_: dict[str, str] | None = None, **variables):
    parsed = hcl.parse(f"x = {text}\n")
    assert parsed.error is None
    local_exprs = {
        name: hcl.parse(f"x = {src}\n").body.attributes["x"].expr for name, src in (locals_ or {}).items()
    }
    return Evaluator().evaluate(
        parsed.body.attributes["x"].expr, Scope(variables=variables, locals=local_exprs)
    )


@pytest.mark.parametrize(
    "expression,expected",
    [
        ('toset(["b", "a", "b"])', ["a", "b"]),
        ("merge({a = 1}, {b = 2}, {a = 3})", {"a": 3, "b": 2}),
        ("concat([1], [2, 3])", [1, 2, 3]),
        ('lookup({a = 1}, "b", 9)', 9),
        ('format("%s-%03d", "db", 7)', "db-007"),
        ('join(",", ["a", "b"])', "a,b"),
        ('split(",", "a,b")', ["a", "b"]),
        ('replace("a-b-c", "-", "_")', "a_b_c"),
        ('replace("v1.2", "/v(\\\\d)/", "x$1")', "x1.2"),
        ('coalesce("", "x")', "x"),
        ('compact(["a", "", "b"])', ["a", "b"]),
        ("flatten([[1, [2]], [3]])", [1, 2, 3]),
        ("keys({b = 1, a = 2})", ["a", "b"]),
        ("values({b = 1, a = 2})", [2, 1]),
        ('length("abc")', 3),
        ('element(["a", "b"], 3)', "b"),
        ('try(var.missing.x, "fallback")', "fallback"),
        ('jsonencode({b = [1, true], a = "x"})', '{"a":"x","b":[1,true]}'),
        ("yamlencode({a = 1})", "a: 1\n"),
        ('cidrsubnet("10.0.0.0/16", 8, 2)', "10.0.2.0/24"),
        ('lower("AbC")', "abc"),
        ('upper("abc")', "ABC"),
        ('tomap({a = "x"})', {"a": "x"}),
        ("tolist([1])", [1]),
    ],
)
def test_functions(expression, expected):
    assert evaluate(expression) == expected


def test_unknown_inputs_and_impure_functions_stay_unknown():
    assert evaluate("upper(aws_s3_bucket.b.id)") == Unknown("upper(aws_s3_bucket.b.id)")
    assert evaluate('file("secret.txt")') == Unknown('file("secret.txt")')
    assert evaluate("timestamp()") == Unknown("timestamp()")
    assert evaluate("var.nope") == Unknown("var.nope")
    assert evaluate('"a-${data.x.y.z}"') == Unknown('"a-${data.x.y.z}"')


def test_lists_keep_known_items_next_to_unknown_ones():
    assert evaluate("[var.a, aws_vpc.main.id]", a="x") == ["x", Unknown("aws_vpc.main.id")]


def test_sensitive_values_propagate():
    assert evaluate('"postgres://u:${var.p}@h"', p=SECRET) is SECRET
    assert evaluate("upper(var.p)", p=SECRET) is SECRET


def test_locals_chain_and_cycles():
    assert evaluate("local.c", {"a": '"x"', "b": '"${local.a}y"', "c": "upper(local.b)"}) == "XY"
    assert isinstance(evaluate("local.a", {"a": "local.b", "b": "local.a"}), Unknown)


def test_long_local_chain_is_bounded():
    chain = {f"l{i}": f"local.l{i + 1}" for i in range(500)}
    chain["l500"] = '"end"'
    assert isinstance(evaluate("local.l0", chain), Unknown)


def test_partly_known_templates_keep_their_known_text():
    heredoc = (
        '<<EOF\n{"Action": ["sqs:SendMessage"], "Name": "${var.queue_name}",'
        ' "Resource": "${aws_sqs_queue.jobs.arn}"}\nEOF'
    )
    assert evaluate(heredoc, queue_name="jobs") == Unknown(
        '<<EOF\n{"Action": ["sqs:SendMessage"], "Name": "jobs", "Resource": "${aws_sqs_queue.jobs.arn}"}\nEOF'
    )
    assert evaluate('"${var.a}-\\"q\\"-${data.x.y.z}"', a="x") == Unknown('"x-\\"q\\"-${data.x.y.z}"')
    assert evaluate('"${var.a}/${var.b}"', a="x") == Unknown('"x/${var.b}"')
    assert evaluate('"${var.a}-${var.p}-${var.b}"', a="x", p=SECRET) is SECRET
