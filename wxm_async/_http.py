"""How ``WXMClient`` sends one call: bounded concurrency, retries, errors, decoding.

Every namespace method is a few lines over ``Sender.call``: the path (built in
``_paths``), the body, whether the call is idempotent, and the type of the answer.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

import anyio
import httpx
from attrs import define, evolve, field

from ._body import ACCEPT_ENCODING, DEFAULT_MAX_ANSWER_BYTES, error_body, json_body, read_capped
from ._config import check_timeout
from ._converter import decode, unstructure
from ._emit import Emitter
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    DecodeError,
    WXMError,
    error_for_status,
)
from ._lifecycle import LoopBinding, open_once
from ._login import is_login
from ._rate import Pacer
from ._redact import mask_echoed_secrets, redacted, without_query
from ._retry import Failure, RetryPolicy, classify
from ._watch import CallWatch

__all__ = ["Sender", "status_error"]

T = TypeVar("T")

_log = logging.getLogger("wxm_async.client")


@define
class Sender:
    """Sends calls through one ``httpx.AsyncClient``, at most ``limiter`` at a time.

    Every answer, error bodies included, is read decoded up to ``max_answer_bytes``.
    """

    http: httpx.AsyncClient
    limiter: anyio.CapacityLimiter
    retries: RetryPolicy
    clock: Callable[[], float] = time.monotonic
    random: Callable[[], float] = field(factory=lambda: random.random)
    timeout: httpx.Timeout | None = None  # None: the httpx client's own
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    rate: Pacer | None = None  # WXMClient(rate_limit=...): paces every attempt
    events: Emitter = field(factory=Emitter)  # WXMClient(on_event=...)
    loop: LoopBinding = field(factory=LoopBinding)  # shared by derived senders

    def derived(
        self,
        timeout: httpx.Timeout | float | None,
        retries: RetryPolicy | None,
        max_concurrency: int | None,
    ) -> Sender:
        """A sender over the same httpx client with other options (``None``: the same).

        ``max_concurrency`` gives it a bound of its own; otherwise it shares this one's.
        """
        return evolve(
            self,
            timeout=self.timeout if timeout is None else httpx.Timeout(timeout),
            retries=self.retries if retries is None else retries,
            limiter=self.limiter
            if max_concurrency is None
            else anyio.CapacityLimiter(max_concurrency),
        )

    async def open(self) -> None:
        """Open the httpx client, for ``async with``: once, and never after it closed.

        Raises:
            ConfigurationError: It was opened or closed before.
        """
        await open_once(self.http)

    async def call(
        self,
        method: str,
        path: str,
        cast_to: type[T],
        *,
        body: object = None,
        idempotent: bool,
        timeout: httpx.Timeout | float | None = None,
        anonymous: bool = False,
    ) -> T:
        """Send one call and decode its answer into ``cast_to`` (a type).

        Args:
            method: ``"GET"`` or ``"POST"``.
            path: The path below the base URL, e.g. ``/api/Questions/Active``.
            cast_to: The type of the decoded answer: a model, ``list[Model]``, ``int``...
            body: A model or plain JSON to send, or ``None`` for no body.
            idempotent: Whether the call may safely be sent twice.
            timeout: httpx's timeouts for this call only; default the client's.
            anonymous: Send it without credentials (see ``send``).

        Raises:
            APIStatusError: WXM answered with an error status (the subclass for it).
            APIConnectionError: No answer, after the retries.
            DecodeError: The answer does not fit ``cast_to``.
            ResponseTooLargeError: The answer is larger than ``max_answer_bytes``.
        """
        response = await self.send(
            method, path, body=body, idempotent=idempotent, timeout=timeout, anonymous=anonymous
        )
        what = f"the answer to {method} {path}"
        try:
            data = json_body(response, what=what, request=None)
            return decode(data, cast_to, what=what, request=None)  # type: ignore[no-any-return]
        except DecodeError as exc:
            # The request is copied (without credentials) only for an answer that fails.
            exc.request = redacted(response.request)
            raise

    async def send(
        self,
        method: str,
        path: str,
        *,
        body: object = None,
        idempotent: bool,
        timeout: httpx.Timeout | float | None = None,
        anonymous: bool = False,
    ) -> httpx.Response:
        """Send one call, retrying as the policy says; return the successful response.

        ``anonymous`` calls (a survey front end's) skip the client's auth: no login, and
        no ``Authorization`` or ``Cookie`` header, whatever the client was built with.

        Raises:
            APIStatusError: WXM answered with an error status (the subclass for it).
            APIConnectionError: No answer, after the retries.
            ResponseTooLargeError: The answer is larger than ``max_answer_bytes``.
            ConfigurationError: ``timeout`` is not a positive finite number, a
                number in ``body`` is NaN or infinite, the client is closed, or this
                is not the event loop that first used it.
        """
        check_timeout("timeout", timeout)
        self.loop.check(self.http)
        content = None if body is None else _json_content(body)
        call = (
            CallWatch(self.events, self.http.base_url, self.clock, method, path)
            if self.events.listeners
            else None
        )
        with call or _UNWATCHED:  # a watched call emits CallFinished however it ends
            retrying = self.retries.retrying(
                idempotent=idempotent, clock=self.clock, random=self.random
            )
            async for attempt in retrying:
                outcome = await self._attempt(method, path, content, timeout, anonymous, call)
                if call is not None:
                    call.attempted(attempt.number, outcome)
                if isinstance(outcome, httpx.Response) and outcome.is_success:
                    return outcome
                failure = classify(outcome, login=_login_of(outcome) is not None)
                if not attempt.retry(failure):
                    raise _failed(outcome, failure, method, path)
                _log.info(
                    "WXM %s %s: %s; retry %d in %.2f s",
                    method,
                    path,
                    failure.reason,
                    attempt.number,
                    attempt.wait,
                    extra={"wxm_retry": attempt.number, "wxm_wait": attempt.wait},
                )
                if call is not None:
                    call.retry(attempt.number, attempt.wait, failure)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _attempt(
        self,
        method: str,
        path: str,
        content: bytes | None,
        timeout: httpx.Timeout | float | None,
        anonymous: bool,
        call: CallWatch | None = None,
    ) -> httpx.Response | httpx.TransportError | APIStatusError:
        """One try, in turn and at the rate allowed: WXM's answer, or what kept it away.

        An ``APIStatusError`` here is the login's (raised by the auth before the call was
        sent); the call's own error statuses come back as responses.
        """
        try:
            self.limiter.acquire_nowait()  # a free slot: no checkpoint to pay for
        except anyio.WouldBlock:
            await self.limiter.acquire()
        try:
            if self.rate is not None:
                paced = await self.rate.acquire()
                if paced and call is not None:
                    call.paced(paced)
            return await self._exchange(method, path, content, timeout, anonymous=anonymous)
        except (httpx.TransportError, APIStatusError) as exc:
            return exc
        finally:
            self.limiter.release()

    async def _exchange(
        self,
        method: str,
        path: str,
        content: bytes | None,
        timeout: httpx.Timeout | float | None = None,
        *,
        anonymous: bool = False,
    ) -> httpx.Response:
        """Send one request and read its answer (or error body), decoded, up to the cap.

        ``timeout`` is this call's, else the sender's (``with_options``), else the
        httpx client's own.

        Raises:
            ResponseTooLargeError: The body is larger than ``max_answer_bytes``.
            DecodeError: Its Content-Encoding is one we do not decode, or corrupt.
            httpx.TransportError: The connection failed.
        """
        request = self.http.build_request(
            method, path, content=content, timeout=_first(timeout, self.timeout)
        )
        # Set on the request built, not passed to build_request: merging costs more.
        request.headers["Accept-Encoding"] = ACCEPT_ENCODING  # whatever httpx would offer
        if content is not None:
            request.headers["Content-Type"] = "application/json"
        if anonymous:
            # Not ``auth=None``: httpx would then use credentials in the base URL.
            request.headers.pop("Authorization", None)
            request.headers.pop("Cookie", None)
            # No redirects either: httpx would put the client's cookies back on them.
            response = await self.http.send(
                request, stream=True, auth=_NO_AUTH, follow_redirects=False
            )
        else:
            response = await self.http.send(request, stream=True)
        try:
            await read_capped(
                response,
                self.max_answer_bytes,
                what=f"the answer to {method} {path}",
                limit_name="max_answer_bytes",
            )
        except WXMError as exc:
            exc.request = redacted(response.request)
            raise
        return response


def _json_content(body: object) -> bytes:
    """``body`` as JSON; NaN and infinities, which Python would write as no JSON has them.

    Raises:
        ConfigurationError: A number in ``body`` is NaN or infinite, or a value in it
            has no JSON form (bytes, a date without a time: a caller's argument of the
            wrong kind).
    """
    try:
        return json.dumps(unstructure(body), allow_nan=False).encode()
    except ValueError:
        raise ConfigurationError(
            "a number in the request's body is NaN or infinite, which JSON cannot hold"
        ) from None
    except TypeError as exc:  # json names the type, never the value
        raise ConfigurationError(f"a value in the request's body is not JSON: {exc}") from None


_UNWATCHED = contextlib.nullcontext()
"""What a call nobody watches is sent within: nothing."""

_NO_AUTH = httpx.Auth()
"""httpx's base ``Auth`` sends the request as it is: for calls that take no credentials."""


