import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exitplan.render.filters import (
    FILTERS,
    anchor,
    cell,
    code,
    fenced,
    md,
    mermaid_id,
    mermaid_label,
    plain,
)

MARKER_PREFIX = "<!-- exitplan:"

# Text that tries every trick: markers, HTML, tables, links, headings, fences, Mermaid statements.
hostile = st.one_of(
    st.text(),
    st.lists(
        st.sampled_from(
            [
                "<!-- exitplan:human x -->",
                "<!-- exitplan:end x -->",
                "<!--",
                "-->",
                "<script>",
                "|",
                "\\|",
                "`",
                "``",
                "[a](b)",
                "# ",
                "\n",
                "\r\n",
                "\u2028",
                "&amp;",
                "&#60;",
                '"]',
                "%%",
                "click A call x()",
                "end",
                " ",
                "x",
                "é",
            ]
        ),
        max_size=12,
    ).map("".join),
)


def unescaped(text: str, char: str) -> list[int]:
    """Positions of `char` not preceded by an odd number of backslashes."""
    positions = []
    for match in re.finditer(re.escape(char), text):
        backslashes = len(text[: match.start()]) - len(text[: match.start()].rstrip("\\"))
        if backslashes % 2 == 0:
            positions.append(match.start())
    return positions


def pipes_that_split_a_cell(text: str) -> list[int]:
    """GFM splits table cells at every pipe not directly preceded by a backslash."""
    return [m.start() for m in re.finditer(r"(?<!\\)\|", text)]


def one_line(text: str) -> str:
    """The text with line breaks and control characters (but tabs) turned into spaces."""
    return "".join(
        " " if ch != "\t" and unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text
    )


def code_span_content(span: str, in_table: bool = False) -> str:
    """What a CommonMark renderer shows for `span`, asserting it is exactly one code span."""
    if in_table:
        span = span.replace("\\|", "|")  # GFM unescapes pipes in a cell before inline parsing
    fence = re.match(r"`+", span).group()
    assert span.endswith(fence) and len(span) >= 2 * len(fence) + 1
    content = span[len(fence) : -len(fence)]
    assert fence not in re.findall(r"`+", content), "a backtick run inside equals the fence"
    assert not content.startswith("`") and not content.endswith("`")
    if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
        content = content[1:-1]
    return content


# --- region markers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FILTERS))
@given(text=hostile)
def test_no_filter_can_forge_a_region_marker(name, text):
    assert MARKER_PREFIX not in FILTERS[name](text)


def test_filters_accept_none_and_non_strings():
    assert md(None) == ""
    assert cell(None) == "—"
    assert md(42) == "42"
    assert code(3.5) == "`3.5`"


# --- md / cell -----------------------------------------------------------------------------------------


@given(hostile)
def test_md_is_one_line_without_html_or_table_breaks(text):
    out = md(text)
    assert "\n" not in out and "\r" not in out
    assert "<" not in out
    assert unescaped(out, "|") == []
    assert pipes_that_split_a_cell(out) == []
    assert unescaped(out, "[") == []
    assert unescaped(out, "`") == []


@given(hostile, st.sampled_from(["—", "n/a"]))
def test_cell_is_never_empty_and_never_breaks_a_row(text, default):
    out = cell(text, default)
    assert out.strip()
    assert "\n" not in out and "<" not in out
    assert pipes_that_split_a_cell(out) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aws_db_instance.orders", "aws\\_db\\_instance.orders"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("# heading", "\\# heading"),
        ("[click](http://evil)", "\\[click\\](http://evil)"),
        ("a | b", "a \\| b"),
        ("line1\nline2\r\nline3", "line1 line2  line3"),
        ("R&D &amp; co", "R&amp;D &amp;amp; co"),
        ("AT&T 5 & 6", "AT&amp;T 5 & 6"),
        ("<!-- exitplan:end x -->", "&lt;!-- exitplan:end x --&gt;"),
    ],
)
def test_md_examples(text, expected):
    assert md(text) == expected


def test_cell_default_for_blank_text():
    assert cell("") == "—"
    assert cell("  \n ") == "—"
    assert cell("", default="unknown") == "unknown"
    assert cell("a|b") == "a\\|b"


# --- code ----------------------------------------------------------------------------------------------


