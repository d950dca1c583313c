"""The retry policy's decisions and Retry-After parsing: pure functions, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wxm_async import ConfigurationError, RetryPolicy, ServerError
from wxm_async._retry import Failure, classify
from wxm_async._retry_after import parse_retry_after

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
REQUEST = httpx.Request("GET", "https://wxm.test/api/Profile")


def no_jitter() -> float:
    return 0.0


def decide(
    policy: RetryPolicy,
    outcome: int | httpx.TransportError,
    *,
    attempt: int = 1,
    elapsed: float = 0.0,
    idempotent: bool = True,
    retry_after: float | None = None,
) -> float | None:
    return policy.wait_before_retry(
        attempt=attempt,
        elapsed=elapsed,
        idempotent=idempotent,
        failure=failure_of(outcome, retry_after),
        random=no_jitter,
    )


def failure_of(outcome: int | httpx.TransportError, retry_after: float | None = None) -> Failure:
    """A failed call's failure: WXM's status (with its Retry-After), or no answer."""
    if isinstance(outcome, int):
        return Failure(status=outcome, retry_after=retry_after)
    return Failure(error=outcome)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0),
        ("120", 120.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        ("Mon, 23 Nov 2026 12:00:30 GMT", 30.0),
        ("Mon, 23 Nov 2026 11:00:00 GMT", 0.0),  # in the past: no wait
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(
    value: str | None, expected: float | None
) -> None:
    """Retry-After is delay-seconds or an HTTP-date; anything else is no advice."""
    assert parse_retry_after(value, now=NOW) == expected


def test_backoff_grows_exponentially_up_to_the_cap() -> None:
    """Backoff doubles from wait_initial and stops at wait_max, plus jitter."""
    policy = RetryPolicy(wait_initial=0.5, wait_max=3.0, wait_jitter=1.0)
    assert [policy.backoff(n, no_jitter) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    assert policy.backoff(1, lambda: 0.5) == 1.0


@pytest.mark.parametrize(("status", "wait"), [(429, 1.0), (502, 0.5), (503, 0.5), (504, 0.5)])
def test_transient_statuses_are_retried(status: int, wait: float) -> None:
    """429, 502, 503 and 504 are retried for idempotent calls (a 429 after 1 s first)."""
    assert decide(RetryPolicy(wait_initial=0.5), status) == wait


def waits_until_giving_up(policy: RetryPolicy, status: int) -> list[float]:
    """The waits the policy asks for after one failure after another, without Retry-After."""
    waits: list[float] = []
    while (wait := decide(policy, status, attempt=len(waits) + 1, elapsed=sum(waits))) is not None:
        waits.append(wait)
    return waits


def test_the_default_policy_rides_out_a_per_minute_quota() -> None:
    """429s without Retry-After are retried for over a minute (1, 2, 4, 8, 15, 15... s), within 120 s."""
    waits = waits_until_giving_up(RetryPolicy(), 429)
    assert waits[:5] == [1.0, 2.0, 4.0, 8.0, 15.0]
    assert sum(waits) >= 90  # a whole minute's window, and then some
    assert sum(waits) <= RetryPolicy().rate_limit_timeout == 120
    assert len(waits_until_giving_up(RetryPolicy(), 503)) == 3  # other failures: 4 tries


def test_a_429_honours_retry_after_within_its_own_budget() -> None:
    """Retry-After up to max_retry_after is waited, for as long as the 429 budget lasts."""
    policy = RetryPolicy()
    assert decide(policy, 429, attempt=5, elapsed=50.0, retry_after=45.0) == 45.0
    assert decide(policy, 429, attempt=5, elapsed=100.0, retry_after=45.0) is None
    assert decide(policy, 503, attempt=2, elapsed=50.0, retry_after=45.0) is None  # 60 s budget
    assert decide(RetryPolicy.off(), 429) is None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 500])
def test_other_statuses_are_not_retried(status: int) -> None:
    """A status that says "no" is final."""
    assert decide(RetryPolicy(), status) is None


def test_non_idempotent_calls_retry_only_what_wxm_did_not_act_on() -> None:
    """A POST that creates something is retried after a 429 or a refused connection only."""
    policy = RetryPolicy(wait_initial=0.5)
    assert decide(policy, 503, idempotent=False) is None
    assert decide(policy, httpx.ReadError("reset", request=REQUEST), idempotent=False) is None
    assert decide(policy, 429, idempotent=False) == 1.0
    assert decide(policy, httpx.ConnectError("refused", request=REQUEST), idempotent=False) == 0.5


def test_transport_failures_are_retried_for_idempotent_calls() -> None:
    """Dropped connections and timeouts are retried when the call may be sent twice."""
    policy = RetryPolicy(wait_initial=0.5)
    assert decide(policy, httpx.RemoteProtocolError("dropped", request=REQUEST)) == 0.5
    assert decide(policy, httpx.ReadTimeout("slow", request=REQUEST)) == 0.5


def test_retry_after_replaces_the_backoff() -> None:
    """WXM's Retry-After is the wait, whatever the backoff would have been."""
    assert decide(RetryPolicy(wait_initial=0.5), 429, retry_after=4.0) == 4.0


