"""A 5,000-call export under a per-minute quota: 0 failures, and 0 calls answered 429 when paced.

Run from the repository root::

    python benchmarks/bench_quota.py [--calls N] [--quota Q] [--per S] [--pace P]
        [--concurrency C] [--retry-after seconds|none] [--backend asyncio|trio] [--write-docs]

WXM limits requests per unit of time; a per-minute quota fits what is known, and
WXM may send no ``Retry-After`` (its own client never reads one). This exports N
responses one call each (``client.responses.get(id)``, C at a time) through one
``WXMClient`` with the default ``RetryPolicy``, from a fake WXM (in process) that
allows Q requests per S seconds, twice: without a client-side limit (the default
policy must ride out the quota: 0 failures), then with
``WXMClient(rate_limit=RequestRate(requests=P, per=S))`` (0 calls answered 429).
With the defaults (5,000 calls, 3,000 a minute, no Retry-After) it takes about
three minutes: the quota, not the machine, sets the pace.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import anyio
from _common import (
    BASE_URL,
    PASSWORD,
    USERNAME,
    Run,
    at_least,
    benchmark_parser,
    environment,
    failures_text,
    markdown_table,
    progress,
    report,
    run_timed,
)

from wxm_async import RequestRate, WXMAuth, WXMClient, WXMError
from wxm_async.testing import FakeWXM, RateLimit

DOCS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class Outcome:
    """One export: what it was asked, what came back, what the quota answered."""

    name: str
    calls: int
    exported: int
    failures: Counter[str]
    answered_429: int
    requests: int
    seconds: float


async def export(name: str, options: argparse.Namespace, *, pace: RequestRate | None) -> Outcome:
    """Export ``options.calls`` responses, one call each, under the fake's quota."""
    retry_after: Literal["seconds"] | None = "seconds" if options.retry_after == "seconds" else None
    fake = FakeWXM(
        responses=options.calls,
        rate_limit=RateLimit(requests=options.quota, per=options.per, retry_after=retry_after),
        tidy=False,
    )
    ids = [
        fake._world.answers.id_of(i) for i in range(options.calls)
    ]  # the fake's own ids, not a call
    failures: Counter[str] = Counter()
    exported = 0
    next_id = 0
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url=BASE_URL,
        transport=fake.transport(),
        max_concurrency=options.concurrency,
        rate_limit=pace,
    ) as client:

        async def worker() -> None:
            nonlocal exported, next_id
            while next_id < len(ids):
                response_id = ids[next_id]
                next_id += 1
                try:
                    await client.responses.get(response_id)
                except WXMError as exc:
                    failures[type(exc).__name__] += 1
                else:
                    exported += 1

        started = anyio.current_time()
        async with anyio.create_task_group() as tg:
            for _ in range(options.concurrency):
                tg.start_soon(worker)
        seconds = anyio.current_time() - started
    requests = fake.requests["GET /api/answer/{answer_id}"]
    progress(f"{name}: {exported:,} exported, {fake.rate_limited:,} answered 429, {seconds:.0f} s")
    return Outcome(name, options.calls, exported, failures, fake.rate_limited, requests, seconds)


def render(run: Run, options: argparse.Namespace, outcomes: list[Outcome]) -> str:
    header = "Retry-After in seconds" if options.retry_after == "seconds" else "no Retry-After"
    lines = [
        f"### Export under a quota of {options.quota:,} requests per {options.per:g} s "
        f"({header}), {run.backend}",
        "",
        *environment(run),
        f"- {options.calls:,} calls (`client.responses.get(id)`), {options.concurrency} at a "
        "time, one `WXMClient` with the default `RetryPolicy`, fake WXM in process",
        "",
    ]
    lines += markdown_table(
        ["Client", "Exported", "Failures", "Answered 429", "Requests sent", "Seconds"],
        "lrrrrr",
        (
            [
                o.name,
                f"{o.exported:,}",
                failures_text(o.failures),
                f"{o.answered_429:,}",
                f"{o.requests:,}",
                f"{o.seconds:.0f}",
            ]
            for o in outcomes
        ),
    )
    return "\n".join(lines)


def main() -> None:
    parser = benchmark_parser(__doc__, DOCS_PAGE)
    parser.add_argument("--calls", type=at_least(1), default=5_000, help="responses to export")
    parser.add_argument("--quota", type=at_least(1), default=3_000, help="the fake's quota")
    parser.add_argument("--per", type=float, default=60.0, help="the quota's window, seconds")
    parser.add_argument(
        "--pace",
        type=at_least(1),
        default=None,
        help="the limiter's requests per window (default: 98%% of the quota)",
    )
    parser.add_argument("--concurrency", type=at_least(1), default=20)
    parser.add_argument("--retry-after", choices=["seconds", "none"], default="none")
    args = parser.parse_args()
    pace = args.pace or max(1, args.quota * 98 // 100)

    async def measure(options: argparse.Namespace) -> list[Outcome]:
        return [
            await export("default, no rate_limit", options, pace=None),
            await export(
                f"rate_limit=RequestRate(requests={pace:,}, per={options.per:g})",
                options,
                pace=RequestRate(requests=pace, per=options.per),
            ),
        ]

    outcomes, run = run_timed(measure, args, backend=args.backend)
    report(
        render(run, args, outcomes),
        write=args.write_docs,
        page=DOCS_PAGE,
        key=f"quota-{args.backend}",
        title="Benchmarks",
    )


if __name__ == "__main__":
    main()
