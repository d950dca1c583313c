"""Benchmark what a typed call costs beyond a raw httpx GET: ``questions.active()`` vs ``get().json()``.

Run from the repository root::

    python benchmarks/bench_typed_call.py [--rounds N] [--calls N] [--width N]
        [--backend asyncio|trio] [--write-docs]

Both contenders go through the same in-process transport (the fake WXM's, ASGI in
process, no sockets) with the same logged-in ``WXMAuth``:

- typed: ``client.questions.active()`` through ``WXMClient`` (retries, a concurrency
  limit, the capped body read, decoding into ``Question`` models);
- raw: ``httpx.AsyncClient.get(...)`` then ``.raise_for_status()`` and ``.json()``.

Each round makes ``calls`` calls of each, ``width`` at a time, the contender going
first alternating from round to round, so that the machine's load and drift fall on
both alike. Each round gives one ratio, typed over raw; the table gives the median of
the rounds' ratios and their quartiles (the spread). It reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio
import httpx
from _common import (
    BASE_URL,
    DOCS,
    MICRO,
    PASSWORD,
    PATH,
    USERNAME,
    Run,
    at_least,
    benchmark_parser,
    environment,
    markdown_table,
    quartiles,
    report,
    rotating_rounds,
    run_timed,
)

from wxm_async import WXMAuth, WXMClient
from wxm_async.testing import FakeWXM

DOCS_PAGE = DOCS / "benchmarks.md"
TARGET = 1.20


@dataclass(frozen=True)
class Rounds:
    """Mean seconds per call in each round, for each contender."""

    typed: list[float]
    raw: list[float]

    @property
    def ratios(self) -> list[float]:
        """Typed over raw, round by round."""
        return [t / r for t, r in zip(self.typed, self.raw, strict=True)]


async def per_call(call: Callable[[], Awaitable[object]], calls: int, width: int) -> float:
    """Make ``calls`` calls, ``width`` at a time; return the mean wall time per call."""
    limiter = anyio.CapacityLimiter(width)

    async def one() -> None:
        async with limiter:
            await call()

    start = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for _ in range(calls):
            tg.start_soon(one)
    return (time.perf_counter() - start) / calls


async def measure(options: argparse.Namespace) -> Rounds:
    fake = FakeWXM()
    auth = WXMAuth(USERNAME, PASSWORD)
    async with (
        WXMClient(auth=auth, base_url=BASE_URL, transport=fake.transport()) as client,
        httpx.AsyncClient(auth=auth, base_url=BASE_URL, transport=fake.transport()) as http,
    ):

        async def raw() -> object:
            response = await http.get(PATH)
            response.raise_for_status()
            return response.json()

        def timed(call: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[float]]:
            return lambda: per_call(call, options.calls, options.width)

        times = await rotating_rounds(
            options.rounds, {"typed": timed(client.questions.active), "raw": timed(raw)}
        )
    return Rounds(times["typed"], times["raw"])


def render(run: Run, options: argparse.Namespace, rounds: Rounds) -> str:
    q1, median, q3 = quartiles(rounds.ratios)
    row = [
        f"{statistics.median(rounds.typed) * 1e6:.0f}",
        f"{statistics.median(rounds.raw) * 1e6:.0f}",
        f"{median:.3f}",
        f"{q1:.3f} to {q3:.3f}",
        f"{min(rounds.ratios):.3f} to {max(rounds.ratios):.3f}",
    ]
    header = [
        f"`questions.active()`, {MICRO}s/call",
        f"`get()` + `.json()`, {MICRO}s/call",
        f"Typed / raw (target ≤ {TARGET:.2f})",
        "Rounds' ratios, quartiles",
        "Lowest to highest",
    ]
    return "\n".join(
        [
            f"### A typed call beside a raw one, {run.backend}",
            "",
            *environment(run),
            "",
            f"#### {options.rounds} rounds of {options.calls:,} calls each, "
            f"{options.width} at a time, fake WXM in process",
            "",
            *markdown_table(header, "rrrrr", [row]),
        ]
    )


def main() -> None:
    parser = benchmark_parser(__doc__, DOCS_PAGE)
    parser.add_argument("--rounds", type=at_least(4), default=30, help="rounds kept")
    parser.add_argument("--calls", type=at_least(1), default=2_000, help="calls per round")
    parser.add_argument("--width", type=at_least(1), default=50, help="calls at a time")
    args = parser.parse_args()
    rounds, run = run_timed(measure, args, backend=args.backend)
    report(
        render(run, args, rounds),
        write=args.write_docs,
        page=DOCS_PAGE,
        key=f"typed-call-{args.backend}",
        title="Benchmarks",
    )


if __name__ == "__main__":
    main()
