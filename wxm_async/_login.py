"""One login: the request that asks WXM for a token, and what its answer means.

Kept free of I/O and of the auth flow, so that each answer WXM gives can be tested
directly.
"""

from __future__ import annotations

import httpx

from ._converter import decode_response, error_body
from ._exceptions import (
    AuthenticationError,
    DecodeError,
    TwoFactorRequiredError,
    WXMError,
    error_for_status,
)
from ._models import AccessToken
from ._retry import parse_retry_after
from ._store import CachedToken, cache_token

__all__ = ["LOGIN_PATH", "interpret_login", "login_request"]

#: Where WXM hands out tokens, below the API's origin.
LOGIN_PATH = "/api/LoginToken"


def login_request(
    request: httpx.Request, *, username: str, password: str, token_url: httpx.URL | None
) -> httpx.Request:
    """Build the login that ``request`` waits on.

    It goes to ``token_url``, or to ``/api/LoginToken`` at the origin of ``request``. It
    keeps the request's timeouts and User-Agent: it is sent by the caller's own client.
    """
    url = token_url if token_url is not None else request.url.join(LOGIN_PATH)
    headers = {"Accept": "application/json"}
    if "user-agent" in request.headers:
        headers["User-Agent"] = request.headers["user-agent"]
    extensions = (
        {"timeout": request.extensions["timeout"]} if "timeout" in request.extensions else {}
    )
    return httpx.Request(
        "POST",
        url,
        headers=headers,
        data={"grant_type": "password", "username": username, "password": password},
        extensions=extensions,
    )


def interpret_login(
    response: httpx.Response, *, username: str, received_at: float, max_leeway: float
) -> CachedToken | WXMError:
    """Turn WXM's answer to a login into a token, or into the error to raise.

    The response must have been read. Errors carry a copy of the login request without
    its body, so that the password does not travel with them.

    Args:
        response: WXM's answer to ``POST /api/LoginToken``.
        username: Who logged in, for messages.
        received_at: When the answer arrived, on the monotonic clock.
        max_leeway: The most time before expiry at which to refresh, in seconds.

    Returns:
        The token, or the error: ``DecodeError`` for a malformed success,
        ``AuthenticationError`` (``TwoFactorRequiredError``) for a rejected login,
        another ``APIStatusError`` for any other status.
    """
    request = httpx.Request(response.request.method, response.request.url)
    if response.is_success:
        try:
            token = decode_response(
                response, AccessToken, what="the LoginToken answer", request=request
            )
        except DecodeError as error:
            return error
        return cache_token(token, received_at=received_at, max_leeway=max_leeway)

    body = error_body(response)
    status = f"{response.status_code} {response.reason_phrase}".strip()
    if response.status_code in (400, 401):
        code = _string_field(body, "error")
        description = _string_field(body, "error_description")
        cls = TwoFactorRequiredError if code == "two_factor" else AuthenticationError
        reason = f"{code}: {description}" if code and description else code or description
        return cls(
            f"WXM rejected the login for {username!r} ({status})"
            + (f": {reason}" if reason else ""),
            request=request,
            status_code=response.status_code,
            body=body,
            error=code,
            error_description=description,
        )
    return error_for_status(
        f"the login for {username!r} failed: WXM answered {status}",
        request=request,
        status_code=response.status_code,
        body=body,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )


def _string_field(body: object, key: str) -> str | None:
    value = body.get(key) if isinstance(body, dict) else None
    return value if isinstance(value, str) and value else None
