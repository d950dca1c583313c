"""Copies of requests that are safe to keep in an error: no credentials, no body secrets.

Every error that carries a request carries one of these copies, so that whatever path an
error takes, the ``Authorization`` header and the login's form body stay behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

import httpx

__all__ = ["CREDENTIAL_HEADERS", "mask_echoed_secrets", "redacted", "without_query"]

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
    url = request.url.copy_with(userinfo=b"") if request.url.userinfo else request.url
    return httpx.Request(request.method, url, headers=headers, content=content, extensions={})


def without_query(url: httpx.URL) -> httpx.URL:
    """``url`` without its query and fragment, for messages."""
    return url.copy_with(query=None, fragment=None)


def mask_echoed_secrets(response: httpx.Response, secrets: Iterable[str]) -> None:
    """Mask, in a read answer, each secret the server echoed back, as ``***``.

    A gateway or a server that quotes the request it refuses (``bad request:
    username=...&password=...``) would otherwise put the password in the error's
    message, its ``body`` and its ``.response``. Each secret is masked as sent (in
    the form body, percent-encoded), as written raw, and as JSON escapes it.

    Args:
        response: An answer whose body was read into memory.
        secrets: The password, the two-factor code; empty ones are skipped.
    """
    content = response.content
    for secret in secrets:
        if not secret:
            continue
        forms = {secret, quote_plus(secret), quote(secret, safe=""), json.dumps(secret)[1:-1]}
        for form in sorted(forms, key=len, reverse=True):
            content = content.replace(form.encode(), b"***")
    if content != response.content:
        response._content = content  # the body httpx keeps, and every error built from it
