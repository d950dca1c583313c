"""An outside red team's attacks on the token stores, through their public API and docs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from wxm_async import WXMAuth
from wxm_async.stores import FileTokenStore, RedisTokenStore, SharedTokenStore
from wxm_async.testing import FakeWXM, serve

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME, ManualClock
from ..helpers import is_login, token_answer

pytestmark = pytest.mark.anyio

Mutate = Callable[[dict[str, Any]], None]


class Place:
    """One shared place (a token file, a Redis namespace), and stores on it as processes."""

    def __init__(self, make: Callable[[], SharedTokenStore[Any]], read: Any, write: Any) -> None:
        self.make = make
        self._read = read
        self._write = write

    async def tamper(self, mutate: Mutate) -> None:
        """Change the record at rest, as an attacker with access to it would."""
        record = json.loads(await self._read())
        mutate(record)
        await self._write(json.dumps(record).encode())


@pytest.fixture(params=["file", "redis"])
async def place(
    request: pytest.FixtureRequest, tmp_path: Path, anyio_backend: str
) -> AsyncIterator[Place]:
    """A place shared by the stores of several processes; Redis on asyncio only."""
    if request.param == "file":
        path = tmp_path / "token"

        async def read_file() -> bytes:
            return path.read_bytes()

        async def write_file(data: bytes) -> None:
            path.write_bytes(data)

        yield Place(lambda: FileTokenStore(path), read_file, write_file)
        return
    if anyio_backend != "asyncio":
        pytest.skip("redis-py's asyncio client runs on asyncio only")
    redis_url = request.getfixturevalue("redis_url")
    base_url = request.getfixturevalue("base_url")
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url)
    made: list[RedisTokenStore] = []

    def make() -> SharedTokenStore[Any]:
        made.append(RedisTokenStore(redis_url, base_url=base_url, username=USERNAME))
        return made[-1]

    def key() -> str:
        return f"{made[0].namespace}:token"

    async def read_redis() -> bytes:
        data = await redis.get(key())
        assert isinstance(data, bytes)
        return data

    async def write_redis(data: bytes) -> None:
        await redis.set(key(), data, keepttl=True)

    yield Place(make, read_redis, write_redis)
    for store in made:
        await store.aclose()
    await redis.aclose()


def _client(
    base_url: httpx.URL,
    store: SharedTokenStore[Any],
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    auth = WXMAuth(USERNAME, PASSWORD, store=store)
    return httpx.AsyncClient(base_url=base_url, auth=auth, transport=transport)


async def test_a_login_holder_cancelled_mid_login_frees_the_lease_at_once(
    place: Place, fake: FakeWXM
) -> None:
    """The process holding the lease is cancelled in its login: another logs in without waiting."""
    pause = fake.pause_logins()
    base_url = httpx.URL(IN_PROCESS_URL)
    with anyio.fail_after(10):  # a hang guard, well under the lease's 20 s
        async with _client(base_url, place.make(), fake.transport()) as first:
            with anyio.CancelScope() as scope:
                async with anyio.create_task_group() as tg:
                    tg.start_soon(first.get, "/api/Profile")
                    await pause.arrived.wait()  # inside its login, holding the lease
                    scope.cancel()
        pause.release()
        async with _client(base_url, place.make(), fake.transport()) as second:
            assert (await second.get("/api/Profile")).status_code == 200
    assert fake.logins == 1  # the cancelled login never completed


@pytest.mark.parametrize("lifetime", ["1e999", 1e308, "Infinity"])
async def test_an_endless_lifetime_is_shared_not_refused(place: Place, lifetime: object) -> None:
    """A token WXM says never expires is shared with the next process: one login for both."""
    logins = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal logins
        if is_login(request):
            logins += 1
            answer = token_answer(f"tok-{logins}", expires_in=lifetime)
            del answer[".issued"], answer[".expires"]
            return httpx.Response(200, json=answer)
        return httpx.Response(200, json={})

    for _ in range(2):
        auth = WXMAuth(USERNAME, PASSWORD, store=place.make())
        async with httpx.AsyncClient(transport=httpx.MockTransport(handle), auth=auth) as http:
            assert (await http.get("https://wxm.test/api/Profile")).status_code == 200
    assert logins == 1


@pytest.mark.parametrize(
    "planted",
    ["tok\r\nX-Evil: 1", "tok\x00", "tok\u00e9", "", "   ", "a b", 123, None, ["x"], {"a": 1}],
)
async def test_a_planted_token_that_cannot_be_sent_is_replaced_not_sent(
    place: Place, fake: FakeWXM, planted: object
) -> None:
    """A record whose token is no header value (CR-LF, NUL, wrong type): a login, never sent."""
    async with serve(fake) as base_url:
        first = place.make()
        async with _client(base_url, first) as http:
            assert (await http.get("/api/Profile")).status_code == 200

        def plant(record: dict[str, Any]) -> None:
            record["token"]["token"]["access_token"] = planted

        await place.tamper(plant)
        async with _client(base_url, place.make()) as http:
            assert (await http.get("/api/Profile")).status_code == 200
    assert fake.logins == 2


@pytest.mark.parametrize("tamper", ["persist", "ten-years"])
async def test_a_redis_token_whose_ttl_was_tampered_lives_no_longer_than_its_lifetime(
    redis_url: str, base_url: str, clock: ManualClock, anyio_backend: str, tamper: str
) -> None:
    """A token key made to live forever (PERSIST) or for years is refreshed by its own expiry."""
    if anyio_backend != "asyncio":
        pytest.skip("redis-py's asyncio client runs on asyncio only")
    from redis.asyncio import Redis

    logins = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal logins
        if is_login(request):
            logins += 1
            answer = token_answer(f"tok-{logins}", expires_in=600)
            del answer[".issued"], answer[".expires"]
            return httpx.Response(200, json=answer)
        return httpx.Response(200, json={})

    def client(store: RedisTokenStore) -> httpx.AsyncClient:
        auth = WXMAuth(USERNAME, PASSWORD, store=store, clock=clock)
        return httpx.AsyncClient(transport=httpx.MockTransport(handle), auth=auth)

    first = RedisTokenStore(redis_url, base_url=base_url, username=USERNAME)
    second = RedisTokenStore(redis_url, base_url=base_url, username=USERNAME)
    redis = Redis.from_url(redis_url)
    try:
        async with client(first) as http:
            await http.get("https://wxm.test/api/Profile")
        key = f"{first.namespace}:token"
        if tamper == "persist":
            assert await redis.persist(key)
        else:
            assert await redis.pexpire(key, 10 * 365 * 86_400_000)
        async with client(second) as http:
            await http.get("https://wxm.test/api/Profile")  # adopted, or replaced
            before = logins
            clock.advance(601)  # past the token's own 600 s
            await http.get("https://wxm.test/api/Profile")
        assert logins == before + 1
    finally:
        await first.aclose()
        await second.aclose()
        await redis.aclose()


@pytest.mark.parametrize("ttl_ms", [None, 10 * 365 * 86_400_000], ids=["no-ttl", "ten-years"])
async def test_a_planted_redis_lease_holds_back_no_longer_than_one_lease(
    redis_url: str, base_url: str, fake: FakeWXM, anyio_backend: str, ttl_ms: int | None
) -> None:
    """A lease key someone set by hand, to live for years, cannot stop the fleet logging in."""
    if anyio_backend != "asyncio":
        pytest.skip("redis-py's asyncio client runs on asyncio only")
    from redis.asyncio import Redis

    store = RedisTokenStore(redis_url, base_url=base_url, username=USERNAME, lease=0.5)
    redis = Redis.from_url(redis_url)
    try:
        await redis.set(f"{store.namespace}:lease", b"planted", px=ttl_ms)
        async with _client(httpx.URL(IN_PROCESS_URL), store, fake.transport()) as http:
            with anyio.fail_after(10):  # a hang guard: the lease is half a second
                response = await http.get("/api/Profile")
        assert response.status_code == 200
    finally:
        await store.aclose()
        await redis.aclose()


@pytest.mark.xfail(
    strict=True,
    raises=TimeoutError,
    reason="left for the lead: flock has no lease; a frozen (SIGSTOP, debugger) or hung peer "
    "holding the lock holds back every process until it resumes, where Redis bounds it",
)
async def test_a_frozen_peer_holding_the_file_lock_holds_back_no_longer_than_a_lease(
    fake: FakeWXM, tmp_path: Path
) -> None:
    """A peer that holds the token file's lock and never lets go cannot stop the others."""
    import fcntl
    import os

    path = tmp_path / "token"
    fd = os.open(f"{path}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # the frozen peer
        async with _client(httpx.URL(IN_PROCESS_URL), FileTokenStore(path), fake.transport()) as h:
            with anyio.fail_after(1):  # a hang guard: the lock is never let go
                assert (await h.get("/api/Profile")).status_code == 200
    finally:
        os.close(fd)
