"""Turn evaluated values into stored attributes with every secret removed.

Values under secret-named keys and values derived from sensitive variables become ``REDACTED``; every
secret literal seen along the way is remembered, and ``scrub`` removes it from anything else that might
hold it (a connection string built around it, the text of an ``Unknown``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..model import REDACTED, Unknown
from ..secrets import is_secret_key
from .scope import SECRET, LazyObject

#: Shorter literals are too likely to occur by chance to be scrubbed from other text.
MIN_SCRUB_LENGTH = 4
#: Literals shorter than this are scrubbed only where they stand as a token of their own: a password
#: ``admin`` is removed from ``postgres://app:admin@db`` but leaves ``sqladmin.googleapis.com`` alone.
WHOLE_TOKEN_BELOW = 8


class SecretBook:
    """The secret literals met while loading one configuration."""

    def __init__(self) -> None:
        self.literals: set[str] = set()

    def remember(self, value: Any) -> None:
        if isinstance(value, str):
            if len(value) >= MIN_SCRUB_LENGTH:
                self.literals.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                self.remember(item)
        elif isinstance(value, list):
            for item in value:
                self.remember(item)

    def finalize(self, value: Any) -> Any:
        """The value to store: ``SECRET`` and secret-named keys become ``REDACTED``."""
        if value is SECRET:
            return REDACTED
        if isinstance(value, LazyObject):
            return Unknown(value.text)  # a whole resource instance: its computed attributes are unknown
        if isinstance(value, dict):
            result = {}
            for key, item in value.items():
                if is_secret_key(key) and not isinstance(item, dict | list):
                    self.remember(item)
                    result[key] = REDACTED
                elif (
                    is_secret_key(key)
                    and isinstance(item, list)
                    and not any(isinstance(i, dict | list) for i in item)
                ):
                    self.remember(item)
                    result[key] = [REDACTED for _ in item]
                else:
                    result[key] = self.finalize(item)
            redact_name_value(result, self)
            return result
        if isinstance(value, list):
            return [self.finalize(item) for item in value]
        return value

    def redact(self, value: Any) -> str:
        """A secret-named attribute: remember its literal(s), store ``REDACTED``."""
        if value is not SECRET:
            self.remember(value)
        return REDACTED

    def scrub(self, value: Any) -> Any:
        if not self.literals:
            return value
        if isinstance(value, str):
            return self._scrub_text(value)
        if isinstance(value, Unknown):
            text = self._scrub_text(value.expression)
            return value if text == value.expression else Unknown(text)
        if isinstance(value, dict):
            return {key: self.scrub(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        return value

    def _scrub_text(self, text: str) -> str:
        for literal in sorted(self.literals, key=lambda x: (-len(x), x)):
            if literal in text:
                if len(literal) >= WHOLE_TOKEN_BELOW:
                    text = text.replace(literal, REDACTED)
                else:
                    text = _token(literal).sub(REDACTED, text)
        return text


@lru_cache(maxsize=256)
def _token(literal: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(literal)}(?![A-Za-z0-9])")


def redact_name_value(item: dict, book: SecretBook) -> None:
    """``{name = "auth.password", value = "…"}`` (helm ``set``, env lists): the value is a secret."""
    name = item.get("name")
    if isinstance(name, str) and "value" in item and is_secret_key(name.rsplit(".", 1)[-1]):
        if item["value"] != REDACTED:
            book.remember(item["value"])
        item["value"] = REDACTED
