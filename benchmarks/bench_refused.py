"""What an endpoint that answers 401 to every token costs: logins and sends per call.

Run from the repository root::

    python benchmarks/bench_refused.py [--calls N] [--backend asyncio|trio] [--write-docs]

WXM answers 401 both for a token it no longer accepts and, possibly, for a request the
account may not make (WXM's documentation does not say which status a missing role
gets). wxm_async cannot tell them apart without trying again: the auth replays a call
once with a new login, and ``WXMClient`` retries a 401 whose token the auth has since
forgotten or replaced (see docs/explanation/auth.md). This measures what that costs when
every call is refused, in process (``httpx.MockTransport``): N calls one after another
(the baseline), then N calls at once, through one ``WXMClient`` whose retries do not
wait. Every call must end in ``AuthenticationError``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx
from _common import (
    BASE_URL,
    PASSWORD,
    USERNAME,
    Run,
    at_least,
    benchmark_parser,
    environment,
    progress,
    report,
    run_timed,
)

from wxm_async import AuthenticationError, RetryPolicy, WXMAuth, WXMClient
from wxm_async.testing import DENIED_MESSAGE, FakeWXM

DOCS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class Outcome:
    """One way of calling: how many calls, logins and sends of the refused call."""

    name: str
    calls: int
    refused: int
    logins: int
    sends: int


async def refused(name: str, calls: int, *, at_once: bool) -> Outcome:
    """Make ``calls`` calls that WXM refuses with 401 whatever the token."""
    fake = FakeWXM()  # only for its real login answers
    login = fake.transport()
    sends = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal sends
        if request.url.path == "/api/LoginToken":
            return await login.handle_async_request(request)
        sends += 1
        await anyio.lowlevel.checkpoint()  # let the other calls run, as a network would
        return httpx.Response(401, json={"message": DENIED_MESSAGE})

    refusals = 0
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url=BASE_URL,
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy().without_waiting(),
    ) as client:

        async def call() -> None:
            nonlocal refusals
            try:
                await client.questions.active()
            except AuthenticationError:
                refusals += 1

        if at_once:
            async with anyio.create_task_group() as tg:
                for _ in range(calls):
                    tg.start_soon(call)
        else:
            for _ in range(calls):
                await call()
    progress(f"{name}: {fake.logins} logins, {sends} sends")
    return Outcome(name, calls, refusals, fake.logins, sends)


def render(run: Run, outcomes: list[Outcome]) -> str:
    lines = [
        f"### An endpoint that refuses every token, {run.backend}",
        "",
        *environment(run),
        "",
        "| Calls | Refused (AuthenticationError) | Logins | Logins per call | Sends | Sends per call |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    lines += [
        f"| {o.name} | {o.refused:,} | {o.logins:,} | {o.logins / o.calls:.2f} | {o.sends:,} "
        f"| {o.sends / o.calls:.2f} |"
        for o in outcomes
    ]
    base, storm = outcomes
    lines += [
        "",
        f"Ratio, at once / one after another: logins {storm.logins / base.logins:.2f}, "
        f"sends {storm.sends / base.sends:.2f}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = benchmark_parser(__doc__, DOCS_PAGE)
    parser.add_argument("--calls", type=at_least(1), default=1_000, help="calls in each run")
    args = parser.parse_args()

    async def measure(options: argparse.Namespace) -> list[Outcome]:
        n = options.calls
        return [
            await refused(f"{n:,} one after another", n, at_once=False),
            await refused(f"{n:,} at once", n, at_once=True),
        ]

    outcomes, run = run_timed(measure, args, backend=args.backend)
    report(
        render(run, outcomes),
        write=args.write_docs,
        page=DOCS_PAGE,
        key=f"refused-{args.backend}",
        title="Benchmarks",
    )


if __name__ == "__main__":
    main()
