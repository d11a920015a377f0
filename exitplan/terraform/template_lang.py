"""Terraform's template language, as ``templatefile()`` renders a file.

``${ expr }`` interpolates an HCL expression; ``%{ if cond }`` … ``%{ else }`` … ``%{ endif }`` and
``%{ for x in coll }`` / ``%{ for k, v in coll }`` … ``%{ endfor }`` are directives; a ``~`` just inside a
delimiter (``${~``, ``~}``, ``%{~``) strips the whitespace, newlines included, on that side; ``$${`` and
``%%{`` are literal ``${`` and ``%{``. Names in the template are the variables given to ``templatefile``.

Expressions are parsed and evaluated by this package's HCL parser and evaluator. What is not known
statically renders as a placeholder: a value the caller made a placeholder (``${module.x.arn}``) is text
like any other; a condition on a placeholder takes the ``if`` branch, and says so in ``notes``. Output is
bounded in size and loops in iterations; a malformed template raises ``TemplateError`` with its line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..model import Unknown
from .expressions import Expr
from .functions import FunctionError, to_string
from .hcl import parse
from .scope import SECRET

MAX_OUTPUT = 1 << 20
MAX_ITERATIONS = 10_000
MAX_NESTING = 50


class TemplateError(Exception):
    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass
class _Token:
    kind: str  # "text" | "interp" | "directive"
    text: str
    line: int
    strip_left: bool = False
    strip_right: bool = False


@dataclass
class _Node:
    kind: str  # "text" | "interp" | "if" | "for"
    text: str = ""
    line: int = 1
    body: list[_Node] = field(default_factory=list)
    otherwise: list[_Node] = field(default_factory=list)
    names: tuple[str, ...] = ()


Evaluate = Callable[[Expr, dict[str, Any]], Any]


@dataclass
class Rendered:
    text: str
    notes: list[str] = field(default_factory=list)


def render(
    text: str, variables: dict[str, Any], evaluate: Evaluate, placeholder: Callable[[Any], bool]
) -> Rendered:
    """``text`` rendered with ``variables``; ``placeholder(value)`` tells a value that stands for one
    Terraform only knows at apply time."""
    nodes = _tree(_strip(_tokens(text)))
    out: list[str] = []
    notes: list[str] = []
    _Run(variables, evaluate, placeholder, out, notes).nodes(nodes, {})
    return Rendered("".join(out), notes)


# --- lexing -----------------------------------------------------------------------------------------


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    literal: list[str] = []
    literal_line = 1
    line = 1
    i = 0
    n = len(text)
    while i < n:
        two = text[i : i + 2]
        three = text[i : i + 3]
        if three in ("$${", "%%{"):
            literal.append(three[1:])
            i += 3
            continue
        if two in ("${", "%{"):
            end = _closing(text, i + 2, line)
            inner = text[i + 2 : end]
            if literal:
                tokens.append(_Token("text", "".join(literal), literal_line))
                literal = []
            left = inner.startswith("~")
            right = inner.endswith("~") and len(inner) > (1 if left else 0)
            body = inner[1 if left else 0 : len(inner) - (1 if right else 0)]
            kind = "interp" if two == "${" else "directive"
            tokens.append(_Token(kind, body.strip(), line, left, right))
            line += text.count("\n", i, end + 1)
            i = end + 1
            literal_line = line
            continue
        if text[i] == "\n":
            line += 1
        if not literal:
            literal_line = line if text[i] != "\n" else line - 1
        literal.append(text[i])
        i += 1
    if literal:
        tokens.append(_Token("text", "".join(literal), literal_line))
    return tokens


def _closing(text: str, start: int, line: int) -> int:
    """The index of the ``}`` that closes a ``${`` or ``%{`` opened just before ``start``."""
    depth = 0
    quote = False
    i = start
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise TemplateError("unclosed ${ or %{ in the template", line)


def _strip(tokens: list[_Token]) -> list[_Token]:
    for index, token in enumerate(tokens):
        if token.kind == "text":
            continue
        if token.strip_left and index > 0 and tokens[index - 1].kind == "text":
            tokens[index - 1].text = tokens[index - 1].text.rstrip()
        if token.strip_right and index + 1 < len(tokens) and tokens[index + 1].kind == "text":
            tokens[index + 1].text = tokens[index + 1].text.lstrip()
    return tokens


# --- the directive tree -----------------------------------------------------------------------------


def _tree(tokens: list[_Token]) -> list[_Node]:
    root: list[_Node] = []
    stack: list[tuple[_Node, str]] = []  # open if/for nodes and which list they fill ("body"/"otherwise")

    def target() -> list[_Node]:
        if not stack:
            return root
        node, part = stack[-1]
        return node.body if part == "body" else node.otherwise

    for token in tokens:
        if token.kind == "text":
            target().append(_Node("text", token.text, token.line))
            continue
        if token.kind == "interp":
            target().append(_Node("interp", token.text, token.line))
            continue
        word, _, rest = token.text.partition(" ")
        rest = rest.strip()
        if word == "if":
            node = _Node("if", rest, token.line)
            target().append(node)
            stack.append((node, "body"))
        elif word == "else":
            if not stack or stack[-1][0].kind != "if" or stack[-1][1] != "body":
                raise TemplateError("%{ else } without an open %{ if }", token.line)
            stack[-1] = (stack[-1][0], "otherwise")
        elif word == "endif":
            if not stack or stack[-1][0].kind != "if":
                raise TemplateError("%{ endif } without an open %{ if }", token.line)
            stack.pop()
        elif word == "for":
            names_text, found, collection = rest.partition(" in ")
            names = tuple(name.strip() for name in names_text.split(","))
            if not found or not 1 <= len(names) <= 2 or not all(n.isidentifier() for n in names):
                raise TemplateError(f"cannot read the directive %{{ {token.text} }}", token.line)
            node = _Node("for", collection.strip(), token.line, names=names)
            target().append(node)
            stack.append((node, "body"))
        elif word == "endfor":
            if not stack or stack[-1][0].kind != "for":
                raise TemplateError("%{ endfor } without an open %{ for }", token.line)
            stack.pop()
        else:
            raise TemplateError(f"unknown template directive %{{ {token.text} }}", token.line)
        if len(stack) > MAX_NESTING:
            raise TemplateError("template directives nested too deeply", token.line)
    if stack:
        node = stack[-1][0]
        raise TemplateError(f"%{{ {node.kind} }} is never closed", node.line)
    return root


# --- running it -------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def expression(text: str, line: int) -> Expr:
    parsed = parse(f"x = {text}\n")
    attribute = parsed.body.attributes.get("x")
    if parsed.error is not None or attribute is None:
        raise TemplateError(f"cannot read the expression {text!r}", line)
    return attribute.expr


class _Run:
    def __init__(self, variables, evaluate: Evaluate, placeholder, out: list[str], notes: list[str]) -> None:
        self.variables = variables
        self.evaluate = evaluate
        self.placeholder = placeholder
        self.out = out
        self.notes = notes
        self.size = 0
        self.iterations = 0

    def emit(self, text: str, line: int) -> None:
        self.size += len(text)
        if self.size > MAX_OUTPUT:
            raise TemplateError(f"the rendered template is larger than {MAX_OUTPUT >> 20} MB", line)
        self.out.append(text)

    def value(self, text: str, line: int, bound: dict[str, Any]) -> Any:
        return self.evaluate(expression(text, line), {**self.variables, **bound})

    def nodes(self, nodes: list[_Node], bound: dict[str, Any]) -> None:
        for node in nodes:
            if node.kind == "text":
                self.emit(node.text, node.line)
            elif node.kind == "interp":
                self.emit(self.interpolate(node, bound), node.line)
            elif node.kind == "if":
                self.nodes(node.body if self.condition(node, bound) else node.otherwise, bound)
            else:
                self.loop(node, bound)

    def interpolate(self, node: _Node, bound: dict[str, Any]) -> str:
        value = self.value(node.text, node.line, bound)
        if value is SECRET:
            from ..model import REDACTED

            return REDACTED
        if isinstance(value, Unknown):
            return f"${{{node.text}}}"
        try:
            return to_string(value)
        except FunctionError:
            raise TemplateError(f"${{{node.text}}} is not a string, number or bool", node.line) from None

    def condition(self, node: _Node, bound: dict[str, Any]) -> bool:
        value = self.value(node.text, node.line, bound)
        if isinstance(value, str) and value in ("true", "false"):
            value = value == "true"
        if isinstance(value, bool):
            return value
        if isinstance(value, Unknown) or value is SECRET or self.placeholder(value):
            self.notes.append(
                f"line {node.line}: %{{ if {node.text} }} is known only at apply time; rendered as true"
            )
            return True
        raise TemplateError(f"%{{ if {node.text} }} is not a bool", node.line)

    def loop(self, node: _Node, bound: dict[str, Any]) -> None:
        collection = self.value(node.text, node.line, bound)
        if isinstance(collection, dict):
            items = [(k, collection[k]) for k in sorted(collection)]
        elif isinstance(collection, list):
            items = list(enumerate(collection))
        elif isinstance(collection, Unknown) or self.placeholder(collection):
            self.notes.append(
                f"line {node.line}: %{{ for … in {node.text} }} is known only at apply time; skipped"
            )
            return
        else:
            raise TemplateError(f"%{{ for … in {node.text} }} is not a list or map", node.line)
        for key, item in items:
            self.iterations += 1
            if self.iterations > MAX_ITERATIONS:
                raise TemplateError("template loops run more than 10000 times", node.line)
            names = (
                {node.names[0]: item} if len(node.names) == 1 else {node.names[0]: key, node.names[1]: item}
            )
            self.nodes(node.body, {**bound, **names})
