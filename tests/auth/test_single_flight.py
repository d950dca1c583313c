"""Many concurrent requests, one login."""

from __future__ import annotations

import anyio
import httpx
import pytest

from wxm_async import WXMAuth
from wxm_async.stores import CachedToken, LoginTurn, MemoryTokenStore
from wxm_async.testing import WXM_FAKE_URL, FakeWXM

from ..conftest import PASSWORD, USERNAME, ManualClock, Server
from ..helpers import storm

pytestmark = pytest.mark.anyio


async def test_a_cold_storm_logs_in_once(server: Server, fake: FakeWXM) -> None:
    """N concurrent requests with no token cause one login; none goes out unauthenticated."""
    async with server.client(
        WXMAuth(USERNAME, PASSWORD), limits=httpx.Limits(max_connections=50)
    ) as http:
        statuses = await storm(http, 300)
    assert statuses == [200] * 300
    assert (fake.login_attempts, fake.logins) == (1, 1)
    assert (fake.unauthenticated, fake.denied) == (0, 0)
    assert fake.requests["GET /api/Questions/Active"] == 300


async def test_everyone_waits_for_the_one_login_in_flight(
    fake: FakeWXM, wxm_http: httpx.AsyncClient
) -> None:
    """While the first login is held, no other request logs in or goes out."""
    pause = fake.pause_logins()
    async with anyio.create_task_group() as tg:
        tg.start_soon(storm, wxm_http, 50)
        await pause.arrived.wait()
        assert fake.login_attempts == 1
        assert fake.requests["GET /api/Questions/Active"] == 0
        pause.release()
    assert (fake.login_attempts, fake.requests["GET /api/Questions/Active"]) == (1, 50)


class CountingStore(MemoryTokenStore):
    """The default store, counting how often the auth leaves its fast path."""

    def __init__(self) -> None:
        super().__init__()
        self.claims = 0

    async def claim(self, stale: CachedToken | None, now: float) -> CachedToken | LoginTurn | None:
        self.claims += 1
        return await super().claim(stale, now)


async def test_the_fast_path_never_asks_the_store_to_decide(fake: FakeWXM) -> None:
    """With a valid token, requests go straight out: no claim, no lock, no wait."""
    store = CountingStore()
    auth = WXMAuth(USERNAME, PASSWORD, store=store)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=WXM_FAKE_URL, auth=auth
    ) as http:
        await http.get("/api/Profile")
        assert store.claims == 1
        # Hold any login: if a request needed the slow path it would hang here.
        pause = fake.pause_logins()
        assert await storm(http, 100) == [200] * 100
    assert store.claims == 1
    assert not pause.arrived.is_set()


async def test_a_storm_in_the_refresh_window_logs_in_once_and_nobody_waits(
    clock: ManualClock,
) -> None:
    """Due for refresh: one request refreshes; the rest keep using the valid old token."""
    fake = FakeWXM(token_lifetime=1000, clock=clock)
    auth = WXMAuth(USERNAME, PASSWORD, clock=clock)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=WXM_FAKE_URL, auth=auth
    ) as http:
        await http.get("/api/Profile")
        old = auth.store.current()
        clock.advance(950)  # past the refresh (at 900) but before expiry (999)
        pause = fake.pause_logins()
        async with anyio.create_task_group() as tg:
            tg.start_soon(http.get, "/api/Profile")  # this one refreshes
            await pause.arrived.wait()
            # Meanwhile the others are served with the old token, without waiting.
            assert await storm(http, 100, "/api/Profile") == [200] * 100
            pause.release()
        assert auth.store.current() is not old
    assert (fake.logins, fake.login_attempts, fake.denied) == (2, 2, 0)


async def test_two_auths_sharing_a_store_share_the_login(fake: FakeWXM) -> None:
    """The token store is the unit of sharing: two auths, one store, one login."""
    store = MemoryTokenStore()
    first = WXMAuth(USERNAME, PASSWORD, store=store)
    second = WXMAuth(USERNAME, PASSWORD, store=store)
    async with (
        httpx.AsyncClient(transport=fake.transport(), base_url=WXM_FAKE_URL, auth=first) as a,
        httpx.AsyncClient(transport=fake.transport(), base_url=WXM_FAKE_URL, auth=second) as b,
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(storm, a, 50)
        tg.start_soon(storm, b, 50)
    assert fake.logins == 1
