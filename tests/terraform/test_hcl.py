"""The HCL reader: expression shapes, templates, heredocs, escapes and recovery from syntax errors."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exitplan.terraform import hcl
from exitplan.terraform.evaluate import Evaluator
from exitplan.terraform.scope import Scope


def value(text: str, **variables):
    parsed = hcl.parse(f"x = {text}\n")
    assert parsed.error is None, parsed
    return Evaluator().evaluate(parsed.body.attributes["x"].expr, Scope(variables=variables))


def test_blocks_labels_and_lines():
    parsed = hcl.parse(
        '# c\nresource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n  tags {\n    a = 1\n  }\n}\n'
    )
    (block,) = parsed.body.blocks
    assert (block.type, block.labels, block.line) == ("resource", ("aws_vpc", "main"), 2)
    assert block.body.attributes["cidr_block"].line == 3
    assert block.body.blocks[0].type == "tags"
    assert block.body.blocks[0].line == 4


def test_string_escapes():
    assert value(r'"a\"b\n\u00e9 $${x} %%{y}"') == 'a"b\né ${x} %{y}'


def test_heredoc_plain_and_indented_with_trailing_spaces_on_marker():
    parsed = hcl.parse("a = <<EOT\n  keep ${v}\nEOT   \nb = <<-EOT\n    one\n      two\n    EOT\n")
    assert parsed.error is None
    evaluator = Evaluator()
    scope = Scope(variables={})
    a = parsed.body.attributes["a"].expr
    assert isinstance(a, hcl.Template)
    assert a.parts[0] == "  keep "
    assert evaluator.evaluate(parsed.body.attributes["b"].expr, scope) == "one\n  two\n"


def test_multiline_traversal_in_parentheses():
    parsed = hcl.parse("x = (var.a\n  .b\n  .c)\n")
    expr = parsed.body.attributes["x"].expr
    assert isinstance(expr, hcl.Traversal)
    assert (expr.root, expr.steps) == ("var", (("attr", "a"), ("attr", "b"), ("attr", "c")))


def test_traversal_steps_legacy_index_and_splat():
    parsed = hcl.parse("x = aws_instance.web.0.id\ny = aws_instance.web.*.id\nz = aws_instance.web[*].id\n")
    x, y, z = (parsed.body.attributes[n].expr for n in "xyz")
    assert [s[0] for s in x.steps] == ["attr", "index", "attr"]
    assert x.steps[1][1].value == 0
    assert y.steps == z.steps == (("attr", "web"), ("splat", None), ("attr", "id"))


def test_expressions_evaluate():
    assert value("1 + 2 * 3") == 7
    assert value('var.n > 2 ? "big" : "small"', n=3) == "big"
    assert value('[for s in var.l : upper(s) if s != "b"]', l=["a", "b", "c"]) == ["A", "C"]
    assert value("{ for k, v in var.m : v => k }", m={"a": "x", "b": "y"}) == {"x": "a", "y": "b"}
    assert value("{ for s in var.l : substr(s, 0, 1) => s... }", l=["ab", "ac", "b"]) == {
        "a": ["ab", "ac"],
        "b": ["b"],
    }
    assert value("var.l[*].id", l=[{"id": 1}, {"id": 2}]) == [1, 2]
    assert value('"${var.a}-${var.b}"', a="x", b=2) == "x-2"
    assert value('{ (var.k) = 1, "a.b" : 2, plain = 3 }', k="dyn") == {"dyn": 1, "a.b": 2, "plain": 3}
    assert value("-1.5e3") == -1500


def test_syntax_error_recovers_blocks_around_it():
    text = (
        'resource "a" "one" {\n  x = 1\n}\n\n'
        'resource "a" "two" {\n  x = = 2\n}\n\n'
        'resource "a" "three" {\n  y = 3\n}\n'
    )
    parsed = hcl.parse(text)
    assert parsed.error == "syntax error"
    assert parsed.error_line == 6
    assert [(b.labels[1], b.line) for b in parsed.body.blocks] == [("one", 1), ("three", 9)]


def test_template_directive_keeps_references_but_is_not_evaluated():
    parsed = hcl.parse('x = "%{ for p in var.ports }${p},%{ endfor }"\n')
    expr = parsed.body.attributes["x"].expr
    assert isinstance(expr.parts[0], hcl.Opaque)
    assert Evaluator().evaluate(expr, Scope(variables={"ports": [1]})).__class__.__name__ == "Unknown"


def test_json_string_template():
    expr = hcl.parse_template("${aws_vpc.main.id}", line=7)
    assert isinstance(expr, hcl.Traversal)
    assert expr.line == 7
    assert hcl.parse_template("plain", 3).value == "plain"


def test_very_deep_nesting_is_bounded():
    parsed = hcl.parse("x = " + "[" * 2000 + "]" * 2000 + "\n")
    assert parsed.error is not None


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list('resource"ab{}[]()=\n ${}%<EOT-.*,:?!0123456789#/\\')), max_size=200
    )
)
def test_any_text_parses_without_exception(text):
    result = hcl.parse(text)
    assert isinstance(result.body, hcl.Body)


def test_traversal_spelled_with_spaces_comments_indexes_or_hyphens():
    parsed = hcl.parse(
        "a = var.net.id\n"
        "b = var . net /* the id */ . id\n"
        "c = var.\n  net.id\n"
        "d = module.x.0.out-put\n"
        "e = var.net.id[0]\n"
    )
    a, b, c, d, e = (parsed.body.attributes[n].expr for n in "abcde")
    assert (a.root, a.steps, a.text) == ("var", (("attr", "net"), ("attr", "id")), "var.net.id")
    assert (b.root, b.steps, b.text) == ("var", a.steps, "var . net /* the id */ . id")
    assert (c.root, c.steps, c.line) == ("var", a.steps, 3)
    assert [kind for kind, _ in d.steps] == ["attr", "index", "attr"]
    assert d.steps[1][1].value == 0 and d.steps[2] == ("attr", "out-put")
    assert e.steps[:2] == a.steps and e.steps[2][0] == "index" and e.text == "var.net.id[0]"


def test_non_ascii_text_keeps_values_texts_and_lines():
    parsed = hcl.parse('# Überblick\nname = "café ${var.größe}"\nx = var.a.b # é\ny = "naïve"\n')
    name, x, y = (parsed.body.attributes[n] for n in ("name", "x", "y"))
    assert name.expr.parts[0] == "café " and name.expr.parts[1].text == "var.größe"
    assert (x.expr.text, x.line, y.expr.value, y.line) == ("var.a.b", 3, "naïve", 4)


def test_comment_between_attribute_name_and_value():
    parsed = hcl.parse("a = # the count\n  1\nb /* why */ = 2\n")
    assert [(n, a.expr.value, a.line) for n, a in parsed.body.attributes.items()] == [
        ("a", 1, 1),
        ("b", 2, 3),
    ]


def test_plain_strings_and_strings_with_escapes_or_templates():
    parsed = hcl.parse('a = "plain"\nb = ""\nc = "x\\"y"\nd = "$${x}"\ne = "${var.x}"\nf = "a ${var.x}"\n')
    a, b, c, d, e, f = (parsed.body.attributes[n].expr for n in "abcdef")
    assert [(x.value, x.text) for x in (a, b, c, d)] == [
        ("plain", '"plain"'),
        ("", '""'),
        ('x"y', '"x\\"y"'),
        ("${x}", '"$${x}"'),
    ]
    assert isinstance(e, hcl.Template) and e.parts[0].text == "var.x"
    assert isinstance(f, hcl.Template) and f.parts[0] == "a "


def test_literal_words_are_not_traversals_and_repeated_traversals_stay_apart(monkeypatch):
    parsed = hcl.parse("t = true\nf = false\nn = null\nk = each.key\n")
    assert [parsed.body.attributes[n].expr.value for n in "tfn"] == [True, False, None]
    monkeypatch.setattr("exitplan.terraform.expression_parser._DOTTED_SEEN_LIMIT", 3)
    names = [f"var.v{i}.id" for i in range(8)]
    for _ in range(2):
        parsed = hcl.parse("".join(f"a{i} = {name}\n" for i, name in enumerate(names)))
        exprs = [parsed.body.attributes[f"a{i}"].expr for i in range(8)]
        assert [(e.root, e.steps, e.text, e.line) for e in exprs] == [
            ("var", (("attr", f"v{i}"), ("attr", "id")), names[i], i + 1) for i in range(8)
        ]


def test_block_labels_quoted_empty_escaped_and_bare():
    parsed = hcl.parse('thing "a\\"b" "" "c d" bare {\n}\n')
    assert parsed.body.blocks[0].labels == ('a"b', "", "c d", "bare")


SKIMMED_MODULE = """\
terraform {
  required_providers {
    google = { source = "hashicorp/google", version = ">= 5.0" }
  }
}

