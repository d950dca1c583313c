"""What a client's events see: each call (``CallWatch``), and its auth's logins (``watch``)."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

import anyio
import httpx

from ._auth import WXMAuth
from ._emit import Emitter
from ._exceptions import APIStatusError
from ._retry import Failure
from ._routes import url_template
from .events import CallFinished, CallStarted, EventCallback, RateLimitWait, RetryScheduled

__all__ = ["CallWatch", "server_port", "watch"]

_DEFAULT_PORTS = {"https": 443, "http": 80}


def server_port(url: httpx.URL) -> int | None:
    """The port ``url`` goes to: its own, else its scheme's default.

    OpenTelemetry's ``server.port`` is required even for a default port; ``None`` for
    a scheme of no known default.
    """
    return url.port if url.port is not None else _DEFAULT_PORTS.get(url.scheme)


def watch(events: Emitter, http: httpx.AsyncClient, callback: EventCallback) -> None:
    """Call ``callback`` with ``events``, and pass the events of ``http``'s ``WXMAuth`` on to them.

    ``WXMClient(on_event=...)`` and ``wxm_async.otel.instrument()`` both come here.
    """
    events.add(callback)
    auth = http.auth
    if isinstance(auth, WXMAuth):
        auth._events.add(events.emit)


class CallWatch:
    """Watches one call: ``with CallWatch(...) as call:`` around its attempts.

    The sender sets ``attempts`` and ``status_code`` as the call goes; leaving the
    ``with`` block emits ``CallFinished``, with the error's type if one ends it (or
    ``"cancelled"``), and lets the error go on.
    """

    __slots__ = (
        "attempts",
        "clock",
        "events",
        "method",
        "port",
        "server",
        "started",
        "status_code",
        "template",
    )

    def __init__(
        self,
        events: Emitter,
        base_url: httpx.URL,
        clock: Callable[[], float],
        method: str,
        path: str,
    ) -> None:
        self.events = events
        self.clock = clock
        self.method = method
        # The absolute path, as the auth's replay events and OpenTelemetry's url.template
        # have it: below the base URL's own path (a gateway's /wxm).
        prefix = base_url.raw_path.decode("ascii").partition("?")[0].rstrip("/")
        self.template = url_template(prefix + path)
        self.server = base_url.host
        self.port = server_port(base_url)
        self.attempts = 0
        self.status_code: int | None = None
        self.started = clock()
        events.emit(
            CallStarted(
                method=method,
                url_template=self.template,
                server_address=self.server,
                server_port=self.port,
            )
        )

    def attempted(
        self, number: int, outcome: httpx.Response | httpx.TransportError | APIStatusError
    ) -> None:
        """Note try ``number`` and its outcome: the status WXM answered the call, if any."""
        self.attempts = number
        self.status_code = outcome.status_code if isinstance(outcome, httpx.Response) else None

    def retry(self, number: int, wait: float | None, failure: Failure) -> None:
        """Emit ``RetryScheduled``: try ``number`` failed so; the next follows in ``wait`` s."""
        self.events.emit(
            RetryScheduled(
                method=self.method,
                url_template=self.template,
                attempt=number,
                wait=wait or 0.0,
                reason=failure.kind,
                status_code=failure.status,
            )
        )

    def paced(self, wait: float) -> None:
        """Emit ``RateLimitWait``: the attempt waited ``wait`` s for its turn."""
        self.events.emit(RateLimitWait(method=self.method, url_template=self.template, wait=wait))

    def __enter__(self) -> CallWatch:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            error_type = None
        elif isinstance(exc, anyio.get_cancelled_exc_class()):
            error_type = "cancelled"
        else:
            error_type = type(exc).__name__
        self.events.emit(
            CallFinished(
                method=self.method,
                url_template=self.template,
                server_address=self.server,
                server_port=self.port,
                status_code=self.status_code,
                attempts=self.attempts,
                duration=self.clock() - self.started,
                error_type=error_type,
            )
        )
