"""Terragrunt stacks: each ``unit`` of a ``terragrunt.stack.hcl`` is a module call of the stack's folder.

A stack names its units by source (``github.com/acme/catalog//units/vpc?ref=v1``, a folder holding a unit's
``terragrunt.hcl``), with the ``values`` that unit reads. ``terragrunt stack generate`` writes the units
into ``.terragrunt-stack``; until then their code is elsewhere. Each ``unit`` (and each nested ``stack``) is
read as a module call named after the block, its values as the inputs, so that what the stack deploys is
listed, recognised where the catalog knows the source, and otherwise reported as not assessed.
"""

from __future__ import annotations

from ..discover import SourceFile
from ..model import InputFile
from .evaluate import Evaluator
from .expressions import Literal
from .hcl import Attribute, Block, Body
from .modules import ParsedFile
from .scope import Scope
from .terragrunt_context import FORMAT, Context, Files, Use, file_scope


def stack_calls(reader: Files, stacks: list[SourceFile]) -> list[ParsedFile]:
    calls = []
    for stack in stacks:
        body = reader.body(stack.rel)
        if body is None:
            continue
        folder = "/" + stack.rel.rpartition("/")[0]
        context = Context(folder, folder, folder)
        evaluator = Evaluator(context.functions(reader, 0, Use()))
        scope = file_scope(body)
        blocks = [
            _call(block, evaluator, scope)
            for block in (*body.blocks_of("unit"), *body.blocks_of("stack"))
            if block.labels and "source" in block.body.attributes
        ]
        calls.append(ParsedFile(stack, Body(blocks=tuple(blocks)), InputFile(stack.rel, FORMAT, "parsed")))
    return calls


def _call(block: Block, evaluator: Evaluator, scope: Scope) -> Block:
    attributes = block.body.attributes
    source = evaluator.evaluate(attributes["source"].expr, scope)
    values = evaluator.evaluate(attributes["values"].expr, scope) if "values" in attributes else {}
    line = attributes["source"].line
    body: dict[str, Attribute] = {"source": Attribute("source", Literal(source, "source", line), line)}
    for name, value in (values if isinstance(values, dict) else {}).items():
        if name not in body:
            body[name] = Attribute(name, Literal(value, name, line), line)
    return Block("module", (block.labels[0],), Body(body), block.line)
