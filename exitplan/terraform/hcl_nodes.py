"""Reading tree-sitter-hcl nodes: node kinds as integers, text sliced from the source, lines, string escapes.

The conversion in ``hcl`` and ``expression_parser`` runs once per node of every file, so it compares
``kind_id`` integers (looked up once here) instead of ``node.type`` strings, and slices text from a
``Source`` (the file's own ``str`` when it is ASCII, where byte offsets are character offsets) instead of
decoding bytes per node.
"""

from __future__ import annotations

import re

import tree_sitter_hcl
from tree_sitter import Language, Node

LANGUAGE = Language(tree_sitter_hcl.language())


def _kind(name: str, named: bool = True) -> int:
    return LANGUAGE.id_for_node_kind(name, named)


ATTRIBUTE = _kind("attribute")
BLOCK = _kind("block")
BODY = _kind("body")
IDENTIFIER = _kind("identifier")
STRING_LIT = _kind("string_lit")
EXPRESSION = _kind("expression")
LPAREN = _kind("(", False)
VARIABLE_EXPR = _kind("variable_expr")
LITERAL_VALUE = _kind("literal_value")
NUMERIC_LIT = _kind("numeric_lit")
BOOL_LIT = _kind("bool_lit")
NULL_LIT = _kind("null_lit")
TEMPLATE_EXPR = _kind("template_expr")
HEREDOC_TEMPLATE = _kind("heredoc_template")
HEREDOC_IDENTIFIER = _kind("heredoc_identifier")
HEREDOC_START = _kind("heredoc_start")
TEMPLATE_INTERPOLATION = _kind("template_interpolation")
TEMPLATE_DIRECTIVE = _kind("template_directive")
FUNCTION_CALL = _kind("function_call")
FUNCTION_ARGUMENTS = _kind("function_arguments")
ELLIPSIS = _kind("ellipsis")
COLLECTION_VALUE = _kind("collection_value")
TUPLE = _kind("tuple")
OBJECT_ELEM = _kind("object_elem")
FOR_EXPR = _kind("for_expr")
FOR_OBJECT_EXPR = _kind("for_object_expr")
FOR_INTRO = _kind("for_intro")
FOR_COND = _kind("for_cond")
CONDITIONAL = _kind("conditional")
OPERATION = _kind("operation")
GET_ATTR = _kind("get_attr")
INDEX = _kind("index")
LEGACY_INDEX = _kind("legacy_index")
SPLAT = _kind("splat")


class Source:
    """A non-ASCII file's text, sliced by byte offsets (an ASCII file's ``str`` serves as its own)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __getitem__(self, span: slice) -> str:
        return self.data[span].decode("utf-8", "replace")

    def find(self, sub: str, start: int) -> int:
        return self.data.find(sub.encode(), start)

    def rfind(self, sub: str, start: int, end: int) -> int:
        return self.data.rfind(sub.encode(), start, end)


def source_of(text: str, data: bytes) -> str | Source:
    """What the walk slices node text from; ``data`` is ``text`` encoded, as tree-sitter parsed it."""
    return text if text.isascii() else Source(data)


def first_child(node: Node | None, kind: int) -> Node | None:
    if node is None:
        return None
    for child in node.children:
        if child.kind_id == kind:
            return child
    return None


def node_text(node: Node, source: str | Source) -> str:
    return source[node.start_byte : node.end_byte]


def node_line(node: Node) -> int:
    return node.start_point[0] + 1


def quoted_content(node: Node, source: str | Source) -> str:
    """A ``string_lit``'s text between its quotes (each quote is a one-byte token)."""
    return source[node.start_byte + 1 : node.end_byte - 1]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.S)


def unescape(raw: str, backslashes: bool = True) -> str:
    if "\\" not in raw and "{" not in raw:  # nothing _ESCAPE_RE could match
        return raw

    def replace(match: re.Match) -> str:
        whole = match.group(0)
        if whole == "$${":
            return "${"
        if whole == "%%{":
            return "%{"
        if not backslashes:
            return whole
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, whole)

    return _ESCAPE_RE.sub(replace, raw)
