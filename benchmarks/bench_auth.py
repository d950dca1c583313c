"""Benchmark ``WXMAuth``: one login for a storm of requests, and its cost per request.

Run from the repository root::

    python benchmarks/bench_auth.py [--requests N] [--loopback-requests N]
        [--rounds R] [--round-size S] [--backend asyncio|trio] [--write-docs]

What one run measures, against the fake WXM (``wxm_async.testing.FakeWXM``):

1. Cold storm. N concurrent requests through one client and one ``WXMAuth`` that has
   no token yet. Single-flight login means one login serves them all, and none fails.
2. Revoked-token storm. The token is warm; the fake revokes it; N concurrent requests
   follow. One login serves them all again, and no request is sent more than twice (the
   401, then its one replay).

   Both storms run in process (``FakeWXM.transport()``) and over a loopback socket
   (``serve()``, a client with 100 connections). In process, the ASGI app runs inline in the task
   that sends, so the requests go almost one after another and only the first meets
   the revoked token. Over loopback, many requests really are in flight with it.
3. Overhead. Sequential requests with a warm ``WXMAuth`` against a static header (the
   floor), in rounds that alternate which goes first: ``bench_peers``' measurement
   (``_scenarios.overhead_on``) with these two contenders. Measured through the fake
   WXM, and through a trivial ``httpx.MockTransport`` where the client's own work is the
   largest share of each request and so the auth's share shows most.

Absolute times depend on the machine, on httpx and, over loopback, mostly on httpcore's
connection pool: they are reported, never judged. What says something about ``WXMAuth``
are counts (logins, failures, sends per request) and ratios against a baseline measured
in the same process, in interleaved rounds, so that machine speed and drift cancel out.
The script reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import _peers
import anyio
import httpx
from _common import (
    BASE_URL,
    DOCS,
    LOOPBACK_LIMITS,
    LOOPBACK_TIMEOUT,
    MICRO,
    PASSWORD,
    PATH,
    ROUTE,
    USERNAME,
    Run,
    at_least,
    environment,
    failures_text,
    progress,
    run_timed,
    write_docs,
)
from _scenarios import FLOOR, Sizes, overhead_on

from wxm_async import WXMAuth
from wxm_async.testing import FakeWXM, serve

DOCS_PAGE = DOCS / "benchmarks.md"


# -- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeCounts:
    """What the fake WXM counted: logins, sends of the benchmarked route, 401 answers."""

    logins: int
    sends: int
    denied: int

    @classmethod
    def of(cls, fake: FakeWXM) -> FakeCounts:
        """Read the fake's counters now."""
        return cls(fake.logins, fake.requests[ROUTE], fake.denied)

    def __sub__(self, other: FakeCounts) -> FakeCounts:
        return FakeCounts(
            self.logins - other.logins, self.sends - other.sends, self.denied - other.denied
        )


@dataclass(frozen=True)
class StormResult:
    """One storm of concurrent requests, and what the fake WXM saw meanwhile."""

    name: str
    transport: str
    requests: int
    counts: FakeCounts
    failures: Counter[str]
    seconds: float

    @property
    def failed(self) -> int:
        """Requests that raised or did not end in a 200."""
        return sum(self.failures.values())

    @property
    def sends_per_request(self) -> float:
        """Sends of the route the fake received, per request made."""
        return self.counts.sends / self.requests


@dataclass(frozen=True)
class OverheadResult:
    """Mean seconds per sequential request in each round, per auth, on one transport."""

    transport: str
    wxm: tuple[float, ...]
    static: tuple[float, ...]
    not_ok: int

    @property
    def ratios(self) -> list[float]:
        """WXMAuth over the static header, round by round."""
        return [w / s for w, s in zip(self.wxm, self.static, strict=True)]

    @property
    def ratio(self) -> float:
        """The median of the rounds' ratios."""
        return statistics.median(self.ratios)


@dataclass(frozen=True)
class Options:
    """The command line."""

    requests: int
    loopback_requests: int
    rounds: int
    round_size: int
    backend: str
    write_docs: bool

    @classmethod
    def parse(cls, argv: Sequence[str] | None = None) -> Options:
        """Parse ``argv`` (default: ``sys.argv[1:]``)."""
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
        parser.add_argument(
            "--requests", type=at_least(1), default=10_000, help="storm size in process"
        )
        parser.add_argument(
            "--loopback-requests", type=at_least(1), default=2_000, help="storm size over loopback"
        )
        parser.add_argument("--rounds", type=at_least(2), default=150, help="overhead rounds")
        parser.add_argument(
            "--round-size",
            type=at_least(1),
            default=400,
            help="sequential requests per auth and round",
        )
        parser.add_argument(
            "--backend", choices=["asyncio", "trio"], default="asyncio", help="event loop"
        )
        parser.add_argument(
            "--write-docs", action="store_true", help="write the results into docs/benchmarks.md"
        )
        args = parser.parse_args(argv)
        return cls(
            args.requests,
            args.loopback_requests,
            args.rounds,
            args.round_size,
            args.backend,
            args.write_docs,
        )


@dataclass(frozen=True)
class Report:
    """Everything one run measured, and where."""

    options: Options
    run: Run
    storms: list[StormResult]
    overheads: list[OverheadResult]


# -- 1 and 2: storms ----------------------------------------------------------------------


async def storm(http: httpx.AsyncClient, n: int) -> Counter[str]:
    """Send ``n`` concurrent GETs; return the failures by kind (``"ReadError"``, ``"HTTP 401"``)."""
    failures: Counter[str] = Counter()

    async def one() -> None:
        try:
            response = await http.get(PATH)
        except Exception as exc:  # counted and reported; the storm goes on
            failures[type(exc).__name__] += 1
        else:
            if response.status_code != 200:
                failures[f"HTTP {response.status_code}"] += 1

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(one)
    return failures


