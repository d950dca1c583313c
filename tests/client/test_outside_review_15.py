"""An outside review of issue 15's retry policy: hostile servers and careless callers.

Each test attacks one promise of ``RetryPolicy`` from its public API, through a
transport; none sleeps (the policies here do not wait, or only their decisions are read).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import httpx
import pytest

from wxm_async import (
    Answer,
    APIConnectionError,
    AuthenticationError,
    ConfigurationError,
    RateLimitedError,
    RequestRate,
    RetryPolicy,
    ServerError,
    WXMAuth,
    WXMClient,
)
from wxm_async._retry import Failure
from wxm_async._retry_after import parse_retry_after
from wxm_async.testing import FakeWXM

from ..helpers import is_login, token_answer

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
RETRIES = RetryPolicy(attempts=5, rate_limit_attempts=5).without_waiting()


def almost_one() -> float:
    """The largest jitter draw."""
    return 0.999999


def client_on(handler: httpx.MockTransport, retries: RetryPolicy = RETRIES) -> WXMClient:
    """A client with WXMAuth on a mock WXM."""
    return WXMClient(
        auth=WXMAuth("demo", "pw"),
        base_url="https://wxm.test",
        transport=handler,
        retries=retries,
    )


class Calls:
    """A mock WXM: logins succeed, every call to the API answers as ``answer`` says."""

    def __init__(self, answer: httpx.Response | Exception) -> None:
        self.answer = answer
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer())
        self.sent.append(request)
        if isinstance(self.answer, Exception):
            raise self.answer
        return httpx.Response(self.answer.status_code, headers=self.answer.headers, content=b"{}")


# --- configuration: bad numbers refused at construction --------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("attempts", 0),
        ("attempts", True),
        ("attempts", 1.5),
        ("attempts", math.nan),
        ("attempts", math.inf),
        ("wait_exp_base", 0.5),
        ("wait_exp_base", True),
        ("wait_exp_base", math.nan),
        ("wait_exp_base", math.inf),
        ("wait_initial", -1),
        ("wait_initial", math.nan),
        ("wait_initial", math.inf),
        ("wait_initial", 10**400),
        ("wait_max", math.inf),
        ("wait_jitter", math.inf),
        ("timeout", math.nan),
        ("timeout", -1),
        ("max_retry_after", math.inf),
        ("rate_limit_attempts", True),
        ("rate_limit_wait_max", math.nan),
    ],
)
def test_bad_policy_numbers_are_refused(name: str, value: object) -> None:
    """A NaN, infinite, bool, fractional or out-of-range policy number is a ConfigurationError."""
    with pytest.raises(ConfigurationError, match=name):
        RetryPolicy(**{name: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "options",
    [
        {"requests": 0},
        {"requests": True},
        {"requests": 5, "per": 0},
        {"requests": 5, "per": math.nan},
        {"requests": 5, "per": math.inf},
        {"requests": 5, "burst": 0},
    ],
)
def test_bad_request_rates_are_refused(options: dict[str, object]) -> None:
    """A RequestRate with a zero, bool, NaN or infinite number is a ConfigurationError."""
    with pytest.raises(ConfigurationError):
        RequestRate(**options)  # type: ignore[arg-type]


# --- the waits: bounded, finite, whatever the parameters and however late the retry ----


@pytest.mark.parametrize(
    "options",
    [
        {"wait_exp_base": 10**20, "wait_initial": 5e-324, "wait_max": 1e308},
        {"wait_exp_base": 1e308, "wait_initial": 1e-300, "wait_max": 1e308, "wait_jitter": 1e308},
        {"wait_initial": 1e308, "wait_max": 1e308, "wait_jitter": 1e308},
        {"wait_exp_base": 1.0000000001, "wait_initial": 1e-320, "wait_max": 5e-324},
        {"wait_initial": 0, "wait_max": 0, "wait_jitter": 0},
        {"wait_initial": 20, "wait_max": 1},
    ],
)
@pytest.mark.parametrize("retry", [1, 2, 64, 1100, 10**6, 10**100])
def test_backoff_stays_within_wait_max(options: dict[str, float], retry: int) -> None:
    """The backoff, jitter included, is finite and never over wait_max, at any retry."""
    policy = RetryPolicy(**options)  # type: ignore[arg-type]
    wait = policy.backoff(retry, almost_one)
    assert 0 <= wait <= policy.wait_max
    assert math.isfinite(wait)


@pytest.mark.parametrize("attempt", [1, 3, 11, 10**6])
def test_429_waits_stay_within_their_own_bound(attempt: int) -> None:
    """A 429 waits at most rate_limit_wait_max, or its Retry-After up to max_retry_after."""
    policy = RetryPolicy(rate_limit_attempts=10**7, rate_limit_timeout=1e12, wait_jitter=1e6)
    waits = [
        policy.wait_before_retry(
            attempt=attempt,
            elapsed=0,
            idempotent=False,
            failure=Failure(status=429, retry_after=after),
            random=almost_one,
        )
        for after in (None, 0.0, 59.0, 61.0)
    ]
    assert waits[0] is not None
    assert waits[0] <= policy.rate_limit_wait_max
    assert waits[1] is not None
    assert waits[1] <= policy.rate_limit_wait_max
    assert waits[2] == 59.0
    assert waits[3] is None  # more than max_retry_after: give up at once


# --- Retry-After: whatever the server sends, a bounded wait or none --------------------


@pytest.mark.parametrize(
    "value",
    [
        "5, 10",
        "Mon, 23 Nov 2026 12:00:30 GMT, Mon, 23 Nov 2026 12:00:40 GMT",
        "-5",
        "1e999",
        "nan",
        "inf",
        "0x10",
        "\uff11\uff12",  # fullwidth digits
        "\x00",
        "7\r\n",
        "Mon, 23 Nov 2026 99:99:99 GMT",
        "Mon, 01 Jan 0001 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "a" * 10_000,
    ],
)
def test_retry_after_is_never_negative_nor_infinite(value: str) -> None:
    """Garbage, repeated, past and far-future Retry-After values read as a finite wait or none."""
    seconds = parse_retry_after(value, now=NOW)
    assert seconds is None or (0 <= seconds < math.inf)


@pytest.mark.parametrize("digits", [12, 13, 40, 400, 5000])
def test_a_huge_delay_in_seconds_reads_as_huge(digits: int) -> None:
    """A Retry-After of many digits is a very long wait, not an unreadable header."""
    seconds = parse_retry_after("9" * digits, now=NOW)
    assert seconds is not None
    assert 1e11 < seconds < math.inf


@pytest.mark.parametrize("digits", [12, 13, 400])
async def test_a_429_asking_for_ages_is_not_retried(anyio_backend: str, digits: int) -> None:
    """A 429 whose Retry-After exceeds max_retry_after fails at once, however many digits."""
    wxm = Calls(httpx.Response(429, headers={"Retry-After": "9" * digits}))
    async with client_on(httpx.MockTransport(wxm)) as client:
        with pytest.raises(RateLimitedError):
            await client.questions.active()
    assert len(wxm.sent) == 1


async def test_repeated_retry_after_headers_do_not_break_the_retry(anyio_backend: str) -> None:
    """Two Retry-After headers on a 503 are read as none: the call is retried, then fails."""
    answer = httpx.Response(503, headers=[("Retry-After", "5"), ("Retry-After", "10")])
    wxm = Calls(answer)
    async with client_on(httpx.MockTransport(wxm)) as client:
        with pytest.raises(ServerError):
            await client.questions.active()
    assert len(wxm.sent) == RETRIES.attempts


# --- many attempts and the time budget ---------------------------------------------------


async def test_thousands_of_attempts_neither_overflow_nor_hang(anyio_backend: str) -> None:
    """1,500 tries with a huge integer base end in a ServerError, each try sent once."""
    policy = RetryPolicy(attempts=1500, timeout=1e12, wait_exp_base=10**20).without_waiting()
    wxm = Calls(httpx.Response(503))
    async with client_on(httpx.MockTransport(wxm), policy) as client:
        with pytest.raises(ServerError):
            await client.questions.active()
    assert len(wxm.sent) == 1500


async def test_the_time_budget_holds_on_a_slow_clock(anyio_backend: str) -> None:
    """No retry starts when its wait would end after ``timeout``: the clock decides, not the count."""
    now = [0.0]

    def clock() -> float:
        now[0] += 10.0  # every reading: ten seconds later
        return now[0]

    policy = RetryPolicy(attempts=100, timeout=35, wait_initial=1, wait_max=1).without_waiting()
    tries = 0
    async for attempt in policy.retrying(idempotent=True, clock=clock, random=almost_one):
        tries += 1
        if not attempt.retry(Failure(status=503)):
            break
    assert tries <= 4


# --- non-idempotent calls are never sent twice once they may have reached WXM -----------


def _add(client: WXMClient) -> object:
    return client.responses.add("q1", [Answer(question_id="x", text="y")])


def _submit(client: WXMClient) -> object:
    return client.surveys.submit("tok", [Answer(question_id="x", text="y")])


def _invite(client: WXMClient) -> object:
    return client.delivery.request_invitation(
        questionnaire="q1", valid_till=datetime(2030, 1, 1, tzinfo=UTC), email="a@b.example"
    )


@pytest.mark.parametrize("call", [_add, _submit, _invite])
@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(503),
        httpx.Response(502, headers={"Retry-After": "0"}),
        httpx.Response(504),
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("peer closed connection"),
        httpx.WriteError("broken pipe"),
    ],
)
async def test_a_post_that_may_have_reached_wxm_is_sent_once(
    anyio_backend: str, call: object, answer: httpx.Response | Exception
) -> None:
    """A POST that met a 5xx or lost its answer is not sent a second time."""
    wxm = Calls(answer)
    async with client_on(httpx.MockTransport(wxm)) as client:
        with pytest.raises((ServerError, APIConnectionError)):
            await call(client)  # type: ignore[operator]
    assert len(wxm.sent) == 1


@pytest.mark.parametrize("call", [_add, _submit, _invite])
async def test_a_post_that_never_left_is_retried(anyio_backend: str, call: object) -> None:
    """A POST whose connection never opened is retried: WXM cannot have acted on it."""
    wxm = Calls(httpx.ConnectError("refused"))
    async with client_on(httpx.MockTransport(wxm)) as client:
        with pytest.raises(APIConnectionError):
            await call(client)  # type: ignore[operator]
    assert len(wxm.sent) == RETRIES.attempts


# --- a failed login keeps its own status -------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error"), [(401, AuthenticationError), (400, AuthenticationError)]
)
async def test_a_rejected_login_is_not_retried_nor_renamed(
    anyio_backend: str, status: int, error: type[Exception]
) -> None:
    """A login answered 400/401 raises its own error with its own status, tried once."""
    logins: list[httpx.Request] = []

    def wxm(request: httpx.Request) -> httpx.Response:
        logins.append(request)
        return httpx.Response(status, json={"error": "invalid_grant"})

    async with client_on(httpx.MockTransport(wxm)) as client:
        with pytest.raises(error) as caught:
            await client.responses.add("q1", [Answer(question_id="x", text="y")])
    assert caught.value.status_code == status  # type: ignore[attr-defined]
    assert len(logins) == 1


async def test_a_busy_login_keeps_its_status_and_the_post_is_retried(anyio_backend: str) -> None:
    """A login answering 500 twice: the POST (never sent) is retried; it is then sent once."""
    logins = [0]
    sent: list[httpx.Request] = []

    def wxm(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            logins[0] += 1
            if logins[0] <= 2:
                return httpx.Response(500, json={"message": "busy"})
            return httpx.Response(200, json=token_answer())
        sent.append(request)
        return httpx.Response(200, json={"id": "r1"})

    async with client_on(httpx.MockTransport(wxm)) as client:
        await client.responses.add("q1", [Answer(question_id="x", text="y")])
    assert logins[0] == 3
    assert len(sent) == 1


async def test_a_login_failing_for_good_raises_the_logins_status(anyio_backend: str) -> None:
    """A login answering 500 every time ends in a ServerError saying 500, not a made-up 503."""

    def wxm(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, json={"message": "busy"})

    async with client_on(httpx.MockTransport(wxm)) as client:
        with pytest.raises(ServerError) as caught:
            await client.questions.active()
    assert caught.value.status_code == 500


@pytest.mark.parametrize(
    "lost", [httpx.ReadTimeout("login timed out"), httpx.RemoteProtocolError("peer closed")]
)
async def test_a_post_whose_login_lost_its_answer_is_retried(
    anyio_backend: str, lost: httpx.TransportError
) -> None:
    """A login that lost its answer never sent the POST: it is retried, then sent once."""
    logins = [0]
    sent: list[httpx.Request] = []

    def wxm(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            logins[0] += 1
            if logins[0] == 1:
                raise lost
            return httpx.Response(200, json=token_answer())
        sent.append(request)
        return httpx.Response(200, json={"id": "r1"})

    async with client_on(httpx.MockTransport(wxm)) as client:
        await client.responses.add("q1", [Answer(question_id="x", text="y")])
    assert logins[0] == 2
    assert len(sent) == 1


@pytest.mark.parametrize("retries", [3, True, "3", {"attempts": 3}])
def test_retries_that_are_no_policy_are_refused_at_construction(retries: object) -> None:
    """WXMClient(retries=3) and with_options(retries=3) are ConfigurationErrors, not a later crash."""
    with pytest.raises(ConfigurationError, match="retries"):
        WXMClient(auth=WXMAuth("demo", "pw"), base_url="https://wxm.test", retries=retries)  # type: ignore[arg-type]
    client = WXMClient(auth=WXMAuth("demo", "pw"), base_url="https://wxm.test")
    with pytest.raises(ConfigurationError, match="retries"):
        client.with_options(retries=retries)  # type: ignore[arg-type]


@pytest.mark.parametrize("statuses", ["503", 503, None, {True}, {600}, {"503"}, {503.0}])
def test_statuses_that_are_no_set_of_statuses_are_refused(statuses: object) -> None:
    """RetryPolicy(statuses="503") (or 503, {"503"}, {600}) is a ConfigurationError, not a no-op."""
    with pytest.raises(ConfigurationError, match="statuses"):
        RetryPolicy(statuses=statuses)  # type: ignore[arg-type]


@pytest.mark.parametrize(("after", "logins"), [("9" * 20, 1), ("0", 2)])
async def test_a_rate_limited_login_is_retried_as_its_retry_after_allows(
    anyio_backend: str, after: str, logins: int
) -> None:
    """A login answered 429: asking for ages fails at once; asking for 0 s, the POST follows once."""
    tries = [0]
    sent: list[httpx.Request] = []

    def wxm(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            tries[0] += 1
            if tries[0] == 1:
                return httpx.Response(429, headers={"Retry-After": after}, json={})
            return httpx.Response(200, json=token_answer())
        sent.append(request)
        return httpx.Response(200, json={"id": "r1"})

    async with client_on(httpx.MockTransport(wxm)) as client:
        if logins == 1:
            with pytest.raises(RateLimitedError):
                await client.responses.add("q1", [Answer(question_id="x", text="y")])
        else:
            await client.responses.add("q1", [Answer(question_id="x", text="y")])
    assert tries[0] == logins
    assert len(sent) == logins - 1


async def test_the_fake_s_faults_keep_the_promises(
    anyio_backend: str, wxm_fake: FakeWXM, wxm_client: WXMClient
) -> None:
    """Through the fake: a 503'd add is not resent; 429s are ridden out; a far date fails."""
    add = "POST /api/answers/add"
    wxm_fake.fail_next(1, route=add, status=503)
    with pytest.raises(ServerError):  # a resend would have met no fault and succeeded
        await client_add(wxm_client)
    wxm_fake.fail_next(3, status=429, retry_after=0)
    assert isinstance(await wxm_client.questions.active(), list)
    far = datetime(9999, 12, 31, tzinfo=UTC)
    wxm_fake.fail_next(1, status=429, retry_after=far)
    with pytest.raises(RateLimitedError):  # a retry would have succeeded
        await wxm_client.questions.active()
    wxm_fake.clear_faults()


async def client_add(client: WXMClient) -> object:
    return await client.responses.add("q1", [Answer(question_id="x", text="y")])


@pytest.mark.parametrize("limits", [5, {"max_connections": 5}])
def test_limits_that_are_no_httpx_limits_are_refused(limits: object) -> None:
    """WXMClient(limits=5) is a ConfigurationError naming limits, not a bare AssertionError."""
    with pytest.raises(ConfigurationError, match="limits"):
        WXMClient(auth=WXMAuth("demo", "pw"), base_url="https://wxm.test", limits=limits)  # type: ignore[arg-type]
