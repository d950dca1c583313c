"""An OpenTelemetry SDK that keeps spans and metrics in memory, for the otel tests.

Needs the tests extra (``opentelemetry-sdk``); the tests that use it skip without it.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from wxm_async import WXMAuth, WXMClient
from wxm_async.otel import instrument
from wxm_async.testing import FAKE_PASSWORD, FAKE_USERNAME, FakeWXM

from ..conftest import IN_PROCESS_URL


class Telemetry:
    """An SDK tracer and meter provider that keep everything in memory."""

    def __init__(self) -> None:
        self.spans = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.spans))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    def instrument(self, client: WXMClient) -> WXMClient:
        """``instrument(client)`` with these providers; the client."""
        instrument(client, tracer_provider=self.tracer_provider, meter_provider=self.meter_provider)
        return client

    def finished(self) -> list[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def points(self, *, collected: bool = False) -> list[tuple[str, Any]]:
        """Every data point, with its metric's name (``collected``: assert there were some)."""
        data = self.reader.get_metrics_data()
        assert data is not None or not collected
        found: list[tuple[str, Any]] = []
        if data is not None:
            for resource in data.resource_metrics:
                for scope in resource.scope_metrics:
                    for metric in scope.metrics:
                        found.extend((metric.name, p) for p in metric.data.data_points)
        return found

    def metrics(self) -> dict[str, list[Any]]:
        """Each metric's data points, by name."""
        found: dict[str, list[Any]] = {}
        for name, point in self.points(collected=True):
            found.setdefault(name, []).append(point)
        return found

    def total(self, name: str) -> int:
        return sum(point.value for point in self.metrics().get(name, []))

    def shutdown(self) -> None:
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()


def instrumented(
    fake: FakeWXM, telemetry: Telemetry, auth: WXMAuth | None = None, **options: Any
) -> WXMClient:
    """A client of ``fake`` in process (the fake's account unless ``auth``), instrumented."""
    client = WXMClient(
        auth=auth or WXMAuth(FAKE_USERNAME, FAKE_PASSWORD),
        base_url=IN_PROCESS_URL,
        transport=fake.transport(),
        **options,
    )
    return telemetry.instrument(client)
