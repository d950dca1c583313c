"""How ``WXMClient`` sends one call: bounded concurrency, retries, errors, decoding.

Every namespace method is a few lines over ``Sender.call``: the path, the body, whether
the call is idempotent, and the type of the answer.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote

import anyio
import httpx
from attrs import define, field

from ._auth import WXMAuth
from ._converter import decode, error_body, json_body, unstructure
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    RateLimitedError,
    error_for_status,
)
from ._rate import TokenBucket
from ._retry import RetryPolicy, parse_retry_after

__all__ = ["Sender", "redacted", "segment"]

T = TypeVar("T")

_log = logging.getLogger("wxm_async.client")


@define
class Sender:
    """Sends calls through one ``httpx.AsyncClient``, at most ``limiter`` at a time."""

    http: httpx.AsyncClient
    limiter: anyio.CapacityLimiter
    retries: RetryPolicy
    clock: Callable[[], float] = time.monotonic
    random: Callable[[], float] = field(factory=lambda: random.random)
    rate: TokenBucket | None = None  # WXMClient(rate_limit=...): paces every attempt

    async def call(
        self,
        method: str,
        path: str,
        answer: type[T],
        *,
        body: object = None,
        idempotent: bool,
        timeout: httpx.Timeout | float | None = None,
    ) -> T:
        """Send one call and decode its answer into ``answer`` (a type).

        Args:
            method: ``"GET"`` or ``"POST"``.
            path: The path below the base URL, e.g. ``/api/Questions/Active``.
            answer: The type of the decoded answer: a model, ``list[Model]``, ``int``...
            body: A model or plain JSON to send, or ``None`` for no body.
            idempotent: Whether the call may safely be sent twice.
            timeout: httpx's timeouts for this call only; default the client's.

        Raises:
            APIStatusError: WXM answered with an error status (the subclass for it).
            APIConnectionError: No answer, after the retries.
            DecodeError: The answer does not fit ``answer``.
        """
        response = await self.send(method, path, body=body, idempotent=idempotent, timeout=timeout)
        what = f"the answer to {method} {path}"
        request = redacted(response.request)
        data = json_body(response, what=what, request=request)
        return decode(data, answer, what=what, request=request)  # type: ignore[no-any-return]

    async def send(
        self,
        method: str,
        path: str,
        *,
        body: object = None,
        idempotent: bool,
        timeout: httpx.Timeout | float | None = None,
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
        token_retries = 0  # retries of a 401 whose token the auth has dropped since
        while True:  # bounded: by the policy's attempts, and as many token retries
            attempt += 1
            login_failure: APIStatusError | None = None
            try:
                async with self.limiter:
                    if self.rate is not None:
                        await self.rate.acquire()
                    response = await self.http.request(
                        method,
                        path,
                        content=content,
                        headers=headers,
                        timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
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
            if (
                outcome == 401
                and login_failure is None
                and token_retries < self.retries.attempts - 1
                and _token_replaced(self.http.auth, response.request)
            ):
                # The auth's one replay met a 401 too, with a token the auth no longer
                # holds: another request has logged in since (WXM revoked twice), or the
                # token came from a login that began before the revocation. Try again at
                # once; the auth logs in only if no newer token exists. A 401 on the
                # token the auth still holds is final. These retries have a budget of
                # their own, as large as the policy's: a race over tokens is no sign that
                # WXM is failing, and must not use up the retries for when it is.
                token_retries += 1
                wait: float | None = 0.0
            else:
                wait = self.retries.wait_before_retry(
                    attempt=attempt - token_retries,
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


def _token_replaced(auth: httpx.Auth | None, sent: httpx.Request) -> bool:
    """Whether ``auth`` no longer holds the token ``sent`` carried (another, or none)."""
    if not isinstance(auth, WXMAuth):
        return False
    current = auth.store.current()  # never I/O, for every store
    return current is None or current.authorization != sent.headers.get("authorization")


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
        retry_after=retry_after,
    )


def redacted(request: httpx.Request) -> httpx.Request:
    """Copy ``request`` without its ``Authorization`` header, for errors to carry."""
    headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "authorization"]
    try:
        content: bytes | None = request.content
    except httpx.RequestNotRead:
        content = None
    return httpx.Request(request.method, request.url, headers=headers, content=content)


def _connection_error(exc: httpx.TransportError, method: str, path: str) -> APIConnectionError:
    try:
        request: httpx.Request | None = redacted(exc.request)
    except RuntimeError:  # httpx raised it before it had a request
        request = None
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
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
