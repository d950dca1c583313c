"""Copies of requests that are safe to keep in an error: no credentials, no body secrets.

Every error that carries a request carries one of these copies, so that whatever path an
error takes, the ``Authorization`` header and the login's form body stay behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import httpx

__all__ = [
    "CREDENTIAL_HEADERS",
    "mask_echoed_secrets",
    "redacted",
    "without_query",
]

#: Headers that carry credentials; never copied into an error or onto a login.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


def redacted(request: httpx.Request, *, keep_body: bool = True) -> httpx.Request:
    """Copy ``request`` without its credential headers or URL user info, for an error.

    Args:
        request: The request the error concerns.
        keep_body: Whether to copy a body that was already read into memory (an API
            call's JSON). A stream's body is never copied: it may not be readable
            again, and a login's body is the password.
    """
    headers = [
        (k, v) for k, v in request.headers.multi_items() if k.lower() not in CREDENTIAL_HEADERS
    ]
    content: bytes | None = None
    if keep_body and isinstance(request.stream, httpx.ByteStream):
        try:
            content = request.content
        except httpx.RequestNotRead:
            content = None
    url = request.url.copy_with(userinfo=b"")
    return httpx.Request(request.method, url, headers=headers, content=content, extensions={})


def without_query(url: httpx.URL) -> httpx.URL:
    """``url`` as a message or log line shows it: without query, fragment or user info.

    A query may hold a key and user info a gateway's password (``https://user:pass@``).
    """
    return url.copy_with(query=None, fragment=None, userinfo=b"")


def mask_echoed_secrets(response: httpx.Response, secrets: Iterable[str]) -> None:
    """Mask, in a read answer, each secret the server echoed back, as ``***``.

    A gateway or a server that quotes the request it refuses (``bad request:
    username=...&password=...``) would otherwise put the password in the error's
    message, its ``body`` and its ``.response``. Servers quote text in many encodings,
    and a password holds any character, so each secret is matched character by
    character in every spelling of it (``_echo_pattern``), not as a few fixed strings.

    Args:
        response: An answer whose body was read into memory.
        secrets: The password, the two-factor code; empty ones are skipped.
    """
    content = response.content
    for secret in secrets:
        if secret:
            content = _echo_pattern(secret).sub(b"***", content)
    if content != response.content:
        response._content = content  # the body httpx keeps, and every error built from it


_JSON_SHORT = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f"}
_JSON_SHORT |= {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HTML_NAMED = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}


def _echo_pattern(secret: str) -> re.Pattern[bytes]:
    r"""A pattern matching ``secret`` in any spelling a server may quote it in.

    Each character may appear as itself (UTF-8), percent-encoded as a form or URL
    spells it (``%2B``, ``+`` for a space), as a JSON string escape (``\u002B``,
    ``\u00e9``, ``\"``: Json.NET, System.Text.Json and Python each escape other
    characters), or as an HTML character reference (``&amp;``, ``&#43;``). Hex digits
    match in either case. ASCII letters and digits, which no encoder escapes, are
    matched as they are: a token's pattern stays near its own size, and ``re`` keeps
    each compiled pattern in its cache. One alternation per other character and no
    repetition: a linear scan, whatever the body.
    """
    parts = []
    for char in secret:
        if char.isascii() and char.isalnum():  # no encoder escapes these: kept literal,
            parts.append(char)  # so that the pattern stays small and scans fast
            continue
        utf8 = char.encode()
        forms = [re.escape(utf8).decode("latin-1"), "".join(f"%{_hex(b, 2)}" for b in utf8)]
        units = char.encode("utf-16-be")
        escapes = [int.from_bytes(units[i : i + 2], "big") for i in range(0, len(units), 2)]
        forms.append("".join(f"\\\\u{_hex(unit, 4)}" for unit in escapes))
        forms.append(f"&\\#(?:0*{ord(char)}|[xX]0*{_hex(ord(char), 1)});?")
        if char == " ":
            forms.append("\\+")
        if char in _JSON_SHORT:
            forms.append(re.escape(_JSON_SHORT[char]))
        if char in _HTML_NAMED:
            forms.append(f"&{_HTML_NAMED[char]};")
        parts.append("(?:" + "|".join(forms) + ")")
    return re.compile("".join(parts).encode("latin-1"))


def _hex(value: int, width: int) -> str:
    """``value`` in hexadecimal digits, each matching either case."""
    return "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in f"{value:0{width}X}")
