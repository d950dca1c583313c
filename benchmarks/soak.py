"""Soak wxm_async: many workers, short-lived tokens, random revocations and failing logins.

Run from the repository root (or ``nox -s soak -- --seconds 60``)::

    python benchmarks/soak.py [--seconds S] [--workers W] [--revoke-every S]
        [--fail-login-every S] [--seed N] [--through client|auth] [--backend asyncio|trio]
        [--write-docs]

Against the fake WXM over loopback, with tokens that state ``expires_in: 1`` (the fake
honours them for 2 s), W workers call ``questions.active()`` one after another through
one ``WXMClient`` for S seconds (``--through auth``: ``GET`` through a plain
``httpx.AsyncClient`` with ``WXMAuth``, which retries nothing). Meanwhile, at random (mean intervals given), the fake
revokes every token, or answers the next login with a 5xx.

It reports the calls, the failures by kind, the logins, and the process's memory after
the warm-up and at the end: its resident set size, and the memory blocks Python's
allocator holds (``sys.getallocatedblocks()``, after a garbage collection). Neither
slows the workers down, as tracemalloc would.

A failure that is a library error (``WXMError``, such as the ``ServerError`` shared by
everyone waiting on a login that answered 503) or an httpx transport error is reported;
the run fails (exit status 1) only if a call raised anything else, or did not finish
within a minute: a lost request. ``--write-docs`` puts the report into docs/soak.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import anyio
import httpx
from _common import (
    LOOPBACK_LIMITS,
    LOOPBACK_TIMEOUT,
    PASSWORD,
    PATH,
    USERNAME,
    Run,
    at_least,
    environment,
    failures_text,
    markdown_table,
    progress,
    report,
    run_timed,
)

from wxm_async import WXMAuth, WXMClient, WXMError
from wxm_async.testing import FakeWXM, serve

#: The fake's token lifetime: it states ``expires_in: 1``.
TOKEN_LIFETIME = 2
#: A call that takes longer than this is lost.
CALL_GUARD = 60.0
#: How long the workers run before the first memory reading.
WARM_UP = 10.0
DOCS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "soak.md"


@dataclass(frozen=True)
class Options:
    """The command line."""

    seconds: float
    workers: int
    revoke_every: float
    fail_login_every: float
    seed: int
    through: str
    backend: str
    write_docs: bool

    @classmethod
    def parse(cls) -> Options:
        """Parse ``sys.argv``."""
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
        add = parser.add_argument
        add("--seconds", type=float, default=300.0, help="how long the workers run")
        add("--workers", type=at_least(1), default=200, help="concurrent workers")
        add("--revoke-every", type=float, default=5.0, help="mean seconds between revocations")
        add("--fail-login-every", type=float, default=7.0, help="mean seconds between 5xx logins")
        add("--seed", type=int, default=6, help="for the random faults")
        add("--through", choices=["client", "auth"], default="client", help="WXMClient or WXMAuth")
        add("--backend", choices=["asyncio", "trio"], default="asyncio")
        add("--write-docs", action="store_true", help="write the report into docs/soak.md")
        a = parser.parse_args()
        return cls(
            a.seconds,
            a.workers,
            a.revoke_every,
            a.fail_login_every,
            a.seed,
            a.through,
            a.backend,
            a.write_docs,
        )


@dataclass
class Tally:
    """What happened so far."""

    calls: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    lost: Counter[str] = field(default_factory=Counter)
    revocations: int = 0
    failed_logins_injected: int = 0
    logins: int = 0
    login_attempts: int = 0
    memory: dict[str, tuple[int, int]] = field(default_factory=dict)  # RSS, blocks
    rss_trend: list[int] = field(default_factory=list)  # after the warm-up, then every 30 s


def memory() -> tuple[int, int]:
    """The resident set size in bytes, and the blocks Python's allocator holds."""
    gc.collect()
    with open("/proc/self/statm", encoding="ascii") as statm:  # Linux only
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE"), sys.getallocatedblocks()


async def worker(call: Callable[[], Awaitable[str | None]], deadline: float, tally: Tally) -> None:
    while time.monotonic() < deadline:
        tally.calls += 1
        try:
            with anyio.fail_after(CALL_GUARD):
                failure = await call()
        except TimeoutError:
            tally.lost["no answer within a minute"] += 1
        except (WXMError, httpx.TransportError) as exc:
            tally.failures[type(exc).__name__] += 1
        except Exception as exc:  # a lost request: reported, and it fails the run
            tally.lost[f"{type(exc).__name__}: {exc}"] += 1
        else:
            if failure is not None:
                tally.failures[failure] += 1


