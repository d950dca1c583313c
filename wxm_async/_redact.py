"""Copies of requests that are safe to keep in an error: no credentials, no body secrets.

Every error that carries a request carries one of these copies, so that whatever path an
error takes, the ``Authorization`` header and the login's form body stay behind.
"""

from __future__ import annotations

import httpx

__all__ = ["CREDENTIAL_HEADERS", "redacted", "without_query"]

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