def status_error(response: httpx.Response, *, retry_after: float | None = None) -> APIStatusError:
    """Build the error for a read response with an error status.

    Its message names the call and the status, and WXM's own explanation (``message``
    or ``error_description``) when the body has one.
    """
    # A server quoting the request it refuses would put the token in the error.
    credentials = response.request.headers.get("authorization", "").partition(" ")
    mask_echoed_secrets(response, (credentials[2] or credentials[0],))
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


def _failed(
    outcome: httpx.Response | httpx.TransportError | APIStatusError,
    failure: Failure,
    method: str,
    path: str,
) -> WXMError:
    """The error for a call given up on: its status, its missing answer, or its login's."""
    if isinstance(outcome, APIStatusError):
        return outcome  # the login's own error, as the auth raised it
    if isinstance(outcome, httpx.TransportError):
        error = _connection_error(outcome, method, path)
        error.__cause__ = outcome
        return error
    return status_error(outcome, retry_after=failure.retry_after)


def _connection_error(exc: httpx.TransportError, method: str, path: str) -> APIConnectionError:
    """The error for a call that got no answer: its own, or its login's.

    It carries a copy of the request that failed without credentials or (for a login)
    body, and its message names that request.
    """
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    login = _login_of(exc)
    if login is not None:
        what = f"the login ({login.method} {without_query(login.url)}) before {method} {path}"
        return cls(f"{what}: no answer from WXM ({_describe(exc)})", request=redacted(login))
    sent = _request_of(exc)
    request = redacted(sent) if sent is not None else None
    return cls(f"{method} {path}: no answer from WXM ({_describe(exc)})", request=request)


def _request_of(exc: httpx.TransportError) -> httpx.Request | None:
    """The request a transport failure befell, if httpx had built one."""
    try:
        return exc.request
    except RuntimeError:  # httpx raised it before it had a request
        return None


def _login_of(
    outcome: httpx.Response | httpx.TransportError | APIStatusError,
) -> httpx.Request | None:
    """The login a transport failure befell, if it was one's: the call was never sent."""
    if not isinstance(outcome, httpx.TransportError):
        return None
    sent = _request_of(outcome)
    return sent if sent is not None and is_login(sent) else None


def _first(
    *timeouts: httpx.Timeout | float | None,
) -> httpx.Timeout | float | httpx._client.UseClientDefault:
    """The first timeout given, else the httpx client's own."""
    for timeout in timeouts:
        if timeout is not None:
            return timeout
    return httpx.USE_CLIENT_DEFAULT


def _describe(error: httpx.TransportError) -> str:
    return Failure(error=error).reason


def _reason(body: object) -> str | None:
    if isinstance(body, dict):
        for key in ("message", "Message", "error_description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    if isinstance(body, str) and body and len(body) <= 200 and "<" not in body:
        return body.strip() or None
    return None
