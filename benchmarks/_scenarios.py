"""The scenarios of ``bench_peers.py``, and how one contender is measured in one of them.

Each run of a scenario gets a fresh fake WXM, served on loopback (httpx-auth fetches its
tokens there even when the requests go in process), and a ticker task that measures how
long the event loop went without running it.
"""

from __future__ import annotations

import time
import tracemalloc
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace

import _peers
import anyio
import httpx
from _common import (
    BASE_URL,
    LOOPBACK_LIMITS,
    LOOPBACK_TIMEOUT,
    PASSWORD,
    ROUTE,
    USERNAME,
    progress,
    rotating_rounds,
)

from wxm_async.testing import FakeWXM, serve

FLOOR = "static header (floor)"
#: How often the ticker task wakes up, in seconds.
TICK = 0.002
#: The fake's token lifetime in the short-token scenario: it states ``expires_in: 1``.
SHORT_LIFETIME = 2
#: Seconds before expiry at which every contender refreshes a short token (10% of it).
SHORT_LEEWAY = 0.1
WRONG_PASSWORD = "not-the-password"
LOGIN_PATH = "/api/LoginToken"


@dataclass(frozen=True)
class Sizes:
    """How much each scenario sends."""

    requests: int
    loopback_requests: int
    workers: int
    seconds: float
    rounds: int
    round_size: int


# -- measuring ----------------------------------------------------------------------------


@dataclass
class Meter:
    """Wall time, the event loop's longest stall and, if asked, the peak of allocations."""

    trace_memory: bool
    active: bool = False
    started: float = 0.0
    last_wakeup: float = 0.0
    seconds: float = 0.0
    longest_gap: float = 0.0
    peak_bytes: int = 0

    async def tick(self) -> None:
        """Wake up every ``TICK`` seconds; while active, keep the longest time between wakeups."""
        while True:
            await anyio.sleep(TICK)
            now = time.perf_counter()
            if self.active:
                self.longest_gap = max(self.longest_gap, now - self.last_wakeup)
            self.last_wakeup = now

    def start(self) -> None:
        """Start the clock, the stall watch and, if asked, tracemalloc."""
        if self.trace_memory:
            tracemalloc.start()
        self.active = True
        self.started = self.last_wakeup = time.perf_counter()

    def stop(self) -> None:
        """Stop them; keep the time, the longest stall and the peak of allocations."""
        now = time.perf_counter()
        self.seconds = now - self.started
        # A loop that never let the ticker run stalled from its last wakeup until now.
        self.longest_gap = max(self.longest_gap, now - self.last_wakeup)
        self.active = False
        if self.trace_memory:
            self.peak_bytes = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()


@dataclass(frozen=True)
class Counts:
    """What the fake WXM counted."""

    login_attempts: int
    logins: int
    sends: int
    unauthenticated: int
    denied: int

    @classmethod
    def of(cls, fake: FakeWXM) -> Counts:
        """Read the fake's counters now."""
        return cls(
            fake.login_attempts,
            fake.logins,
            fake.requests[ROUTE],
            fake.unauthenticated,
            fake.denied,
        )

    def __sub__(self, other: Counts) -> Counts:
        return Counts(
            self.login_attempts - other.login_attempts,
            self.logins - other.logins,
            self.sends - other.sends,
            self.unauthenticated - other.unauthenticated,
            self.denied - other.denied,
        )


@dataclass(frozen=True)
class Cell:
    """One contender in one scenario on one transport."""

    scenario: str
    contender: str
    transport: str
    requests: int
    failures: Counter[str]
    counts: Counts
    seconds: float
    longest_gap: float
    peak_bytes: int = 0

    @property
    def failed(self) -> int:
        """Requests that raised, were never sent, or did not end in a 200."""
        return sum(self.failures.values())


