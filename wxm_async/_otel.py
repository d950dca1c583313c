"""``instrument()``: the client's events as OpenTelemetry spans and metrics (see ``wxm_async.otel``)."""

from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING

import httpx
from opentelemetry import context, metrics, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from ._auth import WXMAuth
from ._client import WXMClient
from ._exceptions import ConfigurationError
from ._version import __version__
from ._watch import server_port, watch
from .events import (
    CallFinished,
    CallStarted,
    Event,
    LoginFailed,
    LoginSkipped,
    LoginStarted,
    LoginSucceeded,
    RateLimitWait,
    RequestReplayed,
    RetryScheduled,
    TokenRefreshing,
)

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import Span, TracerProvider

__all__ = ["instrument"]

_SCOPE = "wxm_async"
_LOGIN_TEMPLATE = "/api/LoginToken"


def instrument(
    client: WXMClient,
    *,
    tracer_provider: TracerProvider | None = None,
    meter_provider: MeterProvider | None = None,
) -> None:
    """Send ``client``'s calls and logins to OpenTelemetry, as spans and metrics.

    Call it once per client, before its first call; clients made by
    ``client.with_options()`` afterwards are instrumented too. It adds to any
    ``on_event=`` callback the client has.

    Example:
        ```python
        client = WXMClient(auth=WXMAuth.from_env())
        instrument(client)  # the global providers, as set by the OpenTelemetry SDK
        ```

    Args:
        client: The client to instrument (and its ``WXMAuth``).
        tracer_provider: Where spans go. Default: the global one.
        meter_provider: Where metrics go. Default: the global one.

    Raises:
        ConfigurationError: ``client`` is not a ``WXMClient``, or is instrumented already
            (itself, or the client it was made from by ``with_options()``).
    """
    if not isinstance(client, WXMClient):
        raise ConfigurationError(
            f"instrument() takes a WXMClient, not {type(client).__name__}"
            + (": pass the WXMClient built on it" if isinstance(client, WXMAuth) else "")
        )
    if any(isinstance(listener, _Telemetry) for listener in client._events.listeners):
        # A second instrumentation would make a second span per call, and leave one of
        # them current in the caller's context after the call.
        raise ConfigurationError("this client is instrumented already: call instrument() once")
    watch(client._events, client.http, _Telemetry(tracer_provider, meter_provider))


