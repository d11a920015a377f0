"""Links to the rule documentation (docs/rules.md headings), shared by `diff` comments and SARIF `helpUri`.

The base URL is `--docs-url` where a command takes it, else `$EXITPLAN_DOCS_URL`, else DEFAULT_DOCS_URL;
a rule's link is ``{base}#{id}-{name}`` in lower case, the anchor GitHub gives its heading
(`#ep301-proprietary-messaging`).
"""

from __future__ import annotations

import os
import re

from .errors import UsageError

PROJECT_URL = "https://github.com/exitplan/exitplan"
DEFAULT_DOCS_URL = f"{PROJECT_URL}/blob/main/docs/rules.md"
ENV = "EXITPLAN_DOCS_URL"
_RULE_ID = re.compile(r"EP\d{3}")
_ANCHOR_TEXT = re.compile(r"[a-z0-9-]+")
_SAFE_URL = re.compile(r"https?://[^\s()<>\[\]\"'`\\]+")


def check_docs_url(url: str | None) -> str:
    """A base URL that is safe in a Markdown link: http(s), no spaces, quotes, brackets or parentheses."""
    if not _SAFE_URL.fullmatch(url or ""):
        raise UsageError(f"docs URL {url!r}: expected an http(s) URL without spaces, quotes or brackets")
    return str(url).rstrip("#")


def docs_url(explicit: str | None = None) -> str:
    return check_docs_url(explicit or os.environ.get(ENV) or DEFAULT_DOCS_URL)


def rule_url(rule: str, name: str | None, base: str) -> str | None:
    """The rule's heading in docs/rules.md, or None for a text that is no rule id."""
    if not _RULE_ID.fullmatch(rule or ""):
        return None
    anchor = rule.lower()
    if name and _ANCHOR_TEXT.fullmatch(name):
        anchor += f"-{name}"
    return f"{base}#{anchor}"
