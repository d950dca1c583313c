"""Faults a test queues on the fake's routes, the optional rate limit, and sending answers.

A fault replaces the next answers of the routes it names: an error status (with or
without ``Retry-After``), a dropped connection, a slow stream, or a delay. The rate limit
answers 429 like WXM once a user sends more requests in a window than it allows.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from fnmatch import fnmatchcase
from typing import Any, Literal

import anyio
from attrs import define, field, frozen

from ._wire import Reply, Route

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
FaultKind = Literal["status", "drop", "slow", "delay"]

RATE_LIMIT_MESSAGE = "API calls quota exceeded! Try again later."
"""The ``message`` of the fake's 429 answers."""
_STATUS_MESSAGES = {
    429: RATE_LIMIT_MESSAGE,
    500: "An error has occurred.",
    502: "Bad Gateway",
    503: "The service is unavailable.",
}
_METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}


@frozen
class RateLimit:
    """A request-rate limit for the fake: ``requests`` per ``per`` seconds, per user.

    WXM answers 429 past a limit its docs give as "15 requ..." (cut off: the unit and the
    scope are unknown). The fake counts the requests of each user to protected routes in
    fixed windows of ``per`` seconds on its clock; the first request of a window starts
    it. Past ``requests`` in a window, it answers 429 until the window ends.

    Args:
        requests: Requests allowed per window.
        per: The window, in seconds.
        retry_after: The 429's ``Retry-After`` header: ``"seconds"`` (whole seconds to
            the end of the window, at least 1), ``"date"`` (an HTTP date), or None (no
            header; WXM's own sample client never reads it).
    """

    requests: int = 15
    per: float = 1.0
    retry_after: Literal["seconds", "date"] | None = "seconds"

    def __attrs_post_init__(self) -> None:
        if self.requests < 1 or self.per <= 0:
            raise ValueError("a RateLimit needs requests >= 1 and per > 0")


@define
class RateLimiter:
    """Fixed windows per user; pure logic on the clock the caller passes."""

    _windows: dict[str, tuple[float, int]] = field(factory=dict)

    def wait(self, limit: RateLimit, user: str, now: float) -> float | None:
        """Count a request; return the seconds to wait if it is over the limit, else None."""
        start, count = self._windows.get(user, (now, 0))
        if now >= start + limit.per:
            start, count = now, 0
        count += 1
        self._windows[user] = (start, count)
        if count <= limit.requests:
            return None
        return start + limit.per - now


def retry_after(value: float | datetime | None) -> tuple[tuple[str, str], ...]:
    """The ``Retry-After`` header: whole seconds (rounded up) or an HTTP date; none for None."""
    if value is None:
        return ()
    if isinstance(value, datetime):
        return (("retry-after", format_datetime(value.astimezone(UTC), usegmt=True)),)
    return (("retry-after", str(max(math.ceil(value), 0))),)


def rate_limited(limit: RateLimit, seconds: float) -> Reply:
    """WXM-like 429 for a request over ``limit``, ``seconds`` before the window ends."""
    header: float | datetime | None = None
    if limit.retry_after == "seconds":
        header = max(seconds, 1)
    elif limit.retry_after == "date":
        header = datetime.now(UTC) + timedelta(seconds=max(seconds, 1))
    return Reply(429, {"message": RATE_LIMIT_MESSAGE}, headers=retry_after(header))


def status_reply(
    status: int, *, retry_after_value: float | datetime | None, body: object, raw: bytes | None
) -> Reply:
    """The reply of a status fault: ``body`` as JSON, ``raw`` as HTML, or a default message."""
    if raw is not None:
        return Reply(
            status, raw=raw, content_type="text/html", headers=retry_after(retry_after_value)
        )
    if body is None:
        body = {"message": _STATUS_MESSAGES.get(status, "An error has occurred.")}
    return Reply(status, body, headers=retry_after(retry_after_value))


@frozen
class Fault:
    """What to do instead of (or around) a route's normal answer."""

    kind: FaultKind
    reply: Reply | None = None  # for "status"
    chunk_size: int = 16  # for "slow": bytes per chunk
    delay: float = 0.0  # for "slow": seconds between chunks; for "delay": before answering


@define
class _Pending:
    method: str | None
    pattern: str | None
    fault: Fault
    remaining: int

    def matches(self, route: Route, path: str) -> bool:
        if self.method is not None and self.method != route.method:
            return False
        if self.pattern is None:  # any route but the login, which has its own controls
            return route.protected
        return fnmatchcase(route.template.lower(), self.pattern) or fnmatchcase(
            path.lower(), self.pattern
        )


def parse_route(route: str | None) -> tuple[str | None, str | None]:
    """Split ``"GET /api/x*"`` into a method and a lower-cased glob; None means any."""
    if route is None:
        return None, None
    method, _, rest = route.strip().partition(" ")
    if method.upper() in _METHODS and rest.strip():
        return method.upper(), rest.strip().lower()
    return None, route.strip().lower()


@define
class Faults:
    """Faults queued for routes, taken first come, first served."""

    _pending: list[_Pending] = field(factory=list)

    def add(self, route: str | None, fault: Fault, count: int) -> None:
        """Queue ``fault`` for the next ``count`` requests to routes matching ``route``."""
        if count < 1:
            raise ValueError("count must be at least 1")
        method, pattern = parse_route(route)
        self._pending.append(_Pending(method, pattern, fault, count))

    def take(self, route: Route, path: str) -> Fault | None:
        """The fault for this request, if one is queued for its route; uses it up."""
        for pending in self._pending:
            if pending.matches(route, path):
                pending.remaining -= 1
                if pending.remaining == 0:
                    self._pending.remove(pending)
                return pending.fault
        return None

    def clear(self) -> None:
        """Drop every queued fault."""
        self._pending.clear()


class ConnectionDropped(Exception):
    """Raised by the app, in process, to drop the connection; the transport maps it."""


async def emit(send: Send, reply: Reply, fault: Fault | None, *, in_process: bool) -> None:
    """Send ``reply`` over ASGI, as ``fault`` says: whole, in slow chunks, or cut off."""
    body = reply.encoded()
    headers = [
        (b"content-type", reply.content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        *((k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers),
    ]
    if fault is not None and fault.kind == "drop":
        if in_process:
            raise ConnectionDropped
        # Over a socket: the status line and headers, then the connection closes with the
        # body missing, which the client sees as a protocol error.
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        return
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    if fault is not None and fault.kind == "slow":
        size = max(fault.chunk_size, 1)
        for start in range(0, len(body), size):
            if start:
                await anyio.sleep(fault.delay)
            chunk = body[start : start + size]
            more = start + size < len(body)
            await send({"type": "http.response.body", "body": chunk, "more_body": more})
        if body:
            return
    await send({"type": "http.response.body", "body": body})