@dataclass(frozen=True)
class Scenario:
    """What the fake does, and how the contender is driven."""

    key: str
    title: str
    token_lifetime: int = 43_200
    revoke: bool = False
    steady: bool = False
    wrong_password: bool = False


SCENARIOS = [
    Scenario("cold", "Cold start"),
    Scenario("revoked", "Revoked token", revoke=True),
    Scenario("short", "Short-lived tokens", token_lifetime=SHORT_LIFETIME, steady=True),
    Scenario("wrong", "Wrong password", wrong_password=True),
]


async def call(get: _peers.Get, failures: Counter[str]) -> None:
    """Send one request; count it in ``failures`` by kind if it raised or was not a 200."""
    try:
        response = await get()
    except Exception as exc:  # counted and reported; the others go on
        failures[type(exc).__name__] += 1
    else:
        if response.status_code != 200:
            failures[f"HTTP {response.status_code}"] += 1


async def storm(get: _peers.Get, n: int, failures: Counter[str]) -> int:
    """Send ``n`` concurrent requests; return ``n``."""
    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(call, get, failures)
    return n


async def steady(get: _peers.Get, workers: int, seconds: float, failures: Counter[str]) -> int:
    """Run ``workers`` loops of sequential requests for ``seconds``; return how many were sent."""
    sent = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal sent
        while time.perf_counter() < deadline:
            sent += 1
            await call(get, failures)

    async with anyio.create_task_group() as tg:
        for _ in range(workers):
            tg.start_soon(worker)
    return sent


async def issue_token(target: _peers.Target) -> str:
    """Log in once, outside any measurement, for the floor's static header."""
    async with httpx.AsyncClient(**target.options()) as http:
        response = await http.post(
            LOGIN_PATH, data={"grant_type": "password", "username": USERNAME, "password": PASSWORD}
        )
    token = response.raise_for_status().json()["access_token"]
    assert isinstance(token, str)
    return token


def make_target(transport: str, fake: FakeWXM, url: httpx.URL) -> _peers.Target:
    """Requests to ``fake`` in process, or over loopback at ``url`` (100 connections, no pool timeout)."""
    token_url = str(url.join(LOGIN_PATH))
    if transport == "in process":
        return _peers.Target(transport, httpx.URL(BASE_URL), fake.transport(), token_url)
    return _peers.Target(
        transport,
        url,
        None,
        token_url,
        {"limits": LOOPBACK_LIMITS, "timeout": LOOPBACK_TIMEOUT},
    )


async def drive(
    scenario: Scenario,
    contender: _peers.Contender,
    target: _peers.Target,
    settings: _peers.Settings,
    fake: FakeWXM,
    meter: Meter,
    sizes: Sizes,
    n: int,
) -> tuple[int, Counter[str], Counts]:
    """Run one scenario between ``meter.start()`` and ``meter.stop()``."""
    failures: Counter[str] = Counter()
    async with AsyncExitStack() as stack:
        if scenario.revoke:  # warm up first, outside the measurement
            get = await stack.enter_async_context(contender(target, settings))
            await get()
            fake.revoke_all_tokens()
        before = Counts.of(fake)
        meter.start()
        try:
            if not scenario.revoke:
                get = await stack.enter_async_context(contender(target, settings))
            if scenario.steady:
                sent = await steady(get, sizes.workers, sizes.seconds, failures)
            else:
                sent = await storm(get, n, failures)
        except Exception as exc:  # the contender failed before sending anything
            failures[f"{type(exc).__name__}, nothing sent"] += n
            sent = n
        meter.stop()
        return sent, failures, Counts.of(fake) - before


