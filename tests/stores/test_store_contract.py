"""The token store contract, run on every store: memory, file and Redis.

Each store made on one ``Place`` stands for a process: file and Redis stores on one
place share nothing but the file or Redis, as processes would. A ``MemoryTokenStore``
cannot be shared between processes; its place is one store, which every "process" (each
its own ``WXMAuth``) uses, as the auths of one process may. What only a shared store
promises (the record, its expiry, no storage read on the fast path) is checked where
``place.shared``. ``test_fleet.py`` runs real processes; ``test_file_store.py`` and
``test_redis_store.py`` keep what only one store does (file modes, keys, leases).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from wxm_async import AuthenticationError, WXMAuth, WXMError
from wxm_async.stores import FileTokenStore, MemoryTokenStore, RedisTokenStore, TokenStore
from wxm_async.testing import FakeWXM

from ..conftest import PASSWORD, USERNAME, ManualClock, Server, store_client
from ..helpers import storm

pytestmark = pytest.mark.anyio

#: Each store on the event loops it runs on: redis-py's asyncio client runs on asyncio only.
CASES = [
    ("memory", "asyncio"),
    ("memory", "trio"),
    ("file", "asyncio"),
    ("file", "trio"),
    ("redis", "asyncio"),
]


class Place:
    """Where stores standing for processes share a token: one store, a file, or Redis."""

    def __init__(self, kind: str, tmp_path: Path, redis_url: str | None) -> None:
        self.kind = kind
        self.shared = kind != "memory"
        self.path = tmp_path / "token"
        self.redis_url = redis_url
        self.base_url = f"https://wxm-{secrets.token_hex(4)}.test"  # keys of its own
        self.namespace = f"wxm_async:{self.base_url}:{USERNAME}"
        self.wall_clock: Callable[[], float] = time.time  # the stores' clock
        self._memory: MemoryTokenStore | None = None
        self._redis_stores: list[RedisTokenStore] = []

    def store(
        self,
        *,
        failure_window: float = 30.0,
        lease: float = 20.0,
        wall_clock: Callable[[], float] | None = None,
    ) -> TokenStore:
        """A store on this place, for one more 'process' (on ``self.wall_clock`` by default)."""
        wall_clock = self.wall_clock if wall_clock is None else wall_clock
        if self.kind == "memory":
            if self._memory is None:
                self._memory = MemoryTokenStore(failure_window=failure_window)
            return self._memory
        if self.kind == "file":
            return FileTokenStore(self.path, failure_window=failure_window, wall_clock=wall_clock)
        assert self.redis_url is not None
        store = RedisTokenStore(
            self.redis_url,
            base_url=self.base_url,
            username=USERNAME,
            lease=lease,
            failure_window=failure_window,
            wall_clock=wall_clock,
        )
        self._redis_stores.append(store)
        return store

    async def raw(self) -> bytes:
        """The bytes the place keeps (token and failure records), ``b""`` if none."""
        if self.kind == "file":
            return self.path.read_bytes() if self.path.exists() else b""
        if self.kind == "redis":
            async with self._redis() as redis:
                values = [
                    await redis.get(f"{self.namespace}:{key}") for key in ("token", "failure")
                ]
            return b"".join(value for value in values if isinstance(value, bytes))
        return b""

    async def record(self) -> dict[str, Any]:
        """The shared record as JSON: ``{"token": ..., "failure": ...}`` (``None`` if absent)."""
        if self.kind == "file":
            document: dict[str, Any] = json.loads(self.path.read_text())
            return {"token": document.get("token"), "failure": document.get("failure")}
        assert self.kind == "redis"
        found: dict[str, Any] = {}
        async with self._redis() as redis:
            for key in ("token", "failure"):
                raw = await redis.get(f"{self.namespace}:{key}")
                found[key] = json.loads(raw).get(key) if isinstance(raw, bytes) else None
        return found

    async def forget_token(self) -> None:
        """Remove the stored token, as if the storage had lost it."""
        if self.kind == "file":
            self.path.unlink()
        else:
            async with self._redis() as redis:
                assert await redis.delete(f"{self.namespace}:token") == 1

    async def failure_lives(self) -> float:
        """How long the stored failure is still shared, by its own window, in seconds."""
        return float((await self.record())["failure"]["until"]) - time.time()

    async def end_failure(self) -> None:
        """End the failure window now, as time would."""
        if self.kind == "memory":
            assert self._memory is not None
            self._memory.clear_failure()
        elif self.kind == "file":
            document = json.loads(self.path.read_text())
            del document["failure"]
            self.path.write_text(json.dumps(document))
        else:
            async with self._redis() as redis:
                assert await redis.delete(f"{self.namespace}:failure") == 1

    async def aclose(self) -> None:
        for store in self._redis_stores:
            await store.aclose()

    def _redis(self) -> Any:
        from redis.asyncio import Redis

        assert self.redis_url is not None
        return Redis.from_url(self.redis_url)


@pytest.fixture(params=CASES, ids=[f"{kind}-{loop}" for kind, loop in CASES])
def case(request: pytest.FixtureRequest) -> tuple[str, str]:
    kind, loop = request.param
    return kind, loop


@pytest.fixture
def anyio_backend(case: tuple[str, str]) -> str:
    """The event loop this case runs on."""
    return case[1]


@pytest.fixture
async def place(
    case: tuple[str, str], tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Place]:
    kind = case[0]
    redis_url = request.getfixturevalue("redis_url") if kind == "redis" else None
    place = Place(kind, tmp_path, redis_url)
    try:
        yield place
    finally:
        await place.aclose()


async def results(http: httpx.AsyncClient, n: int) -> list[int | str]:
    """Send ``n`` concurrent GETs; return their statuses or error class names."""
    seen: list[int | str] = []

    async def call() -> None:
        try:
            seen.append((await http.get("/api/Profile")).status_code)
        except WXMError as error:
            seen.append(type(error).__name__)

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(call)
    return seen


async def test_stores_on_one_place_share_one_login(
    place: Place, server: Server, fake: FakeWXM
) -> None:
    """Three 'processes' on one place, cold and concurrent: one login in total."""
    statuses: list[int] = []

    async def run(http: httpx.AsyncClient) -> None:
        async with http:
            statuses.extend(await storm(http, 100))

    async with anyio.create_task_group() as tg:
        for _ in range(3):
            tg.start_soon(run, server.client(WXMAuth(USERNAME, PASSWORD, store=place.store())))
    assert statuses == [200] * 300
    assert (fake.login_attempts, fake.logins, fake.denied) == (1, 1, 0)
    assert fake.requests["GET /api/Questions/Active"] == 300


async def test_the_record_holds_the_token_and_never_the_password(
    place: Place, fake: FakeWXM
) -> None:
    """The shared record is versioned, holds the token, never the password, nor its repr."""
    store = place.store()
    async with store_client(fake, store) as http:
        await http.get("/api/Profile")
    token = store.current()
    assert token is not None
    assert token.token.access_token not in repr(store)
    if not place.shared:
        return
    raw = await place.raw()
    assert PASSWORD.encode() not in raw
    assert json.loads(raw)["version"] == 1
    assert (await place.record())["token"]["token"]["access_token"] == token.token.access_token


async def test_a_valid_token_is_served_from_memory_without_reading_the_store(
    place: Place, fake: FakeWXM
) -> None:
    """With a valid token in memory, requests read no storage: deleting it changes nothing."""
    if not place.shared:
        pytest.skip("a MemoryTokenStore has no storage but memory")
    async with store_client(fake, place.store()) as http:
        await http.get("/api/Profile")
        await place.forget_token()
        assert await storm(http, 50) == [200] * 50
    assert fake.logins == 1
    assert await place.raw() == b""


async def test_a_process_adopts_the_token_and_its_remaining_life(
    place: Place, fake: FakeWXM
) -> None:
    """A second 'process' uses the token the first got, with the same deadlines."""
    fake.token_lifetime = 600
    first, second = place.store(), place.store()
    async with store_client(fake, first) as a, store_client(fake, second) as b:
        await a.get("/api/Profile")
        assert (await b.get("/api/Profile")).status_code == 200
    one, two = first.current(), second.current()
    assert one is not None
    assert two is not None
    assert one.token == two.token
    assert two.expires_at == pytest.approx(one.expires_at, abs=1.0)
    assert two.leeway == pytest.approx(one.leeway)
    assert two.leeway == pytest.approx(59.9)  # 10% of the 599 s WXM states
    assert fake.logins == 1


async def test_a_revoked_token_is_replaced_once_for_every_process(
    place: Place, fake: FakeWXM
) -> None:
    """Every 'process' meets the revoked token: one new login in total, no request lost."""
    clients = [store_client(fake, place.store()) for _ in range(3)]
    for http in clients:
        assert (await http.get("/api/Profile")).status_code == 200
    fake.revoke_all_tokens()
    statuses: list[int] = []

    async def run(http: httpx.AsyncClient) -> None:
        statuses.extend(await storm(http, 50))

    async with anyio.create_task_group() as tg:
        for http in clients:
            tg.start_soon(run, http)
    for http in clients:
        await http.aclose()
    assert statuses == [200] * 150
    assert fake.logins == 2


async def test_a_wrong_password_costs_one_attempt_for_every_process(
    place: Place, fake: FakeWXM
) -> None:
    """A rejected login is shared for the failure window: the others raise it untried."""
    async with store_client(fake, place.store(failure_window=30), "wrong") as a:
        first = await results(a, 20)
        if place.shared:
            assert 29 < await place.failure_lives() <= 30
    async with store_client(fake, place.store(), "wrong") as b:
        with pytest.raises(AuthenticationError) as caught:
            await b.get("/api/Profile")
    assert first == ["AuthenticationError"] * 20
    assert fake.login_attempts == 1
    error = caught.value
    assert (error.status_code, error.error) == (400, "invalid_grant")
    assert error.error_description == "The user name or password is incorrect."
    assert "WXM rejected the login for 'demo'" in str(error)
    assert error.request is not None
    assert error.request.url == "https://wxm.test/api/LoginToken"
    assert b"wrong" not in await place.raw()
    # When the window ends, the next 'process' tries again.
    await place.end_failure()
    async with store_client(fake, place.store()) as c:
        assert (await c.get("/api/Profile")).status_code == 200
    assert (fake.login_attempts, fake.logins) == (2, 1)


async def test_a_zero_failure_window_shares_nothing(place: Place, fake: FakeWXM) -> None:
    """failure_window=0: each 'process' tries for itself."""
    for _ in range(2):
        async with store_client(fake, place.store(failure_window=0), "wrong") as http:
            with pytest.raises(AuthenticationError):
                await http.get("/api/Profile")
    assert fake.login_attempts == 2


async def test_a_refresh_rejected_elsewhere_keeps_the_old_token_working(
    place: Place, clock: ManualClock
) -> None:
    """A rejection shared in the refresh window does not fail requests the old token serves."""
    wall = ManualClock(1_700_000_000.0)
    fake = FakeWXM(token_lifetime=1000, clock=clock)
    https = [store_client(fake, place.store(wall_clock=wall), clock=clock) for _ in range(2)]
    for http in https:
        await http.get("/api/Profile")
    clock.advance(950)  # past the refresh (at 900) but before expiry (999)
    wall.advance(950)
    fake.lock_account(USERNAME)
    # The first refreshes, is rejected, shares the rejection and goes on with the old token.
    assert (await https[0].get("/api/Profile")).status_code == 200
    assert fake.login_attempts == 2
    if place.shared:
        assert (await place.record())["failure"]["error"] == "Authorization Error"
    # The second sees the shared rejection: it does not try, and the old token serves it.
    assert (await https[1].get("/api/Profile")).status_code == 200
    assert fake.login_attempts == 2
    for http in https:
        await http.aclose()


async def test_a_process_waits_for_the_login_another_holds(place: Place, fake: FakeWXM) -> None:
    """While one 'process' holds the turn, another waits, then uses its token at once.

    With a 60 s Redis lease held, the waiter is woken by the holder's message, not when
    the lease would end.
    """
    leader, follower = place.store(lease=60), place.store(lease=60)
    pause = fake.pause_logins()
    statuses: list[int] = []
    with anyio.fail_after(10):  # far less than the lease: woken as soon as the token is in
        async with (
            store_client(fake, leader) as a,
            store_client(fake, follower) as b,
            anyio.create_task_group() as tg,
        ):
            tg.start_soon(a.get, "/api/Profile")
            await pause.arrived.wait()  # the leader holds the turn, mid-login
            waiting = anyio.Event()

            async def follow() -> None:
                waiting.set()
                statuses.append((await b.get("/api/Profile")).status_code)

            tg.start_soon(follow)
            await waiting.wait()
            assert fake.login_attempts == 1
            pause.release()
    assert statuses == [200]
    assert (fake.login_attempts, fake.logins) == (1, 1)
