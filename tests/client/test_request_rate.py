"""WXMClient(rate_limit=...) keeps a job under WXM's quota: a token bucket on anyio."""

from __future__ import annotations

import pytest
from attrs import define, field

from wxm_async import (
    ConfigurationError,
    RateLimitedError,
    RequestRate,
    RetryPolicy,
    WXMAuth,
    WXMClient,
)
from wxm_async._rate import Pacer
from wxm_async.testing import FakeWXM, RateLimit

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME

pytestmark = pytest.mark.anyio


@define
class VirtualTime:
    """A clock that moves only when the bucket sleeps: the bucket's pace, without waiting."""

    now: float = 0.0
    sleeps: list[float] = field(factory=list)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def most_in_any_window(times: list[float], per: float) -> int:
    return max(sum(1 for t in times if start <= t < start + per) for start in times)


@pytest.mark.parametrize("burst", [1, 3])
async def test_no_window_sees_more_than_the_rate_plus_the_burst(burst: int) -> None:
    """100 acquisitions at 8 per second: no second holds more than 8 + burst - 1."""
    time = VirtualTime()
    bucket = Pacer(
        # 8 a second: an interval (0.125 s) that binary floats hold exactly.
        RequestRate(requests=8, per=1.0, burst=burst),
        clock=time.clock,
        sleep=time.sleep,
    )
    taken = []
    for _ in range(100):
        await bucket.acquire()
        taken.append(time.now)
    assert most_in_any_window(taken, 1.0) == 8 + burst - 1
    assert taken[-1] == (100 - burst) * 0.125


async def test_a_quiet_spell_refills_at_most_the_burst() -> None:
    """After an hour idle, only `burst` requests go at once; the next waits its interval."""
    time = VirtualTime()
    bucket = Pacer(RequestRate(requests=60, per=60, burst=2), clock=time.clock, sleep=time.sleep)
    time.now = 3600.0
    for _ in range(3):
        await bucket.acquire()
    assert time.sleeps == [pytest.approx(1.0)]


@pytest.mark.parametrize(
    "kwargs", [{"requests": 0}, {"requests": 5, "per": 0}, {"requests": 5, "burst": 0}]
)
def test_a_rate_that_allows_nothing_is_refused(kwargs: dict[str, float]) -> None:
    """RequestRate(requests=0), per=0 or burst=0 is a ConfigurationError, not a hang."""
    with pytest.raises(ConfigurationError, match=r"RequestRate\.(requests|per|burst)"):
        RequestRate(**kwargs)  # type: ignore[arg-type]


def client_on(fake: FakeWXM, rate: RequestRate | None) -> WXMClient:
    return WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url=IN_PROCESS_URL,
        transport=fake.transport(),
        retries=RetryPolicy.off(),
        rate_limit=rate,
    )


async def test_the_limiter_keeps_a_job_under_the_fakes_quota() -> None:
    """60 calls against a quota of 20 per 0.25 s: none answered 429 with the limiter on."""
    fake = FakeWXM(rate_limit=RateLimit(requests=20, per=0.25))
    async with client_on(fake, RequestRate(requests=19, per=0.25)) as client:
        for _ in range(60):
            await client.account.profile()
    assert fake.rate_limited == 0
    assert fake.requests["GET /api/Profile"] == 60


async def test_without_the_limiter_the_same_job_meets_429() -> None:
    """The same calls without the limiter (and without retries) run into the quota."""
    fake = FakeWXM(rate_limit=RateLimit(requests=20, per=0.25))
    async with client_on(fake, None) as client:

        async def job() -> None:
            for _ in range(60):
                await client.account.profile()

        with pytest.raises(RateLimitedError):
            await job()
    assert fake.rate_limited == 1


def test_rate_limit_must_be_a_request_rate() -> None:
    """Mistyped configuration fails when the client is made, not on the first call."""
    with pytest.raises(ConfigurationError, match="RequestRate"):
        WXMClient(auth=WXMAuth(USERNAME, PASSWORD), rate_limit=10)  # type: ignore[arg-type]