async def run_cell(
    scenario: Scenario, name: str, transport: str, sizes: Sizes, *, trace_memory: bool
) -> Cell:
    fake = FakeWXM(token_lifetime=scenario.token_lifetime)
    n = sizes.requests if transport == "in process" else sizes.loopback_requests
    _peers.forget_cached_tokens()
    async with serve(fake) as url:
        target = make_target(transport, fake, url)
        settings = _peers.Settings(
            USERNAME,
            WRONG_PASSWORD if scenario.wrong_password else PASSWORD,
            await issue_token(target),
            SHORT_LEEWAY if scenario.steady else None,
        )
        meter = Meter(trace_memory)
        async with anyio.create_task_group() as tg:
            tg.start_soon(meter.tick)
            sent, failures, counts = await drive(
                scenario, _peers.CONTENDERS[name], target, settings, fake, meter, sizes, n
            )
            tg.cancel_scope.cancel()
    return Cell(
        scenario.key,
        name,
        transport,
        sent,
        failures,
        counts,
        meter.seconds,
        meter.longest_gap,
        meter.peak_bytes,
    )


async def all_scenarios(sizes: Sizes) -> list[Cell]:
    cells: list[Cell] = []
    for scenario in SCENARIOS:
        for transport in ("in process", "loopback"):
            for name in _peers.CONTENDERS:
                if scenario.wrong_password and name == FLOOR:
                    continue  # it has no password to get wrong
                progress(f"{scenario.title}, {transport}, {name}")
                timed = await run_cell(scenario, name, transport, sizes, trace_memory=False)
                traced = await run_cell(scenario, name, transport, sizes, trace_memory=True)
                cells.append(replace(timed, peak_bytes=traced.peak_bytes))
    return cells


# -- per-request cost ---------------------------------------------------------------------


@dataclass
class Overhead:
    """Mean seconds per sequential request, round by round, for each contender."""

    transport: str
    times: dict[str, list[float]] = field(default_factory=dict)
    not_ok: Counter[str] = field(default_factory=Counter)

    def ratios(self, name: str) -> list[float]:
        """The contender's time over the floor's, round by round."""
        return [t / f for t, f in zip(self.times[name], self.times[FLOOR], strict=True)]


def mock_wxm(request: httpx.Request) -> httpx.Response:
    """A trivial WXM: any login gets a 12-hour token, any other request the same 200 JSON."""
    if request.url.path == LOGIN_PATH:
        return httpx.Response(
            200, json={"access_token": "mock-token", "token_type": "bearer", "expires_in": 43_199}
        )
    return httpx.Response(200, json=[{"id": "q1"}])


async def overhead_on(
    transport: str, sizes: Sizes, contenders: Mapping[str, _peers.Contender] | None = None
) -> Overhead:
    """Time sequential requests of each contender (default: all), in rotating rounds.

    The one per-request cost measurement: ``bench_peers`` runs it for every contender,
    ``bench_auth`` for ``WXMAuth`` beside the floor alone.
    """
    contenders = _peers.CONTENDERS if contenders is None else contenders
    progress(
        f"per-request cost, {transport}, {sizes.rounds} rounds x {sizes.round_size:,} "
        f"requests x {len(contenders)}"
    )
    fake = FakeWXM()
    _peers.forget_cached_tokens()
    result = Overhead(transport)
    async with serve(fake) as url, AsyncExitStack() as stack:
        target = make_target("in process", fake, url)
        if transport == "MockTransport":
            target = _peers.Target(
                transport,
                httpx.URL(BASE_URL),
                httpx.MockTransport(mock_wxm),
                target.loopback_token_url,
            )
        settings = _peers.Settings(USERNAME, PASSWORD, await issue_token(target))
        gets = {
            name: await stack.enter_async_context(contender(target, settings))
            for name, contender in contenders.items()
        }

        def timed(name: str) -> Callable[[], Awaitable[float]]:
            async def one_round() -> float:
                start = time.perf_counter()
                for _ in range(sizes.round_size):
                    response = await gets[name]()
                    result.not_ok[name] += response.status_code != 200
                return (time.perf_counter() - start) / sizes.round_size

            return one_round

        result.times.update(
            await rotating_rounds(sizes.rounds, {name: timed(name) for name in gets})
        )
    return result
