"""How ``WXMClient`` sends one call: bounded concurrency, retries, errors, decoding.

Every namespace method is a few lines over ``Sender.call``: the path, the body, whether
the call is idempotent, and the type of the answer.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar
from urllib.parse import quote

import anyio
import httpx
from attrs import define, field

from ._converter import decode, error_body, json_body, unstructure
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    RateLimitedError,
    error_for_status,
)
from ._login import is_login
from ._redact import redacted, without_query
from ._retry import RetryPolicy, parse_retry_after

__all__ = ["QueryParams", "Sender", "caller_path", "segment", "status_error"]

T = TypeVar("T")

_Scalar = str | int | float | bool | None
QueryParams = Mapping[str, _Scalar | Sequence[_Scalar]] | httpx.QueryParams
"""Query parameters: a mapping of names to a value or a sequence of values."""

_log = logging.getLogger("wxm_async.client")


@define
class Sender:
    """Sends calls through one ``httpx.AsyncClient``, at most ``limiter`` at a time."""

    http: httpx.AsyncClient
    limiter: anyio.CapacityLimiter
    retries: RetryPolicy
    clock: Callable[[], float] = time.monotonic
    random: Callable[[], float] = field(factory=lambda: random.random)
    timeout: httpx.Timeout | None = None  # None: the httpx client's own

    async def call(
        self,
        method: str,
        path: str,
        answer: type[T],
        *,
        body: object = None,
        idempotent: bool,
    ) -> T:
        """Send one call and decode its answer into ``answer`` (a type).

        Args:
            method: ``"GET"`` or ``"POST"``.
            path: The path below the base URL, e.g. ``/api/Questions/Active``.
            answer: The type of the decoded answer: a model, ``list[Model]``, ``int``...
            body: A model or plain JSON to send, or ``None`` for no body.
            idempotent: Whether the call may safely be sent twice.

        Raises:
            APIStatusError: WXM answered with an error status (the subclass for it).
            APIConnectionError: No answer, after the retries.
            DecodeError: The answer does not fit ``answer``.
        """
        response = await self.send(method, path, body=body, idempotent=idempotent)
        what = f"the answer to {method} {path}"
        request = redacted(response.request)
        data = json_body(response, what=what, request=request)
        return decode(data, answer, what=what, request=request)  # type: ignore[no-any-return]

    async def send(
        self, method: str, path: str, *, body: object = None, idempotent: bool
    ) -> httpx.Response:
        """Send one call, retrying as the policy says; return the successful response.

        Raises:
            APIStatusError: WXM answered with an error status (the subclass for it).
            APIConnectionError: No answer, after the retries.
        """
        content = None if body is None else json.dumps(unstructure(body)).encode()
        headers = {"Content-Type": "application/json"} if content is not None else None
        started = self.clock()
        attempt = 0
        while True:  # bounded by the policy's attempts and time
            attempt += 1
            login_failure: APIStatusError | None = None
            try:
                async with self.limiter:
                    response = await self.http.request(
                        method,
                        path,
                        content=content,
                        headers=headers,
                        timeout=httpx.USE_CLIENT_DEFAULT if self.timeout is None else self.timeout,
                    )
            except httpx.TransportError as exc:
                outcome: int | httpx.TransportError = exc
                retry_after = None
            except APIStatusError as exc:
                # The auth's login failed (5xx, 429, ...): the call itself was not sent,
                # so it may be retried whatever it is, and any 5xx counts as busy.
                login_failure = exc
                outcome = 503 if exc.status_code >= 500 else exc.status_code
                retry_after = exc.retry_after if isinstance(exc, RateLimitedError) else None
            else:
                if response.is_success:
                    return response
                outcome = response.status_code
                retry_after = parse_retry_after(response.headers.get("retry-after"))
            wait = self.retries.wait_before_retry(
                attempt=attempt,
                elapsed=self.clock() - started,
                idempotent=idempotent or login_failure is not None,
                outcome=outcome,
                retry_after=retry_after,
                random=self.random,
            )
            if wait is None:
                if login_failure is not None:
                    raise login_failure
                if isinstance(outcome, httpx.TransportError):
                    raise _connection_error(outcome, method, path) from outcome
                raise status_error(response, retry_after=retry_after)
            _log.info(
                "WXM %s %s: %s; retry %d in %.2f s",
                method,
                path,
                _describe(outcome)
                if login_failure is None
                else f"the login answered {login_failure.status_code}",
                attempt,
                wait,
                extra={"wxm_retry": attempt, "wxm_wait": wait},
            )
            await anyio.sleep(wait)


def segment(value: str) -> str:
    """Quote ``value`` as one path segment, so that an id can never change the path.

    Raises:
        ConfigurationError: ``value`` is empty.
    """
    if not value:
        raise ConfigurationError("an id in a WXM path must not be empty")
    return quote(value, safe="")


def status_error(response: httpx.Response, *, retry_after: float | None = None) -> APIStatusError:
    """Build the error for a read response with an error status.

    Its message names the call and the status, and WXM's own explanation (``message``
    or ``error_description``) when the body has one.
    """
    request = redacted(response.request)
    body = error_body(response)
    reason = _reason(body)
    status = f"{response.status_code} {response.reason_phrase}".strip()
    return error_for_status(
        f"{request.method} {request.url.path}: WXM answered {status}"
        + (f": {reason}" if reason else ""),
        request=request,
        status_code=response.status_code,
        body=body,
        response=response,
        retry_after=retry_after,
    )


def _connection_error(exc: httpx.TransportError, method: str, path: str) -> APIConnectionError:
    """The error for a call that got no answer: its own, or its login's.

    It carries a copy of the request that failed without credentials or (for a login)
    body, and its message names that request.
    """
    try:
        sent: httpx.Request | None = exc.request
    except RuntimeError:  # httpx raised it before it had a request
        sent = None
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    if sent is not None and is_login(sent):
        what = f"the login ({sent.method} {without_query(sent.url)}) before {method} {path}"
        return cls(f"{what}: no answer from WXM ({_describe(exc)})", request=redacted(sent))
    request = redacted(sent) if sent is not None else None
    return cls(f"{method} {path}: no answer from WXM ({_describe(exc)})", request=request)


def _describe(outcome: int | httpx.TransportError) -> str:
    if isinstance(outcome, int):
        return f"status {outcome}"
    detail = str(outcome)
    return f"{type(outcome).__name__}: {detail}" if detail else type(outcome).__name__


def _reason(body: object) -> str | None:
    if isinstance(body, dict):
        for key in ("message", "Message", "error_description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    if isinstance(body, str) and body and len(body) <= 200 and "<" not in body:
        return body.strip() or None
    return None


def caller_path(path: str, params: QueryParams | None = None) -> str:
    """Check a caller's ``path`` stays below the base URL; add ``params`` to its query.

    The token goes wherever the path leads, so a path may not name a scheme or a host
    (``https://elsewhere/``, ``//elsewhere/``) nor climb out of the base URL's path with
    ``..`` (also percent-encoded, or between backslashes, which .NET servers treat as
    slashes).

    Raises:
        ConfigurationError: ``path`` is empty, not a URL, or leaves the base URL.
    """
    try:
        url = httpx.URL(path)
    except httpx.InvalidURL:
        raise ConfigurationError("the path is not a valid URL path") from None
    segments = url.path.replace("\\", "/").split("/")  # url.path is percent-decoded
    if not path or url.is_absolute_url or url.host or path.startswith("//"):
        raise ConfigurationError("give a path below the base URL, such as /api/Profile")
    if any(part in (".", "..") for part in segments):
        raise ConfigurationError("a path must not contain '.' or '..' segments")
    if params:
        url = url.copy_merge_params(httpx.QueryParams(params))
    return str(url.copy_with(fragment=None))
