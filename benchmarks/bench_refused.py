"""What an endpoint that answers 401 to every token costs: logins and sends per call.

Run from the repository root::

    python benchmarks/bench_refused.py [--calls N] [--backend asyncio|trio] [--write-docs]

WXM answers 401 both for a token it no longer accepts and, possibly, for a request the
account may not make (WXM's documentation does not say which status a missing role
gets). The auth tells them apart with one probe (``GET /api/Profile``) per token that met
401 while current (see docs/explanation/auth.md). This measures what a refused call
costs, in process (``httpx.MockTransport``): N calls one after another (the baseline),
then N calls at once, through one ``WXMClient`` whose retries do not wait and through
plain httpx with ``WXMAuth``; first with one endpoint refusing every live token (the
probe succeeds), then the worst case, WXM refusing every token everywhere (the probe
too). Every call must end in 401 (``AuthenticationError`` through the client).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Coroutine
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
    markdown_table,
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
    probes: int


async def repeat(
    call: Callable[[], Coroutine[object, object, None]], times: int, *, at_once: bool
) -> None:
    """Await ``call()`` ``times`` times: one after another, or all at once in a task group."""
    if not at_once:
        for _ in range(times):
            await call()
        return
    async with anyio.create_task_group() as tg:
        for _ in range(times):
            tg.start_soon(call)


async def refused(name: str, calls: int, *, at_once: bool, probe_ok: bool, through: str) -> Outcome:
    """Make ``calls`` calls to an endpoint that refuses every token with 401."""
    fake = FakeWXM()  # for its real login answers and, when probe_ok, its profile
    inner = fake.transport()
    sends = probes = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal sends, probes
        if request.url.path == "/api/LoginToken":
            return await inner.handle_async_request(request)
        await anyio.lowlevel.checkpoint()  # let the other calls run, as a network would
        if request.url.path == "/api/Profile":
            probes += 1
            if probe_ok:
                return await inner.handle_async_request(request)
        else:
            sends += 1
        return httpx.Response(401, json={"message": DENIED_MESSAGE})

    refusals = 0
    transport = httpx.MockTransport(handle)
    async with (
        WXMClient(
            auth=WXMAuth(USERNAME, PASSWORD),
            base_url=BASE_URL,
            transport=transport,
            retries=RetryPolicy().without_waiting(),
        ) as client,
        httpx.AsyncClient(
            auth=WXMAuth(USERNAME, PASSWORD), base_url=BASE_URL, transport=transport
        ) as http,
    ):

        async def call() -> None:
            nonlocal refusals
            if through == "httpx":
                status = (await http.get("/api/Questions/Active")).status_code
                refusals += status == 401
                return
            try:
                await client.questions.active()
            except AuthenticationError:
                refusals += 1

        await repeat(call, calls, at_once=at_once)
    progress(f"{name}: {fake.login_attempts} logins, {sends} sends, {probes} probes")
    return Outcome(name, calls, refusals, fake.login_attempts, sends, probes)


def render(run: Run, outcomes: list[Outcome]) -> str:
    lines = [
        f"### An endpoint that refuses every token, {run.backend}",
        "",
        *environment(run),
        "",
    ]
    lines += markdown_table(
        [
            "Calls",
            "Refused (401)",
            "Logins",
            "Logins per call",
            "Sends",
            "Sends per call",
            "Probes",
        ],
        "lrrrrrr",
        (
            [
                o.name,
                f"{o.refused:,}",
                f"{o.logins:,}",
                f"{o.logins / o.calls:.3f}",
                f"{o.sends:,}",
                f"{o.sends / o.calls:.2f}",
                f"{o.probes:,}",
            ]
            for o in outcomes
        ),
    )
    lines += [
        "",
        "Targets (issue 11): at most 2 logins per call one after another, at most 0.1 per",
        "call at once, for an endpoint that refuses live tokens.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = benchmark_parser(__doc__, DOCS_PAGE)
    parser.add_argument("--calls", type=at_least(1), default=1_000, help="calls in each run")
    args = parser.parse_args()

    async def measure(options: argparse.Namespace) -> list[Outcome]:
        n = options.calls
        outcomes = []
        for probe_ok, what in [(True, "one endpoint refuses"), (False, "everything refuses")]:
            for through in ["client", "httpx"]:
                for at_once in [False, True]:
                    how = "at once" if at_once else "one after another"
                    outcomes.append(
                        await refused(
                            f"{what}, {through}, {n:,} {how}",
                            n,
                            at_once=at_once,
                            probe_ok=probe_ok,
                            through=through,
                        )
                    )
        return outcomes

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
