"""Terraform's template language, as templatefile() renders a file."""

from __future__ import annotations

import pytest

from exitplan.model import Unknown
from exitplan.terraform.evaluate import Evaluator
from exitplan.terraform.scope import Scope
from exitplan.terraform.template_lang import TemplateError, render

PLACEHOLDER = "${module.role.arn}"


def run(text: str, **variables) -> str:
    evaluator = Evaluator()
    result = render(
        text,
        variables,
        lambda expr, names: evaluator.evaluate(expr, Scope(iterators=names)),
        lambda value: value == PLACEHOLDER,
    )
    return result.text


def test_interpolation_with_expressions_and_functions():
    assert run("name: ${name}\nupper: ${upper(name)}\nn: ${count + 1}\n", name="shop", count=2) == (
        "name: shop\nupper: SHOP\nn: 3\n"
    )


def test_if_else_with_strip_markers():
    text = "a: 1\n%{ if on ~}\nb: 2\n%{ else ~}\nb: 3\n%{ endif ~}\nc: 4\n"
    assert run(text, on=True) == "a: 1\nb: 2\nc: 4\n"
    assert run(text, on=False) == "a: 1\nb: 3\nc: 4\n"


def test_for_over_lists_and_maps():
    # a strip marker takes the next line's indentation too, as in Terraform; without it the newline stays
    text = "hosts:\n%{ for h in hosts ~}\n  - ${h}\n%{ endfor ~}\n"
    assert run(text, hosts=["a", "b"]) == "hosts:\n- a\n- b\n"
    text = "hosts:\n%{ for h in hosts }  - ${h}\n%{ endfor }"
    assert run(text, hosts=["a", "b"]) == "hosts:\n  - a\n  - b\n"
    text = "%{ for k, v in tags ~}\n${k}=${v}\n%{ endfor ~}"
    assert run(text, tags={"b": 2, "a": 1}) == "a=1\nb=2\n"


def test_left_strip_and_escapes():
    assert run("x: ${~ value}", value="1") == "x:1"
    assert run("literal: $${not_a_var} %%{ if }") == "literal: ${not_a_var} %{ if }"


def test_placeholders_pass_through_and_unknown_conditions_take_the_if_branch():
    evaluator = Evaluator()
    result = render(
        'role: ${role}\n%{ if role != "" }yes%{ endif }\n%{ if flag }on%{ endif }',
        {"role": PLACEHOLDER, "flag": Unknown("var.flag")},
        lambda expr, names: evaluator.evaluate(expr, Scope(iterators=names)),
        lambda value: value == PLACEHOLDER,
    )
    assert result.text == f"role: {PLACEHOLDER}\nyes\non"
    assert result.notes == ["line 3: %{ if flag } is known only at apply time; rendered as true"]


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ("a\n%{ if x }\nb\n", "%{ if } is never closed", 2),
        ("a\n\n%{ endfor }\n", "%{ endfor } without an open %{ for }", 3),
        ("%{ while x }", "unknown template directive %{ while x }", 1),
        ("x: ${name", "unclosed ${ or %{ in the template", 1),
    ],
)
def test_malformed_templates_say_what_and_where(text, reason, line):
    with pytest.raises(TemplateError) as caught:
        run(text, x=True, name="n")
    assert (caught.value.reason, caught.value.line) == (reason, line)


def test_loops_are_bounded():
    with pytest.raises(TemplateError) as caught:
        run("%{ for a in xs }%{ for b in xs }.%{ endfor }%{ endfor }", xs=list(range(200)))
    assert caught.value.reason == "template loops run more than 10000 times"