variable "zones" {
  description = "Zones by region."
  type        = map(object({ name = string, private = optional(bool, true) }))
  default     = { eu = { name = "eu" } }
  sensitive   = false
  validation {
    condition     = length(var.zones) > 0
    error_message = "At least one zone."
  }
}

output "ids" {
  description = "Zone ids."
  value       = { for key, zone in var.zones : key => zone.name }
  sensitive   = true
}
"""


def test_a_skimmed_module_file_keeps_only_what_its_readers_need():
    terraform_block, variable, output = hcl.parse(SKIMMED_MODULE, skim=True).body.blocks
    assert terraform_block.body == hcl.Body()
    assert sorted(variable.body.attributes) == ["default", "sensitive", "type"]
    assert variable.body.blocks == ()
    assert variable.body.attributes["type"].expr.text == (
        "map(object({ name = string, private = optional(bool, true) }))"
    )
    assert isinstance(variable.body.attributes["default"].expr, hcl.ObjectExpr)
    assert sorted(output.body.attributes) == ["sensitive", "value"]
    assert isinstance(output.body.attributes["value"].expr, hcl.ForExpr)
    whole = hcl.parse(SKIMMED_MODULE).body.blocks
    assert sorted(whole[1].body.attributes) == ["default", "description", "sensitive", "type"]
    assert [b.type for b in whole[1].body.blocks] == ["validation"]
    assert whole[0].body.blocks[0].type == "required_providers"
