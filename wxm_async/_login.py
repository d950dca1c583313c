"""One login: where it goes, the request that carries the password, and what WXM's answer means.

Kept free of the auth flow, so that each rule is tested directly:

- The login goes below the same prefix as the request it precedes (everything before
  the request's ``/api/`` segment), so that a gateway at ``https://gw.example/wxm``
  gets ``/wxm/api/LoginToken``; a relative ``token_url`` resolves against the request.
- Plain ``http://`` is refused for the login unless the host is loopback or the caller
  allowed it: the password would cross the network in clear.
- The password travels in a one-shot body (``LoginBody``): sent once, then gone. An
  exception that escapes while the login is in flight (connection refused, timeout, a
  redirect followed by the client) carries a request whose body no longer holds it,
  and a 307/308 redirect cannot post it a second time.
- A login answered by a redirect is an error that names where it was sent.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Iterable
from urllib.parse import urlencode

import httpx
from attrs import evolve

from ._body import error_body
from ._converter import decode_response
from ._exceptions import (
    ConfigurationError,
    DecodeError,
    WXMError,
    error_for_status,
    login_rejected,
)
from ._models import AccessToken
from ._models._access_token import unusable
from ._redact import CREDENTIAL_HEADERS, mask_echoed_secrets, redacted, without_query
from ._retry_after import retry_after_of
from ._stores._token import CachedToken, cache_token

__all__ = [
    "LOGIN_PATH",
    "PROBE_PATH",
    "LoginBody",
    "LoginRequest",
    "api_url",
    "interpret_login",
    "is_login",
    "login_request",
    "login_url",
    "probe_request",
]

#: Where WXM hands out tokens, below the API's prefix.
LOGIN_PATH = "/api/LoginToken"
#: A cheap call every live token may make: it tells a dead token from a refusing endpoint.
PROBE_PATH = "/api/Profile"
#: Marks the requests the auth makes of its own (the login, the probe).
_EXTENSION = "wxm_async.role"

#: Headers of the request that never travel with the login or the probe: credentials,
#: the body's description, hop-by-hop and conditional headers.
_NOT_FORWARDED = CREDENTIAL_HEADERS | {
    "accept",
    "connection",
    "expect",
    "host",
    "keep-alive",
    "range",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


class LoginBody(httpx.AsyncByteStream):
    """The login's form body, which holds the password: it can be sent once only.

    Once sent, or once the login is over (``aclose()``), the bytes are dropped, so no
    request left in an exception holds them. A second send (a client following a
    307/308 redirect) raises ``ConfigurationError`` instead of posting the password to
    wherever the redirect pointed.
    """

    def __init__(self, body: bytes, url: httpx.URL) -> None:
        self._body: bytes | None = body
        self._url = url

    def __repr__(self) -> str:
        return "<LoginBody (the password, sent once)>"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        body, self._body = self._body, None
        if body is None:
            raise ConfigurationError(
                f"the login to {without_query(self._url)} was redirected, and wxm_async never "
                "sends the password twice or anywhere but the token URL: point base_url or "
                "token_url at where WXM logs in"
            )
        yield body

    async def aclose(self) -> None:
        """Drop the bytes: the login is over."""
        self.drop()

    def drop(self) -> None:
        """Drop the bytes: the login is over."""
        self._body = None

    def peek(self) -> bytes:
        """The bytes not yet sent (``b""`` once sent), without sending them."""
        return self._body or b""


class LoginRequest(httpx.Request):
    """The login request: reading its body into memory keeps the body one-shot.

    httpx's ``Request.aread()`` would swap a streamed body for a replayable copy (an
    event hook that logs bodies calls it), and a 307/308 redirect would then post the
    password again. Here the copy is only kept for ``.content``, and dropped with the
    password when the login is over (``forget_password()``).
    """

    def read(self) -> bytes:
        """Return the body without spending it."""
        if not hasattr(self, "_content"):
            self._content = self._body().peek()
        return self._content

    async def aread(self) -> bytes:
        """Return the body without spending it."""
        return self.read()

    def forget_password(self) -> None:
        """Drop every copy of the body: the login is over, or never will be."""
        vars(self).pop("_content", None)  # where httpx keeps a body read into memory
        self._body().drop()

    def _body(self) -> LoginBody:
        assert isinstance(self.stream, LoginBody)
        return self.stream


def api_url(request: httpx.Request, path: str) -> httpx.URL:
    """``path`` (``/api/...``) below the prefix of ``request``: what comes before its ``/api/``.

    Without user info: no transport sends it, and the login's or probe's URL shows in
    httpx's log lines and errors.
    """
    raw_path = request.url.raw_path.partition(b"?")[0]
    at = raw_path.find(b"/api/")
    prefix = raw_path[:at] if at > 0 else b""
    raw = prefix + path.encode("ascii")
    return request.url.copy_with(raw_path=raw, fragment=None, userinfo=b"")


def login_url(
    request: httpx.Request, token_url: httpx.URL | None, *, allow_insecure_http: bool
) -> httpx.URL:
    """Where the login that ``request`` waits on goes.

    Args:
        request: The request being authorized.
        token_url: The caller's token URL, absolute or relative to ``request``; or
            ``None`` for ``/api/LoginToken`` below the request's prefix.
        allow_insecure_http: Whether plain ``http://`` to a host that is not loopback
            is allowed.

    Raises:
        ConfigurationError: The login would post the password in clear over a network.
    """
    if token_url is None:
        url = api_url(request, LOGIN_PATH)
    else:
        url = request.url.join(token_url).copy_with(userinfo=b"")  # as api_url's
    if url.scheme == "http" and not allow_insecure_http and not _is_loopback(url.host):
        raise ConfigurationError(
            f"refusing to send the password in clear to {without_query(url)}: use https://, "
            "or WXMAuth(..., allow_insecure_http=True) if the network is trusted",
            request=redacted(request),
        )
    return url


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":  # not *.localhost: a resolver may send those anywhere
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _forwarded_headers(request: httpx.Request, url: httpx.URL) -> dict[str, str]:
    """The headers of ``request`` that go along to ``url``: all but credentials and the like.

    So a gateway's key set on the client travels with the login. Nothing but the
    User-Agent goes to another origin.
    """
    same_origin = (url.scheme, url.host, url.port) == (
        request.url.scheme,
        request.url.host,
        request.url.port,
    )
    headers = {"Accept": "application/json"}
    for name, value in request.headers.items():
        lowered = name.lower()
        if lowered == "user-agent" or (
            same_origin
            and lowered not in _NOT_FORWARDED
            and not lowered.startswith(("content-", "if-"))
        ):
            headers[name] = value
    return headers


def _own_extensions(request: httpx.Request, role: str) -> dict[str, object]:
    extensions: dict[str, object] = {_EXTENSION: role}
    if "timeout" in request.extensions:
        extensions["timeout"] = request.extensions["timeout"]
    return extensions


def login_request(
    request: httpx.Request, url: httpx.URL, *, username: str, password: str
) -> LoginRequest:
    """Build the login that ``request`` waits on, to ``url`` (see ``login_url``).

    It keeps the request's timeouts and forwards its headers but credentials (see
    ``_forwarded_headers``); its body is a ``LoginBody``.
    """
    body = urlencode({"grant_type": "password", "username": username, "password": password})
    headers = _forwarded_headers(request, url)
    headers["Host"] = url.netloc.decode("ascii")  # httpx adds it only to bodies it builds
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Content-Length"] = str(len(body))
    return LoginRequest(
        "POST",
        url,
        headers=headers,
        stream=LoginBody(body.encode(), url),
        extensions=_own_extensions(request, "login"),
    )


def probe_request(request: httpx.Request, authorization: str) -> httpx.Request:
    """Build the cheap call that asks WXM whether a token that met 401 still lives."""
    url = api_url(request, PROBE_PATH)
    headers = _forwarded_headers(request, url)
    headers["Authorization"] = authorization
    return httpx.Request("GET", url, headers=headers, extensions=_own_extensions(request, "probe"))


def is_login(request: httpx.Request) -> bool:
    """Whether ``request`` is a login the auth made."""
    return request.extensions.get(_EXTENSION) == "login"


def interpret_login(
    response: httpx.Response,
    *,
    username: str,
    received_at: float,
    max_leeway: float,
    requested_at: float | None = None,
    sent: httpx.Request | None = None,
    secrets: Iterable[str] = (),
) -> CachedToken | WXMError:
    """Turn WXM's answer to a login into a token, or into the error to raise.

    The response must have been read. Errors carry a copy of the login request without
    its body, so that the password does not travel with them; an answer that is not a
    token has ``secrets`` masked in it before any error is built from it.

    A login is rejected when WXM answers 400 or 401, or answers a success whose body
    holds ``error`` or ``error_description`` and no ``access_token``: WXM's own SDK
    tells a failed login by its body, not by its status.

    Args:
        response: WXM's answer to ``POST /api/LoginToken``.
        username: Who logged in, for messages.
        requested_at: When the login was sent, on the monotonic clock.
        sent: The login as the auth built it; an answer to another request means the
            client followed a redirect.
        received_at: When the answer arrived, on the monotonic clock.
        max_leeway: The most time before expiry at which to refresh, in seconds.
        secrets: The password and the two-factor code, masked as ``***`` in an answer
            that is not a token (a server may quote the form it refused).

    Returns:
        The token, or the error: ``ConfigurationError`` for a redirected login,
        ``DecodeError`` for a malformed success or a token that cannot be used,
        ``AuthenticationError`` (``TwoFactorRequiredError``) for a rejected login,
        another ``APIStatusError`` for any other status.
    """
    request = redacted(response.request, keep_body=False)
    redirect = _redirect(response, sent)
    if redirect is not None:
        return ConfigurationError(redirect, request=request)
    if response.is_success and not _refused(error_body(response)):
        return _token(response, request, requested_at, received_at, max_leeway, secrets)
    mask_echoed_secrets(response, secrets)
    body = error_body(response)
    status = f"{response.status_code} {response.reason_phrase}".strip()
    if response.status_code in (400, 401) or response.is_success:
        return _rejection(response, request, body, username=username, status=status)
    return error_for_status(
        f"the login for {username!r} failed: WXM answered {status}",
        request=request,
        status_code=response.status_code,
        body=body,
        response=response,
        retry_after=retry_after_of(response),
    )


def _refused(body: object) -> bool:
    """Whether a success's body is a rejection: WXM's reason, and no token."""
    return (
        isinstance(body, dict)
        and "access_token" not in body
        and bool(_string_field(body, "error") or _string_field(body, "error_description"))
    )


def _rejection(
    response: httpx.Response, request: httpx.Request, body: object, *, username: str, status: str
) -> WXMError:
    """The error for a login WXM rejected (400, 401, a refusal in a 200), with its reason."""
    code = _string_field(body, "error")
    description = _string_field(body, "error_description")
    reason = f"{code}: {description}" if code and description else code or description
    return login_rejected(
        f"WXM rejected the login for {username!r} ({status})" + (f": {reason}" if reason else ""),
        request=request,
        status_code=response.status_code,
        body=body,
        error=code,
        error_description=description,
        response=response,
    )


def _redirect(response: httpx.Response, sent: httpx.Request | None) -> str | None:
    """Say where a redirected login went, or ``None`` if it was not redirected.

    ``response.history`` cannot tell: within an auth flow, httpx puts the flow's earlier
    answers there too. A followed redirect shows as an answer to another request.
    """
    origin = sent if sent is not None else response.request
    if response.request is not origin:
        target = str(without_query(response.url))
    elif 300 <= response.status_code < 400 and "location" in response.headers:
        try:
            target = str(without_query(response.url.join(response.headers["location"])))
        except (httpx.InvalidURL, ValueError, KeyError):
            target = "an unreadable location"
    else:
        return None
    return (
        f"the login to {without_query(origin.url)} was redirected to {target}; wxm_async "
        "does not follow a login's redirects: point base_url or token_url at where WXM "
        "logs in"
    )


def _token(
    response: httpx.Response,
    request: httpx.Request,
    requested_at: float | None,
    received_at: float,
    max_leeway: float,
    secrets: Iterable[str],
) -> CachedToken | WXMError:
    what = "the LoginToken answer"
    try:
        token = decode_response(response, AccessToken, what=what, request=request)
    except DecodeError as error:
        return error
    masked = name = token.user_name or ""
    for secret in filter(None, secrets):  # a server echoing "user#123456" back
        masked = masked.replace(secret, "***")
    if masked != name:
        token = evolve(token, user_name=masked)
    problem = unusable(token)
    if problem is not None:
        return DecodeError(f"could not decode {what}: {problem}", request=request)
    return cache_token(
        token, requested_at=requested_at, received_at=received_at, max_leeway=max_leeway
    )


def _string_field(body: object, key: str) -> str | None:
    value = body.get(key) if isinstance(body, dict) else None
    return value if isinstance(value, str) and value else None