async def chaos(fake: FakeWXM, options: Options, tally: Tally) -> None:
    """Revoke every token, or fail the next login with a 5xx, at random times."""
    rng = random.Random(options.seed)
    rate = 1 / options.revoke_every + 1 / options.fail_login_every
    while True:
        await anyio.sleep(rng.expovariate(rate))
        if rng.random() < (1 / options.revoke_every) / rate:
            fake.revoke_all_tokens()
            tally.revocations += 1
        else:
            fake.fail_next_logins(1, status=rng.choice([500, 502, 503]), body={"message": "down"})
            tally.failed_logins_injected += 1


async def soak(options: Options) -> Tally:
    tally = Tally()
    fake = FakeWXM(token_lifetime=TOKEN_LIFETIME)
    async with (
        serve(fake) as url,
        WXMClient(
            auth=WXMAuth(USERNAME, PASSWORD),
            base_url=url,
            limits=LOOPBACK_LIMITS,
            timeout=LOOPBACK_TIMEOUT,
        ) as client,
        anyio.create_task_group() as tg,
    ):

        async def through_client() -> str | None:
            await client.questions.active()
            return None

        async def through_auth() -> str | None:
            response = await client.http.get(PATH)
            return None if response.status_code == 200 else f"HTTP {response.status_code}"

        call = through_client if options.through == "client" else through_auth
        start = time.monotonic()
        deadline = start + options.seconds
        tg.start_soon(chaos, fake, options, tally)
        async with anyio.create_task_group() as workers:
            for _ in range(options.workers):
                workers.start_soon(worker, call, deadline, tally)
            await anyio.sleep(min(WARM_UP, options.seconds / 2))
            tally.memory["after the warm-up"] = memory()
            tally.rss_trend.append(tally.memory["after the warm-up"][0])
            while time.monotonic() < deadline:
                await anyio.sleep(min(30.0, max(deadline - time.monotonic(), 0.0)))
                rss = memory()[0]
                tally.rss_trend.append(rss)
                progress(
                    f"{time.monotonic() - start:.0f} s: {tally.calls:,} calls, "
                    f"failures {failures_text(tally.failures)}, logins {fake.logins}, "
                    f"RSS {rss / 2**20:.1f} MiB"
                )
        tally.memory["at the end"] = memory()
        tg.cancel_scope.cancel()
    tally.logins, tally.login_attempts = fake.logins, fake.login_attempts
    return tally


def render(options: Options, tally: Tally, run: Run) -> str:
    """The report: where it ran, then the figures."""
    mib = 2**20
    lines = [
        f"### Through {'WXMClient' if options.through == 'client' else 'WXMAuth alone'}, "
        f"{options.backend}",
        "",
        *environment(run),
        "",
        f"{options.workers} workers for {options.seconds:g} s; tokens stating `expires_in: 1`; "
        f"on average a revocation every {options.revoke_every:g} s and a 5xx login every "
        f"{options.fail_login_every:g} s (seed {options.seed}).",
        "",
    ]
    rows = [
        ["Calls", f"{tally.calls:,}"],
        ["Failures", failures_text(tally.failures)],
        ["Lost (raised something else, or hung)", failures_text(tally.lost)],
        ["Logins (of attempts)", f"{tally.logins:,} of {tally.login_attempts:,}"],
        ["Revocations", f"{tally.revocations}"],
        ["Logins answered 5xx", f"{tally.failed_logins_injected}"],
    ]
    for moment in ("after the warm-up", "at the end"):
        rss, blocks = tally.memory[moment]
        rows.append([f"Memory {moment}: RSS; allocated blocks", f"{rss / mib:.1f} MiB; {blocks:,}"])
    trend = ", ".join(f"{rss / mib:.1f}" for rss in tally.rss_trend)
    rows.append(["RSS after the warm-up, then every 30 s (MiB)", trend])
    lines += markdown_table(["Figure", "Value"], "lr", rows)
    return "\n".join(lines)


def main() -> None:
    options = Options.parse()
    tally, run = run_timed(soak, options, backend=options.backend)
    report(
        render(options, tally, run),
        write=options.write_docs,
        page=DOCS_PAGE,
        key=f"soak-{options.through}-{options.backend}",
        title="Soak under faults",
    )
    sys.exit(1 if tally.lost else 0)


if __name__ == "__main__":
    main()
