"""Expiry on the monotonic clock: lifetimes, leeway, and proactive refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import anyio
import httpx
import pytest

from wxm_async import AccessToken, WXMAuth
from wxm_async._stores._token import cache_token
from wxm_async.testing import FakeWXM

from .conftest import PASSWORD, USERNAME, ManualClock
from .helpers import is_login, recording, token_answer

NOON = datetime(2026, 11, 22, 12, tzinfo=UTC)


def _token(expires_in: int, span: float | None = None) -> AccessToken:
    issued = NOON if span is not None else None
    expires = NOON + timedelta(seconds=span) if span is not None else None
    return AccessToken(access_token="t", expires_in=expires_in, issued=issued, expires=expires)


@pytest.mark.parametrize(
    ("expires_in", "span", "lifetime"),
    [
        (86399, 43200, 43200),  # the vendor's examples disagree: trust the shorter
        (43199, 86400, 43199),
        (3600, None, 3600),  # no dates: expires_in alone
        (3600, -60, 3600),  # dates in the wrong order are ignored
        (0, None, 0),
    ],
)
def test_lifetime_is_the_smaller_of_expires_in_and_the_dates(
    expires_in: int, span: float | None, lifetime: float
) -> None:
    """AccessToken.lifetime = min(expires_in, .expires - .issued), never negative."""
    assert _token(expires_in, span).lifetime == lifetime


@pytest.mark.parametrize(
    ("lifetime", "refresh_after"),
    [
        (43199, 43199 - 300),  # long tokens: the full five-minute leeway
        (600, 540),  # ten minutes: 10% of the lifetime
        (3, 2.7),  # three seconds: refreshed after 2.7, not on every request
    ],
)
def test_the_refresh_leeway_shrinks_for_short_tokens(lifetime: int, refresh_after: float) -> None:
    """The refresh comes min(300 s, 10% of the lifetime) before expiry."""
    cached = cache_token(_token(lifetime), received_at=100.0, max_leeway=300.0)
    assert cached.expires_at == 100.0 + lifetime
    assert cached.refresh_at == pytest.approx(100.0 + refresh_after)


def test_a_cached_token_is_due_then_expired_and_serves_only_while_current() -> None:
    """due() from refresh_at on, expired() from expires_at on; still_serves() while current."""
    cached = cache_token(_token(1000), received_at=0.0, max_leeway=300.0)
    assert (cached.refresh_at, cached.expires_at, cached.leeway) == (900.0, 1000.0, 100.0)
    assert cached.authorization == "Bearer t"
    assert not cached.due(899.9)
    assert cached.due(900.0)
    assert not cached.expired(999.9)
    assert cached.expired(1000.0)
    assert cached.still_serves(current=cached, now=999.9)
    assert not cached.still_serves(current=cached, now=1000.0)  # expired
    other = cache_token(_token(1000), received_at=0.0, max_leeway=300.0)
    assert not cached.still_serves(current=other, now=0.0)  # replaced: not the current one
    assert not cached.still_serves(current=None, now=0.0)  # discarded


@pytest.mark.anyio
async def test_the_token_is_refreshed_before_it_expires_not_after(clock: ManualClock) -> None:
    """Inside the refresh window the next request logs in; before it, none does."""
    fake = FakeWXM(token_lifetime=3600, clock=clock)
    auth = WXMAuth(USERNAME, PASSWORD, clock=clock)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="https://wxm.test", auth=auth
    ) as http:
        await http.get("/api/Profile")
        clock.advance(3599 - 300 - 1)  # expires_in is 3599: one second before the window
        await http.get("/api/Profile")
        assert fake.logins == 1
        clock.advance(2)
        assert (await http.get("/api/Profile")).status_code == 200
        assert fake.logins == 2
    assert fake.denied == 0  # refreshed proactively: WXM never had to say no


@pytest.mark.anyio
async def test_a_three_second_token_is_not_refreshed_on_every_request(clock: ManualClock) -> None:
    """A short-lived token serves many requests; it is refreshed once per lifetime."""
    fake = FakeWXM(token_lifetime=4, clock=clock)  # expires_in: 3
    auth = WXMAuth(USERNAME, PASSWORD, clock=clock)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="https://wxm.test", auth=auth
    ) as http:
        for _ in range(20):
            assert (await http.get("/api/Profile")).status_code == 200
            clock.advance(0.1)  # 2 seconds in all: still before the 2.7 s refresh
        assert fake.logins == 1
        clock.advance(1)
        await http.get("/api/Profile")
        assert fake.logins == 2


@pytest.mark.anyio
async def test_expiry_is_counted_from_receipt_not_from_the_servers_dates(
    clock: ManualClock,
) -> None:
    """Dates far in the past (a skewed server clock) do not expire a fresh token."""
    valid = {"old-dates"}
    answer = token_answer(
        "old-dates",
        expires_in=3600,
        **{".issued": "Mon, 01 Jan 2001 00:00:00 GMT", ".expires": "Mon, 01 Jan 2001 01:00:00 GMT"},
    )

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=answer)
        ok = request.headers["authorization"].removeprefix("Bearer ") in valid
        return httpx.Response(200 if ok else 401, json=[])

    transport, seen = recording(handle)
    auth = WXMAuth("u", "p", clock=clock)
    async with httpx.AsyncClient(transport=transport, auth=auth) as http:
        for _ in range(3):
            clock.advance(600)
            assert (await http.get("https://api.example/x")).status_code == 200
    assert sum(is_login(r) for r in seen) == 1


@pytest.mark.anyio
async def test_an_expired_token_is_never_sent(clock: ManualClock) -> None:
    """Past its expiry a token is not used while a refresh is under way: requests wait."""
    fake = FakeWXM(token_lifetime=100, clock=clock)
    auth = WXMAuth(USERNAME, PASSWORD, clock=clock)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="https://wxm.test", auth=auth
    ) as http:
        await http.get("/api/Profile")
        clock.advance(1000)
        pause = fake.pause_logins()
        statuses: list[int] = []

        async def call() -> None:
            statuses.append((await http.get("/api/Profile")).status_code)

        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(call)
            await pause.arrived.wait()
            assert statuses == []  # nobody went ahead with the expired token
            pause.release()
    assert statuses == [200] * 5
    assert (fake.logins, fake.denied) == (2, 0)
