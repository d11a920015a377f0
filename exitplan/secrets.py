"""Which attribute, key and variable names hold secrets.

Shared by the loaders: a value under a secret-named key becomes ``model.REDACTED`` on load.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Name fragments that mark a secret wherever they appear in a name (``db_password``, ``adminPassword``).
_SECRET_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "privatekey",
    "apikey",
    "accesskey",
    "secretkey",
    "signingkey",
    "encryptionkey",
    "masterkey",
    "connectionstring",
    "credential",
    "sastoken",
    "sharedkey",
    "primarykey",
    "secondarykey",
    "authkey",
    "pwd",
)

#: Names that contain a secret word but only name or point at a secret, never hold one.
_NOT_SECRET = re.compile(
    r"(_?(arn|arns|id|ids|name|names|ref|version|versions|length|rotation.*|ttl|type|path|policy|"
    r"id_?ref|key_?id|uri|url|enabled|count)$)|^(token_?)?(type|expiry|ttl)$|secret_?(name|ref)s?",
)


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def is_secret_key(name: str) -> bool:
    """True when a value stored under ``name`` is a secret (case-insensitive, also as suffix or infix)."""
    if not isinstance(name, str) or not name:
        return False
    return _is_secret_name(name)


#: Loaders ask about the same few thousand attribute and key names over and over.
@lru_cache(maxsize=8192)
def _is_secret_name(name: str) -> bool:
    lowered = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower().replace("-", "_")
    if _NOT_SECRET.search(lowered):
        return False
    compact = _normalise(name)
    return any(word in compact for word in _SECRET_WORDS)
