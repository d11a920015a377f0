"""The literal text a regular expression cannot match without: a cheap test before a slow search.

``needles(pattern)`` reads the parsed pattern and returns strings of which every match contains at least
one (``.rds.amazonaws.com`` for ``[a-z0-9-]+(\\.[a-z0-9-]+)*\\.rds\\.amazonaws\\.com``), or None when it
cannot tell. ``str.__contains__`` over a few needles costs a fraction of searching a long text with a
pattern that starts with a character class, which tries a match at every position.
"""

from __future__ import annotations

import re

try:  # Python 3.11 moved the parser; the pattern tree is the same
    from re import _constants as _sre
    from re import _parser as _parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _parse  # type: ignore[no-redef]

#: More alternatives than this (a product of alternations) is not worth spelling out.
_MAX_ALTERNATIVES = 64


def needles(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which is in every text ``pattern`` matches; None if no such set is known."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        tree = _parse.parse(pattern.pattern, pattern.flags)
    except re.error:  # pragma: no cover - compiled already
        return None
    found = _required(list(tree))
    return tuple(sorted(found)) if found else None


def _required(items: list) -> set[str] | None:
    """A set of strings one of which every match of the sequence ``items`` contains.

    Consecutive items that are literal text (or an alternation of literal texts) form runs; every item
    of the sequence must match, so any run is required. The run whose shortest string is longest wins.
    """
    best: set[str] | None = None
    run: set[str] | None = None

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or min(map(len, candidate)) > min(map(len, best))):
            best = candidate

    for op, av in items:
        texts = _literal_texts(op, av)
        if texts is not None:
            longer = texts if run is None else _product(run, texts)
            if longer is None:  # too many alternatives spelled out: start a new run here
                consider(run)
                longer = texts
            run = longer
            continue
        consider(run)
        run = None
        if op is _sre.BRANCH:
            consider(_branch(av[1]))
        elif op is _sre.SUBPATTERN and not _adds_flags(av):
            consider(_required(list(av[-1])))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            consider(_required(list(av[2])))
    consider(run)
    return best


def _literal_texts(op, av) -> set[str] | None:
    """The texts an item matches when it is plain text or an alternation of plain texts; else None."""
    if op is _sre.LITERAL:
        return {chr(av)}
    if op is _sre.SUBPATTERN and not _adds_flags(av):
        return _sequence_texts(list(av[-1]))
    if op is _sre.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            texts = _sequence_texts(list(branch))
            if texts is None:
                return None
            found |= texts
        return found if len(found) <= _MAX_ALTERNATIVES else None
    return None


def _sequence_texts(items: list) -> set[str] | None:
    texts = {""}
    for op, av in items:
        item = _literal_texts(op, av)
        if item is None:
            return None
        texts = _product(texts, item)
        if texts is None:
            return None
    return texts


def _product(left: set[str], right: set[str]) -> set[str] | None:
    if len(left) * len(right) > _MAX_ALTERNATIVES:
        return None
    return {a + b for a in left for b in right}


def _branch(branches) -> set[str] | None:
    """Every alternative must require something for the alternation to."""
    found: set[str] = set()
    for branch in branches:
        required = _required(list(branch))
        if not required:
            return None
        found |= required
    return found


def _adds_flags(av) -> bool:
    """A group with inline flags (``(?i:…)``) may change what its text matches."""
    return len(av) == 4 and bool(av[1])
