"""What a shared store keeps at rest: the token and the last rejected login, versioned.

The record is a JSON document, ``{"version": 1, "token": ..., "failure": ...}``: the
token in WXM's own wire format, with wall-clock facts beside it, spelled by the one
converter (``_converter``). Monotonic deadlines mean nothing to another process, so the
record keeps the expiry on the wall clock; each reader turns it back into deadlines on
its own monotonic clock. A rejected login is kept without the password, as what WXM
answered, and rebuilt into the same error in every process.
"""

from __future__ import annotations

import json

import httpx
from attrs import frozen

from .._converter import structure, unstructure
from .._exceptions import AuthenticationError, DecodeError, login_rejected
from .._models import AccessToken

__all__ = [
    "AT_REST_VERSION",
    "AtRest",
    "StoredFailure",
    "StoredToken",
    "decode_at_rest",
    "encode_at_rest",
    "failure_error",
    "failure_record",
]


@frozen(kw_only=True)
class StoredToken:
    """A token as a shared store keeps it at rest: WXM's answer and wall-clock facts.

    Monotonic deadlines mean nothing to another process, so the store keeps the expiry
    on the wall clock and the refresh as a leeway before it; each reader turns them
    back into deadlines on its own monotonic clock.

    Attributes:
        token: WXM's login answer.
        expires: When the token expires, in seconds since the epoch (``time.time()``).
        refresh_leeway: How long before ``expires`` it is due for refresh, in seconds.
    """

    token: AccessToken
    expires: float
    refresh_leeway: float


@frozen(kw_only=True)
class StoredFailure:
    """A rejected login as a shared store keeps it, for the other processes to raise.

    Never the password: only what WXM answered and where.

    Attributes:
        message: The error's message.
        url: The login URL (it carries no secret).
        status_code: WXM's status (400 or 401; 200 for a refusal in a success's body).
        error: WXM's ``error`` code, or ``None``.
        error_description: WXM's explanation, or ``None``.
        until: When the failure stops being shared, in seconds since the epoch.
        since: When the login was rejected, in seconds since the epoch; ``None`` in
            records written before it was kept.
        rejections: How many logins in a row the fleet saw rejected, this one
            included; ``None`` in records written before it was kept. Kept past
            ``until``, until a login succeeds, so that the next window doubles.
    """

    message: str
    url: str
    status_code: int
    error: str | None = None
    error_description: str | None = None
    until: float
    since: float | None = None
    rejections: int | None = None


@frozen(kw_only=True)
class AtRest:
    """Everything a shared store keeps for one account: a token, a failure, or both.

    Attributes:
        token: The current token, or ``None``.
        failure: The last rejected login, while it is shared, or ``None``.
    """

    token: StoredToken | None = None
    failure: StoredFailure | None = None


AT_REST_VERSION = 1
"""The version of the at-rest document; a store refuses any other."""


def encode_at_rest(record: AtRest) -> bytes:
    """Encode what a shared store keeps as a versioned JSON document."""
    document = {"version": AT_REST_VERSION, **unstructure(record)}
    return json.dumps(document, separators=(",", ":")).encode()


def decode_at_rest(data: bytes, *, what: str) -> AtRest:
    """Decode a document ``encode_at_rest`` made.

    The document is never quoted in an error: it holds a token.

    Args:
        data: The stored bytes.
        what: Where they came from, for the message (``"the token file /run/wxm"``).

    Raises:
        DecodeError: The bytes are not such a document, or of another version.
    """
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: too deep
        raise DecodeError(f"could not decode {what}: it is not JSON ({len(data)} bytes)") from None
    if isinstance(document, dict) and document.get("version") != AT_REST_VERSION:
        version = document.get("version")
        shown = repr(version) if isinstance(version, int) or version is None else "of another kind"
        raise DecodeError(
            f"could not decode {what}: version {shown[:20]}, "
            f"expected {AT_REST_VERSION} (written by another version of wxm_async?)"
        )
    return structure(document, AtRest, what=what, request=None)


def failure_record(
    error: AuthenticationError, *, since: float, window: float, rejections: int
) -> StoredFailure:
    """What a shared store keeps of a rejected login: WXM's answer, never the password.

    Args:
        error: The login's rejection.
        since: When it was rejected, in seconds since the epoch.
        window: How long it is shared, in seconds.
        rejections: How many logins in a row were rejected, this one included.
    """
    return StoredFailure(
        message=error.message,
        url=str(error.request.url) if error.request is not None else "",
        status_code=error.status_code,
        error=error.error,
        error_description=error.error_description,
        since=since,
        until=since + window,
        rejections=rejections,
    )


def failure_error(failure: StoredFailure) -> AuthenticationError:
    """Rebuild the error of a login another process saw rejected."""
    body = {
        key: value
        for key, value in (
            ("error", failure.error),
            ("error_description", failure.error_description),
        )
        if value is not None
    }
    return login_rejected(
        failure.message,
        request=_login_request(failure.url),
        status_code=failure.status_code,
        body=body or None,
        error=failure.error,
        error_description=failure.error_description,
    )


def _login_request(url: str) -> httpx.Request | None:
    """The login a recorded rejection answered, or ``None`` if its URL does not parse.

    The record comes from another process, or from whoever could write it: a URL
    httpx refuses must not turn the rejection into httpx's ``InvalidURL``.
    """
    if not url:
        return None
    try:
        return httpx.Request("POST", url)
    except httpx.InvalidURL:
        return None
