"""Benchmark ``WXMClient`` under load: linear in the number of calls, flat in memory.

Run from the repository root::

    python benchmarks/bench_client.py [--small N] [--large N] [--raw-large N]
        [--backend asyncio|trio] [--write-docs]

1. Scaling. ``small`` and then ``large`` concurrent ``client.questions.active()`` calls
   through one ``WXMClient`` against the fake WXM on loopback, and the same numbers of
   GETs through a raw ``httpx.AsyncClient`` with the same pool (20 connections) and a
   ``WXMAuth``, for contrast. The client queues the calls beyond its pool in an anyio
   ``CapacityLimiter``; raw httpx queues them in httpcore's pool, whose cost grows
   faster than the queue. Reported: each wall time and the ratio large / small
   (linear = large / small calls).
2. Memory. ``client.responses.iterate()`` over 10,000 and then 100,000 responses of the
   fake, page by page, in process; tracemalloc's peak for each (Python allocations,
   the fake's included), measured first, from a collected heap. Flat = the same peak
   whatever the number of pages. The peak includes garbage the cyclic collector has
   not yet freed, so it varies by a few MiB from run to run.

Absolute times depend on the machine and on the fake sharing the process; the ratios
are what the benchmark is for. It reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from dataclasses import dataclass

import anyio
import httpx
from _common import (
    DOCS,
    PASSWORD,
    USERNAME,
    Run,
    at_least,
    benchmark_parser,
    environment,
    markdown_table,
    progress,
    report,
    run_timed,
)

from wxm_async import RetryPolicy, WXMAuth, WXMClient
from wxm_async.defaults import DEFAULT_LIMITS
from wxm_async.testing import FakeWXM, serve

PATH = "/api/Questions/Active"
#: Queued calls wait in the pool; only I/O may time out.
TIMEOUT = httpx.Timeout(60.0, pool=None)
PAGE_SIZE = 1_000
DOCS_PAGE = DOCS / "benchmarks.md"


@dataclass(frozen=True)
class Scaling:
    """Wall times of ``small`` and ``large`` concurrent calls through one client."""

    name: str
    small: int
    large: int
    small_seconds: float
    large_seconds: float
    failed: int

    @property
    def ratio(self) -> float:
        """The large run's time over the small run's."""
        return self.large_seconds / self.small_seconds


@dataclass(frozen=True)
class Memory:
    """Peak traced memory while iterating ``responses`` responses."""

    responses: int
    seen: int
    peak_bytes: int
    seconds: float


async def concurrently(n: int, call: object) -> tuple[float, int]:
    """Run ``call()`` ``n`` times at once; return the wall time and the failures."""
    failed = 0

    async def one() -> None:
        nonlocal failed
        try:
            await call()  # type: ignore[operator]
        except Exception:  # counted, not hidden: the table shows it
            failed += 1

    started = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(one)
    return time.perf_counter() - started, failed


async def scaling(small: int, large: int, raw_large: int) -> list[Scaling]:
    results = []
    async with serve(FakeWXM()) as url:
        async with WXMClient(
            auth=WXMAuth(USERNAME, PASSWORD),
            base_url=url,
            timeout=TIMEOUT,
            retries=RetryPolicy.off(),
        ) as client:
            await client.questions.active()  # log in first: only the calls are timed
            s, f1 = await concurrently(small, client.questions.active)
            progress(f"WXMClient, {small:,} calls: {s:.2f} s")
            big, f2 = await concurrently(large, client.questions.active)
            progress(f"WXMClient, {large:,} calls: {big:.2f} s")
            results.append(Scaling("WXMClient", small, large, s, big, f1 + f2))
        async with httpx.AsyncClient(
            base_url=url, auth=WXMAuth(USERNAME, PASSWORD), limits=DEFAULT_LIMITS, timeout=TIMEOUT
        ) as http:
            await http.get(PATH)

            async def get() -> None:
                (await http.get(PATH)).raise_for_status()

            s, f1 = await concurrently(small, get)
            progress(f"raw httpx, {small:,} calls: {s:.2f} s")
            big, f2 = await concurrently(raw_large, get)
            progress(f"raw httpx, {raw_large:,} calls: {big:.2f} s")
            results.append(Scaling("raw httpx, same pool", small, raw_large, s, big, f1 + f2))
    return results


async def memory(counts: list[int]) -> list[Memory]:
    results = []
    for count in counts:
        fake = FakeWXM(responses=count)
        async with WXMClient(
            auth=WXMAuth(USERNAME, PASSWORD),
            base_url="https://wxm.test",
            transport=fake.transport(),
        ) as client:
            await client.account.profile()
            gc.collect()  # start each count from the same, clean heap
            tracemalloc.start()
            started = time.perf_counter()
            seen = 0
            async for _ in client.responses.iterate(page_size=PAGE_SIZE):
                seen += 1
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        progress(f"iterated {seen:,} responses, peak {peak / 2**20:.1f} MiB")
        results.append(Memory(count, seen, peak, seconds))
    return results


def render(run: Run, scales: list[Scaling], memories: list[Memory]) -> str:
    lines = [
        f"### WXMClient, {run.backend}",
        "",
        *environment(run),
        "",
        f"#### Scaling: concurrent calls over loopback, pool of {DEFAULT_LIMITS.max_connections} connections",
        "",
    ]
    lines += markdown_table(
        [
            "Client",
            "Calls (small)",
            "Wall time",
            "Calls (large)",
            "Wall time",
            "Time ratio (linear = calls ratio)",
            "Failed",
        ],
        "lrrrrrr",
        (
            [
                s.name,
                f"{s.small:,}",
                f"{s.small_seconds:.2f} s",
                f"{s.large:,}",
                f"{s.large_seconds:.2f} s",
                f"{s.ratio:.1f} (calls {s.large / s.small:.0f}x)",
                f"{s.failed}",
            ]
            for s in scales
        ),
    )
    lines += [
        "",
        f"#### Memory: iterating every response, pages of {PAGE_SIZE:,}, in process",
        "",
    ]
    lines += markdown_table(
        ["Responses", "Iterated", "Peak traced memory", "Wall time"],
        "rrrr",
        (
            [
                f"{m.responses:,}",
                f"{m.seen:,}",
                f"{m.peak_bytes / 2**20:.2f} MiB",
                f"{m.seconds:.1f} s",
            ]
            for m in memories
        ),
    )
    if len(memories) == 2:
        lines += [
            "",
            f"Peak ratio, {memories[1].responses:,} / {memories[0].responses:,} responses: "
            f"{memories[1].peak_bytes / memories[0].peak_bytes:.2f} (flat = 1).",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = benchmark_parser(__doc__, DOCS_PAGE)
    parser.add_argument("--small", type=at_least(1), default=1_000, help="calls in the small run")
    parser.add_argument("--large", type=at_least(1), default=10_000, help="calls in the large run")
    parser.add_argument(
        "--raw-large", type=at_least(1), default=10_000, help="raw httpx's large run"
    )
    parser.add_argument(
        "--responses",
        type=at_least(1),
        nargs=2,
        default=[10_000, 100_000],
        help="responses to iterate",
    )
    args = parser.parse_args()

    async def measure(options: argparse.Namespace) -> tuple[list[Scaling], list[Memory]]:
        # Memory first: the scaling runs leave a large heap behind, which makes Python's
        # cyclic collector run less often and so inflates later peaks.
        memories = await memory(options.responses)
        return await scaling(options.small, options.large, options.raw_large), memories

    (scales, memories), run = run_timed(measure, args, backend=args.backend)
    report(
        render(run, scales, memories),
        write=args.write_docs,
        page=DOCS_PAGE,
        key=f"client-{args.backend}",
        title="Benchmarks",
    )


if __name__ == "__main__":
    main()