@given(hostile.filter(lambda t: t != ""), st.booleans())
def test_code_is_one_span_whose_content_round_trips(text, in_table):
    out = code(text, in_table=in_table)
    assert "\n" not in out
    if in_table:
        assert pipes_that_split_a_cell(out) == []
    shown = code_span_content(out, in_table=in_table)
    assert shown == one_line(text).replace("<!--", "<\u200b!--")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kubectl get pods", "`kubectl get pods`"),
        ("a`b", "``a`b``"),
        ("`tick", "`` `tick ``"),
        ("a``b`", "``` a``b` ```"),
        (" padded ", "`  padded  `"),
        ("   ", "`   `"),
        ("", ""),
    ],
)
def test_code_examples(text, expected):
    assert code(text) == expected


def test_code_in_table_escapes_pipes():
    assert code("a|b", in_table=True) == "`a\\|b`"
    assert code("a|b") == "`a|b`"


# --- mermaid -------------------------------------------------------------------------------------------


@given(hostile)
def test_mermaid_label_has_no_statement_syntax(text):
    out = re.sub(r"#(\w+);", "", mermaid_label(text))  # entity codes are inert
    assert not set(out) & set('"[]{}|;<>\n\r`')
    assert "%%" not in out


def test_mermaid_label_examples():
    assert mermaid_label('db "main" [x]') == "db #quot;main#quot; #91;x#93;"
    assert mermaid_label("a;click A call x()") == "a#59;click A call x()"
    assert mermaid_label("100%% sure") == "100#37;#37; sure"
    assert mermaid_label("a\nb") == "a b"


@given(hostile)
def test_mermaid_id_is_a_plain_deterministic_identifier(text):
    out = mermaid_id(text)
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", out)
    assert out == mermaid_id(text)
    assert out.lower() not in {"end", "graph", "subgraph", "style", "click", "class", "flowchart"}


@given(st.sets(hostile, min_size=2, max_size=50))
def test_mermaid_ids_of_distinct_texts_are_distinct(texts):
    assert len({mermaid_id(t) for t in texts}) == len(texts)


@pytest.mark.parametrize("keyword", ["end", "graph", "subgraph", "style", "click", "class", "End"])
def test_mermaid_id_never_starts_with_a_keyword(keyword):
    out = mermaid_id(keyword)
    assert out.startswith("n_")
    assert out.split("_")[0] != keyword


def test_mermaid_id_keeps_a_readable_prefix():
    assert mermaid_id("aws_db_instance.orders").startswith("aws_db_instance_orders_")
    assert mermaid_id("Deployment/shop/api") != mermaid_id("Deployment/shop_api")
    assert re.fullmatch(r"n_[0-9a-f]{10}", mermaid_id("///"))


# --- anchor --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Migration waves", "migration-waves"),
        ("1. Executive summary", "1-executive-summary"),
        ("orders-api (Deployment/shop/api)", "orders-api-deploymentshopapi"),
        ("Data inventory & export paths", "data-inventory--export-paths"),
        ("snake_case Über", "snake_case-über"),
    ],
)
def test_anchor_examples(text, expected):
    assert anchor(text) == expected


@given(hostile)
def test_anchor_is_a_plain_slug(text):
    # GitHub keeps letters, digits, marks (accents, vowel signs), "-" and "_"; nothing else survives.
    assert all(ch in "-_" or ch.isalnum() or unicodedata.category(ch).startswith("M") for ch in anchor(text))


@given(st.text())
def test_plain_is_one_line_without_control_characters(text):
    shown = plain(text)
    assert "\n" not in shown and "\x1b" not in shown
    assert all(ch == "\t" or unicodedata.category(ch) not in ("Cc", "Zl", "Zp") for ch in shown)
    assert len(shown) == len(text)


@given(hostile)
def test_fenced_cannot_close_its_fence_or_forge_a_region(text):
    shown = fenced(text)
    assert "```" not in shown and "<!--" not in shown and "\n" not in shown
    if "\u200b" not in text:
        assert shown.replace("\u200b", "") == plain(text)


def test_plain_turns_exactly_the_line_breaking_and_control_characters_into_spaces():
    """Every code point, against its Unicode category: Cc, Zl and Zp become a space, the tab stays."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    expected = "".join(
        " " if ch != "\t" and unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in every
    )
    assert plain(every) == expected


@given(hostile)
def test_md_escapes_each_markdown_character_and_nothing_else(text):
    escaped = md(text)
    reference = re.sub(r"&(?=[A-Za-z#])", "&amp;", plain(text))
    expected = "".join(
        "&lt;" if ch == "<" else "&gt;" if ch == ">" else "\\" + ch if ch in "\\`*_[]|#~" else ch
        for ch in reference
    )
    assert escaped == expected
