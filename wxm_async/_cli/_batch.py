"""The batch ``wxm demo`` runs: many calls through one ``WXMClient`` against the fake WXM.

The fake runs on loopback with short-lived tokens, answering in WXM's own shapes
(``null`` lists, unknown fields, odd dates), under a request quota as WXM has one; the
client paces itself a little under that quota (``WXMClient(rate_limit=...)``), so the
quota never answers 429. Halfway through, every token is revoked; a quarter and three
quarters of the way through, the fake answers a few calls with 503 and 429, as a busy
WXM would. The calls should all succeed regardless.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager

import anyio
import httpx
from attrs import Factory, define, frozen

from wxm_async import RequestRate, WXMAuth, WXMClient, WXMError
from wxm_async.testing import FAKE_PASSWORD, FAKE_USERNAME, FakeWXM, RateLimit, serve

__all__ = [
    "DEFAULT_CALLS",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_TOKEN_LIFETIME",
    "DemoResult",
    "percentile",
    "run_demo",
]

DEFAULT_CALLS = 3_000
"""Calls in a demo run."""
DEFAULT_CONCURRENCY = 50
"""Calls in flight at once."""
DEFAULT_TOKEN_LIFETIME = 2
"""Seconds a token lives on the fake: short, so that it expires several times a run."""
MIN_TOKEN_LIFETIME = 2
"""The fake states a lifetime one second short; below two seconds there is none left."""
FAULTS_503 = 3
"""Calls answered 503 a quarter of the way through."""
FAULTS_429 = 2
"""Calls answered 429 (with ``Retry-After: 1``) three quarters of the way through."""
QUOTA = 300
"""The fake's quota: requests per second (WXM's is per unit of time; a second keeps the
demo short)."""
PACE = 285
"""The client's pace: requests per second, 5% under the quota."""

Call = Callable[[WXMClient, int], Awaitable[object]]

# The mix of calls: what a reporting job does, over several areas of the API.
_CALLS: tuple[Call, ...] = (
    lambda client, _: client.questions.active(),
    lambda client, n: client.responses.page(n % 5, rows=20),
    lambda client, _: client.responses.count(),
    lambda client, _: client.account.profile(),
    lambda client, _: client.questions.questionnaires(),
    lambda client, _: client.account.settings(),
    lambda client, _: client.delivery.plans(),
)


@frozen(kw_only=True)
class DemoResult:
    """What a demo run did, as the client and the fake saw it.

    Attributes:
        calls: Calls made.
        failures: Calls that raised.
        first_failure: The first failure's message, if any.
        logins: Logins the fake granted.
        replays: Requests the fake answered 401 (a revoked or expired token); WXMAuth
            replays each once after a new login.
        retries: Retries the client made after a 429, 5xx or transport failure.
        revocations: Times every token was revoked.
        rate_limited: Requests the fake's quota answered 429 (the client's pace keeps
            it at 0).
        elapsed: Seconds from the first call to the last answer.
        latencies: Each call's time, in seconds, retries and logins included.
    """

    calls: int
    failures: int
    first_failure: str | None
    logins: int
    replays: int
    retries: int
    revocations: int
    rate_limited: int = 0
    elapsed: float
    latencies: Sequence[float]

    @property
    def throughput(self) -> float:
        """Calls per second."""
        return self.calls / self.elapsed if self.elapsed > 0 else 0.0


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the ``fraction`` percentile (0 to 1) of ``values``, nearest rank; 0 if empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


class _RetryCounter(logging.Handler):
    """Counts the client's retries: the log records that carry ``wxm_retry``."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        # WXMClient logs each retry at INFO on "wxm_async.client", with the attempt in
        # the record's ``wxm_retry`` attribute.
        if getattr(record, "wxm_retry", None) is not None:
            self.count += 1


@contextmanager
def _counting_retries() -> Iterator[_RetryCounter]:
    logger = logging.getLogger("wxm_async")
    counter = _RetryCounter()
    level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.INFO)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)


@define
class _Batch:
    """One run's calls, shared by its workers, and what they met."""

    fake: FakeWXM
    calls: int
    on_call: Callable[[], None]
    latencies: list[float] = Factory(list)
    failures: list[str] = Factory(list)
    revocations: int = 0
    next_call: int = 0

    async def worker(self, client: WXMClient) -> None:
        """Make the next call until there is none left; time each."""
        while self.next_call < self.calls:
            n = self.next_call
            self.next_call += 1
            started = time.perf_counter()
            try:
                await _CALLS[n % len(_CALLS)](client, n)
            except WXMError as exc:
                self.failures.append(str(exc))
            self.latencies.append(time.perf_counter() - started)
            self.on_call()
            self._milestone(len(self.latencies))

    def _milestone(self, done: int) -> None:
        """A quarter of the way: 503s; halfway: every token revoked; three quarters: 429s."""
        if done == self.calls // 4:
            self.fake.fail_next(FAULTS_503, status=503)
        elif done == self.calls // 2:
            self.fake.revoke_all_tokens()
            self.revocations += 1
        elif done == 3 * self.calls // 4:
            self.fake.fail_next(FAULTS_429, status=429, retry_after=1)

    def result(self, *, retries: int, elapsed: float) -> DemoResult:
        """What the run did, once every worker has finished."""
        return DemoResult(
            calls=self.calls,
            failures=len(self.failures),
            first_failure=self.failures[0] if self.failures else None,
            logins=self.fake.logins,
            replays=self.fake.denied,
            retries=retries,
            revocations=self.revocations,
            rate_limited=self.fake.rate_limited,
            elapsed=elapsed,
            latencies=self.latencies,
        )


def _client(base_url: httpx.URL, concurrency: int) -> WXMClient:
    """The demo's client: paced under the fake's quota, ``concurrency`` calls at once."""
    return WXMClient(
        auth=WXMAuth(FAKE_USERNAME, FAKE_PASSWORD),
        base_url=base_url,
        max_concurrency=concurrency,
        rate_limit=RequestRate(requests=PACE, per=1.0),
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
    )


async def run_demo(
    *,
    calls: int = DEFAULT_CALLS,
    concurrency: int = DEFAULT_CONCURRENCY,
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME,
    on_call: Callable[[], None] = lambda: None,
) -> DemoResult:
    """Serve a fake WXM on 127.0.0.1 and make ``calls`` calls to it, ``concurrency`` at once.

    Args:
        calls: How many calls.
        concurrency: How many calls in flight at once: the client's ``max_concurrency``
            and connection pool, and as many workers.
        token_lifetime: How long the fake's tokens live, in whole seconds (2 or more).
        on_call: Called after each call, for a progress bar.

    Returns:
        What happened.
    """
    fake = FakeWXM(token_lifetime=token_lifetime, rate_limit=RateLimit(requests=QUOTA, per=1.0))
    batch = _Batch(fake=fake, calls=calls, on_call=on_call)
    async with serve(fake) as base_url:
        with _counting_retries() as retries:
            async with _client(base_url, concurrency) as client:
                started = time.perf_counter()
                async with anyio.create_task_group() as tg:
                    for _ in range(min(concurrency, calls)):
                        tg.start_soon(batch.worker, client)
                elapsed = time.perf_counter() - started
    return batch.result(retries=retries.count, elapsed=elapsed)