async def timed_storm(
    fake: FakeWXM, http: httpx.AsyncClient, n: int, name: str, transport: str
) -> StormResult:
    progress(f"{name} storm, {transport}, {n:,} requests")
    before = FakeCounts.of(fake)
    start = time.perf_counter()
    failures = await storm(http, n)
    seconds = time.perf_counter() - start
    return StormResult(name, transport, n, FakeCounts.of(fake) - before, failures, seconds)


async def both_storms(
    fake: FakeWXM, http: httpx.AsyncClient, n: int, transport: str
) -> list[StormResult]:
    cold = await timed_storm(fake, http, n, "cold", transport)
    fake.revoke_all_tokens()  # the cold storm left the auth with a warm token
    revoked = await timed_storm(fake, http, n, "revoked token", transport)
    return [cold, revoked]


async def in_process_storms(n: int) -> list[StormResult]:
    fake = FakeWXM()
    auth = WXMAuth(USERNAME, PASSWORD)
    async with httpx.AsyncClient(transport=fake.transport(), base_url=BASE_URL, auth=auth) as http:
        return await both_storms(fake, http, n, "in process")


async def loopback_storms(n: int) -> list[StormResult]:
    fake = FakeWXM()
    auth = WXMAuth(USERNAME, PASSWORD)
    async with (
        serve(fake) as url,
        httpx.AsyncClient(
            base_url=url, auth=auth, limits=LOOPBACK_LIMITS, timeout=LOOPBACK_TIMEOUT
        ) as http,
    ):
        return await both_storms(fake, http, n, "loopback")


# -- 3: overhead --------------------------------------------------------------------------


#: WXMAuth beside the floor, as bench_peers measures every contender.
CONTENDERS = {FLOOR: _peers.static_header, "wxm_async": _peers.wxm_async}


async def overheads(options: Options) -> list[OverheadResult]:
    sizes = Sizes(0, 0, 0, 0.0, options.rounds, options.round_size)
    results = []
    for transport in ("fake WXM, in process", "MockTransport"):
        measured = await overhead_on(transport, sizes, CONTENDERS)
        results.append(
            OverheadResult(
                transport,
                tuple(measured.times["wxm_async"]),
                tuple(measured.times[FLOOR]),
                sum(measured.not_ok.values()),
            )
        )
    return results


# -- the run ------------------------------------------------------------------------------


async def measure(options: Options) -> tuple[list[StormResult], list[OverheadResult]]:
    storms = await in_process_storms(options.requests)
    storms += await loopback_storms(options.loopback_requests)
    return storms, await overheads(options)


# -- the report ---------------------------------------------------------------------------


def storm_table(storms: list[StormResult]) -> list[str]:
    lines = [
        "| Storm | Transport | Requests | Logins (target 1) | Failed (target 0) "
        "| Sends per request (target ≤ 2) | Answered 401 | Wall time |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for s in storms:
        lines.append(
            f"| {s.name} | {s.transport} | {s.requests:,} | {s.counts.logins} | {failures_text(s.failures)} "
            f"| {s.sends_per_request:.4f} | {s.counts.denied:,} | {s.seconds:.2f} s |"
        )
    return lines


def overhead_table(results: list[OverheadResult]) -> list[str]:
    lines = [
        f"| Transport | WXMAuth, {MICRO}s/request | static header, {MICRO}s/request "
        "| WXMAuth / static header (target ≤ 1.03) | Rounds' ratios, quartiles |",
        "|---|--:|--:|--:|--:|",
    ]
    for r in results:
        q1, _, q3 = statistics.quantiles(r.ratios, n=4)
        lines.append(
            f"| {r.transport} | {statistics.median(r.wxm) * 1e6:.1f} "
            f"| {statistics.median(r.static) * 1e6:.1f} | {r.ratio:.3f} | {q1:.3f} to {q3:.3f} |"
        )
    lines.extend(
        f"\nWarning: {r.not_ok:,} requests on {r.transport} did not answer 200."
        for r in results
        if r.not_ok
    )
    return lines


def summary(report: Report) -> str:
    def storms(name: str) -> str:
        return "; ".join(
            f"{s.transport} ({s.requests:,} requests): logins {s.counts.logins}, "
            f"failed {s.failed}, sends per request {s.sends_per_request:.2f}"
            for s in report.storms
            if s.name == name
        )

    fake, mock = report.overheads
    return (
        f"**{report.options.backend}:** cold storm, {storms('cold')}. "
        f"Revoked-token storm, {storms('revoked token')}. "
        f"WXMAuth / static header: {fake.ratio:.3f} through the fake WXM, "
        f"{mock.ratio:.3f} through MockTransport."
    )


def render(report: Report) -> str:
    o = report.options
    lines = [
        f"### {o.backend}",
        "",
        summary(report),
        "",
        *environment(report.run),
        "",
        "#### Storms: concurrent requests, one `WXMAuth`"
        f" (loopback: {LOOPBACK_LIMITS.max_connections} connections)",
        "",
        *storm_table(report.storms),
        "",
        f"#### Overhead: {o.rounds} rounds of {o.round_size:,} sequential requests per auth",
        "",
        *overhead_table(report.overheads),
    ]
    return "\n".join(lines)


def main() -> None:
    options = Options.parse()
    (storms, overhead_results), run = run_timed(measure, options, backend=options.backend)
    report = Report(options=options, run=run, storms=storms, overheads=overhead_results)
    block = render(report)
    print(block)
    if options.write_docs:
        write_docs(DOCS_PAGE, options.backend, block, title="Benchmarks")
        progress(f"written to {DOCS_PAGE}")


if __name__ == "__main__":
    main()
