"""A FastAPI backend that watches its calls to WXM: events to the logs, spans and metrics to OpenTelemetry.

Each event of the app's one ``WXMClient`` (its calls, retries, logins, replays) becomes
a log line with its fields as structured extras; ``wxm_async.otel.instrument()`` turns
the same events into spans and metrics, printed here by OpenTelemetry's console
exporters (swap in your OTLP exporter in production).

Run it against WXM (credentials from WXM_USERNAME and WXM_API_KEY), in a checkout of
wxm_async::

    pip install -e '.[otel]' fastapi uvicorn opentelemetry-sdk
    uvicorn examples.watched_app:app
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, TextIO

import attrs
from fastapi import Depends, FastAPI, Request
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import ConsoleMetricExporter, PeriodicExportingMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

from wxm_async import WXMClient
from wxm_async.events import CallFinished, Event, EventCallback, LoginFailed, LoginSkipped
from wxm_async.otel import instrument

log = logging.getLogger("app.wxm")


def log_event(event: Event) -> None:
    """Log one event: its name in the message, its fields as extras for a JSON formatter.

    Inline and cheap, as a callback must be: no I/O beyond the logging handler's.
    """
    fields = attrs.asdict(event)
    failed = isinstance(event, LoginFailed | LoginSkipped) or (
        isinstance(event, CallFinished) and event.error_type is not None
    )
    log.log(
        logging.WARNING if failed else logging.INFO,
        "wxm %s %s",
        type(event).__name__,
        fields,
        extra={"wxm_event": type(event).__name__, **{f"wxm_{k}": v for k, v in fields.items()}},
    )


def console_telemetry(out: TextIO = sys.stdout) -> tuple[TracerProvider, MeterProvider]:
    """OpenTelemetry providers that print spans as they end, and metrics every minute."""
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=out)))
    reader = PeriodicExportingMetricReader(
        ConsoleMetricExporter(out=out), export_interval_millis=60_000
    )
    return tracer_provider, MeterProvider(metric_readers=[reader])


def wxm(request: Request) -> WXMClient:
    """The dependency that hands each request the app's one client."""
    client: WXMClient = request.app.state.wxm
    return client


Client = Annotated[WXMClient, Depends(wxm)]


def create_app(
    make_client: Callable[[EventCallback], WXMClient] = lambda on_event: WXMClient.from_env(
        on_event=on_event
    ),
    out: TextIO = sys.stdout,
) -> FastAPI:
    """Build the app; ``make_client(on_event)`` makes its one client when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tracer_provider, meter_provider = console_telemetry(out)
        async with make_client(log_event) as client:
            instrument(client, tracer_provider=tracer_provider, meter_provider=meter_provider)
            app.state.wxm = client
            yield
        meter_provider.shutdown()  # exports the metrics one last time
        tracer_provider.shutdown()

    app = FastAPI(title="WXM proxy, watched", lifespan=lifespan)

    @app.get("/questions")
    async def questions(client: Client) -> list[str]:
        return [question.id for question in await client.questions.active()]

    return app


app = create_app()