def test_a_retry_after_beyond_the_limit_gives_up() -> None:
    """A Retry-After longer than max_retry_after fails now instead of sleeping for it."""
    assert decide(RetryPolicy(max_retry_after=60), 429, retry_after=61.0) is None


def test_attempts_bound_the_retries() -> None:
    """No retry after the last attempt."""
    policy = RetryPolicy(attempts=3)
    assert decide(policy, 503, attempt=2) is not None
    assert decide(policy, 503, attempt=3) is None
    assert decide(RetryPolicy.off(), 503) is None


def test_the_timeout_bounds_the_total_time() -> None:
    """No retry whose wait would end after the policy's timeout."""
    policy = RetryPolicy(timeout=10.0, wait_initial=2.0)
    assert decide(policy, 503, elapsed=7.9) == 2.0
    assert decide(policy, 503, elapsed=8.1) is None


def test_without_waiting_keeps_the_decisions_and_drops_the_waits() -> None:
    """The testing switch retries the same failures, at once."""
    policy = RetryPolicy(wait_initial=5.0).without_waiting()
    assert decide(policy, 503) == 0.0
    assert decide(policy, 429, retry_after=30.0) == 0.0
    assert decide(policy, 404) is None


@pytest.mark.parametrize(
    "bad", [{"attempts": 0}, {"timeout": -1}, {"wait_initial": -0.1}, {"wait_exp_base": 0.5}]
)
def test_nonsense_policies_are_refused(bad: dict[str, float]) -> None:
    """A policy that cannot work fails when it is made, not when it is used."""
    with pytest.raises(ConfigurationError, match=next(iter(bad))):
        RetryPolicy(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("retry_after", [0.0, 1.0])
def test_a_quota_with_a_small_retry_after_is_ridden_out_over_time(retry_after: float) -> None:
    """429s saying Retry-After 0 or 1: the waits still add up to the quota's minute and more."""
    policy = RetryPolicy()
    elapsed, attempt = 0.0, 1
    while (
        wait := policy.wait_before_retry(
            attempt=attempt,
            elapsed=elapsed,
            idempotent=True,
            failure=Failure(status=429, retry_after=retry_after),
            random=lambda: 0.0,
        )
    ) is not None:
        elapsed += wait
        attempt += 1
    assert elapsed >= 90


seconds = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
policies = st.builds(
    RetryPolicy,
    attempts=st.just(10**12),
    timeout=st.just(1e12),
    wait_initial=seconds | st.just(0.0),
    wait_max=seconds,
    wait_jitter=seconds,
    wait_exp_base=st.floats(min_value=1, max_value=1e300) | st.integers(1, 10),
    rate_limit_attempts=st.just(10**12),
    rate_limit_timeout=st.just(1e12),
    rate_limit_wait_initial=seconds,
    rate_limit_wait_max=seconds,
)
retries = st.integers(min_value=1, max_value=10**6) | st.sampled_from([1, 2, 64, 1025, 10**9])
randoms = st.floats(min_value=0, max_value=1, exclude_max=True)


@given(policies, retries, randoms)
def test_a_backoff_stays_within_wait_max_jitter_included(
    policy: RetryPolicy, retry: int, jitter: float
) -> None:
    """Jitter never pushes a backoff past wait_max, however many retries came before."""
    wait = policy.backoff(retry, lambda: jitter)
    assert 0 <= wait <= policy.wait_max


@given(policies, retries, randoms)
def test_a_429_backoff_stays_within_its_wait_max_jitter_included(
    policy: RetryPolicy, retry: int, jitter: float
) -> None:
    """After a 429 without Retry-After the wait stays within rate_limit_wait_max."""
    wait = policy.wait_before_retry(
        attempt=retry, elapsed=0.0, idempotent=True, failure=Failure(status=429),
        random=lambda: jitter,
    )  # fmt: skip
    assert wait is not None
    assert 0 <= wait <= policy.rate_limit_wait_max


@given(policies, retries)
def test_a_backoff_grows_steadily_without_overflow(policy: RetryPolicy, retry: int) -> None:
    """Without jitter, backoffs never shrink from one retry to the next, even past overflow."""
    assert policy.backoff(retry, no_jitter) <= policy.backoff(retry + 1, no_jitter)
    assert policy.backoff(retry + 10**6, no_jitter) <= policy.wait_max


@pytest.mark.parametrize("base", [2, 2.0, 1e300])
def test_no_initial_backoff_stays_none_after_many_attempts(base: float) -> None:
    """wait_initial=0 waits 0 s at every retry: many attempts do not overflow into wait_max."""
    policy = RetryPolicy(wait_initial=0.0, wait_jitter=0.0, wait_exp_base=base, attempts=10**6)
    assert policy.backoff(5_000, no_jitter) == 0.0


def test_classify_reads_the_status_and_retry_after_of_an_answer() -> None:
    """An error answer is classified by its own status and its Retry-After."""
    answer = httpx.Response(503, headers={"Retry-After": "7"}, request=REQUEST)
    assert classify(answer) == Failure(status=503, retry_after=7.0)
    assert classify(answer).reason == "status 503"


def test_classify_keeps_a_failed_logins_real_status() -> None:
    """A login that failed with 500 is a login failure of 500 (not a made-up 503)."""
    login = ServerError("login failed", request=REQUEST, status_code=500)
    failure = classify(login)
    assert failure == Failure(status=500, login=True)
    assert failure.unsent
    assert failure.reason == "the login answered 500"


def test_a_failed_login_is_retried_as_busy_whatever_the_call() -> None:
    """A login's 5xx is retried as WXM being busy, even before a call that is not idempotent."""
    login = classify(ServerError("login failed", request=REQUEST, status_code=500))
    policy = RetryPolicy(wait_initial=0.5)
    assert policy.wait_before_retry(
        attempt=1, elapsed=0.0, idempotent=False, failure=login, random=no_jitter
    ) == 0.5  # fmt: skip
    no_busy = RetryPolicy(statuses={429})
    assert no_busy.wait_before_retry(
        attempt=1, elapsed=0.0, idempotent=True, failure=login, random=no_jitter
    ) is None  # fmt: skip
    assert decide(policy, 500) is None  # the call's own 500 is final


def test_classify_tells_a_connection_never_opened_from_one_dropped() -> None:
    """A refused connection cannot have reached WXM; a reset one may have."""
    assert classify(httpx.ConnectError("refused", request=REQUEST)).unsent
    dropped = classify(httpx.ReadError("reset", request=REQUEST))
    assert not dropped.unsent
    assert dropped.reason == "ReadError: reset"


@pytest.mark.anyio
async def test_the_attempts_stop_when_no_retry_is_scheduled() -> None:
    """Each attempt follows only a scheduled retry; the numbers count up from 1."""
    ticks = iter(range(100))
    retrying = (
        RetryPolicy(attempts=3)
        .without_waiting()
        .retrying(idempotent=True, clock=lambda: float(next(ticks)), random=no_jitter)
    )
    seen = []
    async for attempt in retrying:
        seen.append((attempt.number, attempt.elapsed))
        attempt.retry(Failure(status=503))
    assert [number for number, _ in seen] == [1, 2, 3]
    assert attempt.wait is None
    assert attempt.failure == Failure(status=503)
    assert [elapsed for _, elapsed in seen] == sorted({elapsed for _, elapsed in seen})