class _Telemetry:
    """The callback ``instrument()`` adds: one event in, spans and metrics out."""

    def __init__(
        self, tracer_provider: TracerProvider | None, meter_provider: MeterProvider | None
    ) -> None:
        self._tracer = trace.get_tracer(_SCOPE, __version__, tracer_provider=tracer_provider)
        meter = metrics.get_meter(_SCOPE, __version__, meter_provider=meter_provider)
        self._logins = meter.create_counter(
            "wxm.client.logins", unit="{login}", description="Logins sent to WXM."
        )
        self._login_failures = meter.create_counter(
            "wxm.client.login.failures",
            unit="{login}",
            description="Logins that gave no token, and requests refused one without a login.",
        )
        self._replays = meter.create_counter(
            "wxm.client.replays",
            unit="{request}",
            description="Requests sent again after WXM answered 401.",
        )
        self._retries = meter.create_counter(
            "wxm.client.retries", unit="{retry}", description="Retries of client calls."
        )
        self._duration = meter.create_histogram(
            "wxm.client.call.duration",
            unit="s",
            description="Duration of client calls, their retries and waits included.",
        )
        # The call and the login in flight in this task (each task has its own copy).
        self._call: contextvars.ContextVar[
            tuple[Span, contextvars.Token[context.Context]] | None
        ] = contextvars.ContextVar("wxm_async_otel_call", default=None)
        self._login: contextvars.ContextVar[Span | None] = contextvars.ContextVar(
            "wxm_async_otel_login", default=None
        )
        self._refreshing: contextvars.ContextVar[bool] = contextvars.ContextVar(
            "wxm_async_otel_refreshing", default=False
        )

    def __repr__(self) -> str:
        return "<wxm_async.otel instrumentation>"

    def __call__(self, event: Event) -> None:
        if isinstance(event, CallStarted):
            self._call_started(event)
        elif isinstance(event, CallFinished):
            self._call_finished(event)
        elif self._call.get() is None:
            # The auth's event, for a call of another client sharing the auth (or a
            # request outside any call): that client's instrumentation tells it.
            return
        elif isinstance(event, TokenRefreshing):
            self._refreshing.set(True)
        elif isinstance(event, LoginStarted):
            self._login_started(event)
        elif isinstance(event, LoginSucceeded | LoginFailed):
            self._login_ended(event)
        elif isinstance(event, LoginSkipped):
            self._login_failures.add(1, {"error.type": event.error_type})
            self._call_event("wxm.login.skipped", {"error.type": event.error_type})
        elif isinstance(event, RequestReplayed):
            self._replays.add(1, {"http.request.method": event.method})
            self._call_event("wxm.replay", {"wxm.sends": event.sends})
        elif isinstance(event, RetryScheduled):
            self._retry(event)
        elif isinstance(event, RateLimitWait):
            self._call_event("wxm.rate_limit.wait", {"wxm.wait": event.wait})

    def _call_started(self, event: CallStarted) -> None:
        attributes = _http_attributes(
            event.method, event.url_template, event.server_address, event.server_port
        )
        span = self._tracer.start_span(
            f"{event.method} {event.url_template}", kind=SpanKind.CLIENT, attributes=attributes
        )
        token = context.attach(trace.set_span_in_context(span))
        self._call.set((span, token))

    def _call_finished(self, event: CallFinished) -> None:
        attributes = _http_attributes(
            event.method, event.url_template, event.server_address, event.server_port
        )
        if event.status_code is not None:
            attributes["http.response.status_code"] = event.status_code
        error_type = _error_type(event.status_code, event.error_type)
        if error_type is not None:
            attributes["error.type"] = error_type
        self._duration.record(event.duration, attributes)
        current = self._call.get()
        if current is None:
            return
        span, token = current
        self._call.set(None)
        span.set_attributes(attributes)
        span.set_attribute("wxm.attempts", event.attempts)
        if event.attempts > 1:
            span.set_attribute("http.request.resend_count", event.attempts - 1)
        if error_type is not None:
            span.set_status(Status(StatusCode.ERROR))
        span.end()
        context.detach(token)

    def _login_started(self, event: LoginStarted) -> None:
        refresh = self._refreshing.get()
        self._refreshing.set(False)
        self._logins.add(1, {"wxm.login.refresh": refresh})
        url = httpx.URL(event.url)
        attributes = _http_attributes("POST", _LOGIN_TEMPLATE, url.host, server_port(url))
        span = self._tracer.start_span(
            "WXM login",
            kind=SpanKind.CLIENT,
            attributes={**attributes, "wxm.login.refresh": refresh},
        )
        self._login.set(span)

    def _login_ended(self, event: LoginSucceeded | LoginFailed) -> None:
        span = self._login.get()
        self._login.set(None)
        if isinstance(event, LoginFailed):
            attributes: dict[str, str | int] = {"error.type": event.error_type}
            if event.status_code is not None:
                attributes["http.response.status_code"] = event.status_code
            self._login_failures.add(1, attributes)
        if span is None:
            return
        if isinstance(event, LoginFailed):
            span.set_attributes(attributes)
            span.set_status(Status(StatusCode.ERROR))
        else:
            span.set_attribute("wxm.token.expires_in", event.expires_in)
        span.end()

    def _retry(self, event: RetryScheduled) -> None:
        error_type = _error_type(event.status_code, event.reason) or event.reason
        self._retries.add(
            1,
            {
                "http.request.method": event.method,
                "url.template": event.url_template,
                "error.type": error_type,
            },
        )
        self._call_event(
            "wxm.retry",
            {"wxm.attempt": event.attempt, "wxm.wait": event.wait, "error.type": error_type},
        )

    def _call_event(self, name: str, attributes: dict[str, str | int | float]) -> None:
        current = self._call.get()
        if current is not None:
            current[0].add_event(name, attributes)


def _error_type(status_code: int | None, error_type: str | None) -> str | None:
    """OpenTelemetry's ``error.type``: the status for an error status, else the error's type."""
    if status_code is not None and status_code >= 400:
        return str(status_code)
    return error_type


def _http_attributes(
    method: str, template: str, host: str, port: int | None
) -> dict[str, str | int]:
    """The attributes of OpenTelemetry's HTTP client conventions every request has."""
    attributes: dict[str, str | int] = {
        "http.request.method": method,
        "url.template": template,
        "server.address": host,
    }
    if port is not None:
        attributes["server.port"] = port
    return attributes
