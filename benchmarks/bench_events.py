"""What events and OpenTelemetry cost: the auth's fast path and a client call, with and without.

Run from the repository root (the OpenTelemetry part needs opentelemetry-sdk, which the
tests extra installs)::

    python benchmarks/bench_events.py [--rounds R] [--round-size S]
        [--backend asyncio|trio] [--write-docs]

Two measures, in process, through an ``httpx.MockTransport`` that answers every request
with the same 200 JSON, so that the library's own work is the largest share of a
request and the cost of the events shows most:

1. The auth's fast path: sequential GETs through ``httpx.AsyncClient`` with a warm
   ``WXMAuth`` (no callback, then ``on_event=`` a function that counts), over the same
   with ``StaticAuth``, which only sets the header. The fast path emits no event: both
   ratios should stay at most 1.03.
2. A client call: sequential ``client.questions.active()`` through a ``WXMClient`` with
   a counting ``on_event=``, and through one instrumented with ``wxm_async.otel``
   (an SDK ``TracerProvider`` whose spans go to an exporter that drops them, and an
   SDK ``MeterProvider`` with an in-memory reader), over the same client without
   either. Each call then builds two events (three objects with the span).

Rounds alternate which contender goes first, so that machine speed and drift cancel
out; each table gives the median of the rounds' ratios and their quartiles. The script
reports; it asserts nothing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx
from _common import (
    BASE_URL,
    DOCS,
    MICRO,
    PASSWORD,
    PATH,
    USERNAME,
    Run,
    StaticAuth,
    at_least,
    benchmark_parser,
    environment,
    fixed_answer,
    markdown_table,
    progress,
    quartiles,
    report,
    rotating_rounds,
    run_timed,
)
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

from wxm_async import RetryPolicy, WXMAuth, WXMClient
from wxm_async.events import Event
from wxm_async.otel import instrument
from wxm_async.testing import FakeWXM

DOCS_PAGE = DOCS / "benchmarks.md"


@dataclass(frozen=True)
class Options:
    """The command line."""

    rounds: int
    round_size: int
    backend: str
    write_docs: bool

    @classmethod
    def parse(cls, argv: Sequence[str] | None = None) -> Options:
        """Parse ``argv`` (default: ``sys.argv[1:]``)."""
        parser = benchmark_parser(__doc__, DOCS_PAGE)
        parser.add_argument("--rounds", type=at_least(2), default=150, help="rounds")
        parser.add_argument(
            "--round-size", type=at_least(1), default=400, help="sequential requests per round"
        )
        args = parser.parse_args(argv)
        return cls(args.rounds, args.round_size, args.backend, args.write_docs)


@dataclass(frozen=True)
class Contest:
    """Mean seconds per request in each round, per contender; the first is the baseline."""

    names: tuple[str, ...]
    times: tuple[tuple[float, ...], ...]

    def ratios(self, index: int) -> list[float]:
        """Contender ``index`` over the baseline, round by round."""
        return [t / b for t, b in zip(self.times[index], self.times[0], strict=True)]


class Counter:
    """The cheapest useful callback: counts the events."""

    def __init__(self) -> None:
        self.seen = 0

    def __call__(self, event: Event) -> None:
        """Count ``event``."""
        self.seen += 1


async def contest(
    names: tuple[str, ...],
    runs: list[Callable[[], Awaitable[object]]],
    rounds: int,
    size: int,
) -> Contest:
    """Time each contender ``size`` times per round, rotating which goes first."""

    def timed(run: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[float]]:
        async def one_round() -> float:
            start = time.perf_counter()
            for _ in range(size):
                await run()
            return (time.perf_counter() - start) / size

        return one_round

    times = await rotating_rounds(rounds, dict(zip(names, map(timed, runs), strict=True)))
    return Contest(names, tuple(tuple(times[name]) for name in names))


async def warm(auth: WXMAuth) -> WXMAuth:
    """Log ``auth`` in to a fake WXM at the benchmark's base URL."""
    async with httpx.AsyncClient(
        transport=FakeWXM().transport(), base_url=BASE_URL, auth=auth
    ) as http:
        (await http.get(PATH)).raise_for_status()
    return auth


