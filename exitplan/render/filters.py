"""Escaping for text that comes from the inputs and reaches Markdown or Mermaid.

Every filter takes any value (``None`` counts as empty text) and returns text that cannot open HTML,
start a heading, break a table, create a link, inject a diagram statement or forge a human-input region
marker (``<!-- exitplan:…``). Templates apply them; nothing from the inputs is printed raw.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

EMPTY_CELL = "—"

# Characters with a meaning in inline Markdown, escaped with a backslash. `<`, `>` and `&` become HTML
# entities instead, so the output holds no `<` at all: no HTML, no comment, no region marker.
_MD_BACKSLASHED = frozenset("\\`*_[]|#~")
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;"}
_ENTITY_START = re.compile(r"&(?=[A-Za-z#])")
_MD_SPECIAL = re.compile("[" + re.escape("".join(sorted(_MD_BACKSLASHED | set(_MD_ENTITIES)))) + "]")
# The characters of Unicode categories Cc (controls), Zl and Zp (line and paragraph separators) but the
# tab: the sets are closed (Unicode never adds to them), and one regex beats a category lookup per character.
_LINE_BREAKING = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")

# Mermaid entity codes (`#name;` or `#code;`), decoded by Mermaid after the statement has been parsed.
_MERMAID_ENTITIES = {
    "#": "#35;",
    "%": "#37;",
    '"': "#quot;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "|": "#124;",
    ";": "#59;",
    "`": "#96;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
}
_MERMAID_KEYWORDS = frozenset(
    {
        "end", "graph", "flowchart", "subgraph", "style", "classdef", "class", "click", "linkstyle",
        "direction", "default", "call", "href", "interpolate", "accdescr", "acctitle",
    }
)  # fmt: skip
_MERMAID_ID_PREFIX_MAX = 40
_MERMAID_ID_HASH_LEN = 10


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _one_line(text: str) -> str:
    """Replace line breaks and other control characters by spaces (tabs are kept)."""
    return _LINE_BREAKING.sub(" ", text)


def md(value: object) -> str:
    """Inline Markdown text: rendered as the literal text, on one line."""
    text = _ENTITY_START.sub("&amp;", _one_line(_text(value)))
    return _MD_SPECIAL.sub(_md_escape, text)


def _md_escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    return _MD_ENTITIES.get(ch) or "\\" + ch


def cell(value: object, default: str = EMPTY_CELL) -> str:
    """A table cell: inline Markdown with `|` escaped, never empty (``default`` is trusted text)."""
    escaped = md(value).strip()
    return escaped if escaped else default


def code(value: object, in_table: bool = False) -> str:
    """An inline code span showing the text literally (CommonMark rules); empty text gives ``""``.

    Code spans take no escapes, so ``<!--`` is broken with a zero-width space to keep region markers
    unforgeable. In a table cell (``in_table=True``) pipes are escaped as GFM requires.
    """
    text = _one_line(_text(value)).replace("<!--", "<\u200b!--")
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    needs_padding = text.startswith("`") or text.endswith("`")
    needs_padding |= text.startswith(" ") and text.endswith(" ") and text.strip(" ") != ""
    if needs_padding:
        text = f" {text} "
    if in_table:
        text = text.replace("|", "\\|")
    return f"{fence}{text}{fence}"


def plain(value: object) -> str:
    """Text for a terminal: one line, every control character (escape sequences too) a space."""
    return _one_line(_text(value))


def fenced(value: object) -> str:
    """One line for a fenced code block: control characters a space; a fence or ``<!--`` inside it is
    broken with a zero-width space (region markers stay unforgeable)."""
    return re.sub(r"``(?=`)", "``\u200b", plain(value).replace("<!--", "<\u200b!--"))


def mermaid_id(value: object) -> str:
    """A stable Mermaid node id: a readable prefix plus a short hash of the whole text."""
    text = _text(value)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_MERMAID_ID_HASH_LEN]
    prefix = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:_MERMAID_ID_PREFIX_MAX].rstrip("_")
    if not prefix[:1].isalpha() or prefix.split("_")[0].lower() in _MERMAID_KEYWORDS:
        prefix = f"n_{prefix}" if prefix else "n"
    return f"{prefix}_{digest}"


def mermaid_label(value: object) -> str:
    """Text for inside a quoted Mermaid label ``["…"]``, on one line, with no statement syntax."""
    return "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in _one_line(_text(value)))


def anchor(value: object) -> str:
    """The anchor GitHub gives a heading with this text (without the ``-1`` suffix of duplicates)."""
    kept = (
        ch
        for ch in _text(value).lower()
        if ch in "-_ " or ch.isalnum() or unicodedata.category(ch).startswith("M")
    )
    return "".join(kept).replace(" ", "-")


FILTERS: dict[str, Callable[..., str]] = {
    "md": md,
    "cell": cell,
    "code": code,
    "fenced": fenced,
    "mermaid_id": mermaid_id,
    "mermaid_label": mermaid_label,
    "anchor": anchor,
}