async def auth_fast_path(options: Options) -> Contest:
    progress(f"auth fast path, {options.rounds} rounds x {options.round_size:,} x 3")
    plain = await warm(WXMAuth(USERNAME, PASSWORD))
    watched = await warm(WXMAuth(USERNAME, PASSWORD, on_event=Counter()))
    token = plain.store.current()
    assert token is not None
    static = StaticAuth(token.authorization)
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(fixed_answer), base_url=BASE_URL
    ) as http:

        def run(auth: httpx.Auth) -> Callable[[], Awaitable[object]]:
            return lambda: http.get(PATH, auth=auth)

        return await contest(
            ("StaticAuth", "WXMAuth", "WXMAuth, on_event"),
            [run(static), run(plain), run(watched)],
            options.rounds,
            options.round_size,
        )


class Drop(SpanExporter):
    """An exporter that drops the spans: the SDK's work without an export's I/O."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Drop ``spans``."""
        return SpanExportResult.SUCCESS


def telemetry() -> tuple[TracerProvider, MeterProvider]:
    """SDK providers that do the SDK's work per span and point, and export nothing."""
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(Drop()))
    return tracer_provider, MeterProvider(metric_readers=[InMemoryMetricReader()])


async def client_calls(options: Options) -> Contest:
    progress(f"client calls, {options.rounds} rounds x {options.round_size:,} x 3")
    clients = []
    for callback in (None, Counter(), None):
        auth = await warm(WXMAuth(USERNAME, PASSWORD))
        clients.append(
            WXMClient(
                auth=auth,
                base_url=BASE_URL,
                transport=httpx.MockTransport(fixed_answer),
                retries=RetryPolicy.off(),
                on_event=callback,
            )
        )
    tracer_provider, meter_provider = telemetry()
    instrument(clients[2], tracer_provider=tracer_provider, meter_provider=meter_provider)
    try:
        return await contest(
            ("WXMClient", "WXMClient, on_event", "WXMClient, instrumented"),
            [client.questions.active for client in clients],
            options.rounds,
            options.round_size,
        )
    finally:
        for client in clients:
            await client.aclose()


async def measure(options: Options) -> tuple[Contest, Contest]:
    return await auth_fast_path(options), await client_calls(options)


def table(result: Contest, target: str) -> list[str]:
    baseline = result.names[0]
    header = [
        "Contender",
        f"{MICRO}s/request",
        f"Over {baseline} ({target})",
        "Rounds' ratios, quartiles",
    ]
    rows = [[baseline, f"{statistics.median(result.times[0]) * 1e6:.1f}", "1", ""]]
    for index, name in enumerate(result.names[1:], 1):
        q1, median, q3 = quartiles(result.ratios(index))
        rows.append(
            [
                name,
                f"{statistics.median(result.times[index]) * 1e6:.1f}",
                f"{median:.3f}",
                f"{q1:.3f} to {q3:.3f}",
            ]
        )
    return markdown_table(header, "lrrr", rows)


def render(options: Options, run: Run, auth: Contest, client: Contest) -> str:
    return "\n".join(
        [
            f"### Events and OpenTelemetry, {options.backend}",
            "",
            *environment(run),
            "",
            f"#### The auth's fast path: {options.rounds} rounds of {options.round_size:,} "
            "sequential GETs, MockTransport",
            "",
            *table(auth, "target ≤ 1.03"),
            "",
            f"#### A client call: {options.rounds} rounds of {options.round_size:,} "
            "sequential `questions.active()`, MockTransport",
            "",
            *table(client, "reported"),
        ]
    )


def main() -> None:
    options = Options.parse()
    (auth, client), run = run_timed(measure, options, backend=options.backend)
    report(
        render(options, run, auth, client),
        write=options.write_docs,
        page=DOCS_PAGE,
        key=f"events-{options.backend}",
        title="Benchmarks",
    )


if __name__ == "__main__":
    main()
