"""RedisTokenStore against a real redis-server: one token and one login for a fleet.

Each ``RedisTokenStore`` here stands for a process (they share nothing but Redis);
``test_fleet.py`` runs real processes. redis-py's asyncio client runs on asyncio only,
so these tests do too, except the one that proves trio gets a clear error.
"""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import AsyncIterator

import anyio
import pytest

from wxm_async import AuthenticationError, ConfigurationError, TokenStoreError
from wxm_async.stores import LoginTurn, RedisTokenStore
from wxm_async.testing import FakeWXM

from ..conftest import PASSWORD, USERNAME, store_client
from ..helpers import storm

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """redis-py's asyncio client: asyncio only (trio is tested on its own below)."""
    return "asyncio"


@pytest.fixture
def base_url() -> str:
    """A base URL of its own per test, so that each test has its own keys."""
    return f"https://wxm-{secrets.token_hex(4)}.test"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[object]:
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


def store(
    redis_url: str, base_url: str, *, lease: float = 20.0, failure_window: float = 30.0
) -> RedisTokenStore:
    return RedisTokenStore(
        redis_url,
        base_url=base_url,
        username=USERNAME,
        lease=lease,
        failure_window=failure_window,
    )


async def test_stores_on_one_redis_share_one_login(
    redis_url: str, base_url: str, fake: FakeWXM
) -> None:
    """Three 'processes' sharing Redis, cold and concurrent: one login in total."""
    stores = [store(redis_url, base_url) for _ in range(3)]
    statuses: list[int] = []

    async def run(token_store: RedisTokenStore) -> None:
        async with store_client(fake, token_store) as http:
            statuses.extend(await storm(http, 100))

    async with anyio.create_task_group() as tg:
        for token_store in stores:
            tg.start_soon(run, token_store)
    for token_store in stores:
        await token_store.aclose()
    assert statuses == [200] * 300
    assert (fake.login_attempts, fake.logins, fake.denied) == (1, 1, 0)


async def test_the_token_key_is_namespaced_and_lives_as_long_as_the_token(
    redis_url: str, base_url: str, fake: FakeWXM, redis: object
) -> None:
    """The key is <prefix>:<base URL>:<user>:token, its TTL the token's life; no password."""
    from redis.asyncio import Redis

    assert isinstance(redis, Redis)
    fake.token_lifetime = 600
    async with store(redis_url, base_url) as token_store, store_client(fake, token_store) as http:
        await http.get("/api/Profile")
        key = f"wxm_async:{base_url}:{USERNAME}:token"
        assert token_store.namespace == f"wxm_async:{base_url}:{USERNAME}"
        ttl = await redis.pttl(key)
        assert 598_000 < ttl <= 599_000  # expires_in is 599
        raw = await redis.get(key)
        assert isinstance(raw, bytes)
        document = json.loads(raw)
        assert document["version"] == 1
        current = token_store.current()
        assert current is not None
        assert document["token"]["token"]["access_token"] == current.token.access_token
        assert PASSWORD.encode() not in raw
        assert await redis.exists(f"{token_store.namespace}:lease") == 0


async def test_a_process_adopts_the_token_and_its_remaining_life(
    redis_url: str, base_url: str, fake: FakeWXM
) -> None:
    """A second store uses the token from Redis, its expiry taken from the key's TTL."""
    fake.token_lifetime = 600
    async with (
        store(redis_url, base_url) as first,
        store(redis_url, base_url) as second,
        store_client(fake, first) as a,
        store_client(fake, second) as b,
    ):
        await a.get("/api/Profile")
        assert (await b.get("/api/Profile")).status_code == 200
        one, two = first.current(), second.current()
    assert one is not None
    assert two is not None
    assert one.token == two.token
    assert two.expires_at == pytest.approx(one.expires_at, abs=1.0)
    assert two.expires_at - two.refresh_at == pytest.approx(59.9)
    assert fake.logins == 1


async def test_a_valid_token_is_served_from_memory_without_asking_redis(
    redis_url: str, base_url: str, fake: FakeWXM, redis: object
) -> None:
    """With a valid token in memory, requests do not read Redis: deleting the key changes nothing."""
    from redis.asyncio import Redis

    assert isinstance(redis, Redis)
    async with store(redis_url, base_url) as token_store, store_client(fake, token_store) as http:
        await http.get("/api/Profile")
        assert await redis.delete(f"{token_store.namespace}:token") == 1
        assert await storm(http, 50) == [200] * 50
    assert fake.logins == 1


async def test_a_waiter_wakes_when_the_token_appears_not_when_the_lease_ends(
    redis_url: str, base_url: str, fake: FakeWXM
) -> None:
    """With a 60 s lease held, a waiter gets the token as soon as the holder stores it."""
    async with (
        store(redis_url, base_url, lease=60) as leader,
        store(redis_url, base_url, lease=60) as follower,
        store_client(fake, leader) as a,
        store_client(fake, follower) as b,
    ):
        pause = fake.pause_logins()
        statuses: list[int] = []
        with anyio.fail_after(10):  # far less than the lease: woken by the message
            async with anyio.create_task_group() as tg:
                tg.start_soon(a.get, "/api/Profile")
                await pause.arrived.wait()  # the leader holds the lease, mid-login

                async def follow() -> None:
                    statuses.append((await b.get("/api/Profile")).status_code)

                tg.start_soon(follow)
                pause.release()
    assert statuses == [200]
    assert (fake.login_attempts, fake.logins) == (1, 1)


async def test_a_crashed_leaders_lease_expires_and_another_logs_in(
    redis_url: str, base_url: str, fake: FakeWXM
) -> None:
    """A lease never released (its holder died) ends with its time; then one login."""
    async with (
        store(redis_url, base_url, lease=0.3) as crashed,
        store(redis_url, base_url, lease=0.3) as survivor,
        store_client(fake, survivor) as http,
    ):
        turn = await crashed.claim(None, 0.0)
        assert isinstance(turn, LoginTurn)  # held, and never settled
        with anyio.fail_after(10):  # a hang guard
            assert (await http.get("/api/Profile")).status_code == 200
    assert fake.logins == 1


async def test_a_wrong_password_costs_one_attempt_for_the_fleet(
    redis_url: str, base_url: str, fake: FakeWXM, redis: object
) -> None:
    """A rejected login is shared through Redis for the failure window: no second attempt."""
    from redis.asyncio import Redis

    assert isinstance(redis, Redis)
    async with (
        store(redis_url, base_url, failure_window=30) as first,
        store_client(fake, first, "wrong") as a,
    ):
        with pytest.raises(AuthenticationError):
            await a.get("/api/Profile")
        failure_key = f"{first.namespace}:failure"
        assert 29_000 < await redis.pttl(failure_key) <= 30_000
        stored = await redis.get(failure_key)
        assert isinstance(stored, bytes)
        assert b"wrong" not in stored
    async with store(redis_url, base_url) as second, store_client(fake, second, "wrong") as b:
        with pytest.raises(AuthenticationError) as caught:
            await b.get("/api/Profile")
    assert fake.login_attempts == 1
    assert (caught.value.status_code, caught.value.error) == (400, "invalid_grant")
    assert "WXM rejected the login for 'demo'" in str(caught.value)
    # When the window ends (here: the key is removed), the next process tries again.
    await redis.delete(failure_key)
    async with store(redis_url, base_url) as third, store_client(fake, third) as c:
        assert (await c.get("/api/Profile")).status_code == 200
    assert (fake.login_attempts, fake.logins) == (2, 1)


async def test_an_encrypted_token_is_ciphertext_in_redis(
    redis_url: str, base_url: str, fake: FakeWXM, redis: object
) -> None:
    """With a Fernet key, the stored token is ciphertext; a store with the key adopts it."""
    from cryptography.fernet import Fernet
    from redis.asyncio import Redis

    assert isinstance(redis, Redis)
    key = Fernet.generate_key()
    one = RedisTokenStore(redis_url, base_url=base_url, username=USERNAME, encryption_key=key)
    two = RedisTokenStore(redis_url, base_url=base_url, username=USERNAME, encryption_key=key)
    async with one, two, store_client(fake, one) as a, store_client(fake, two) as b:
        await a.get("/api/Profile")
        assert (await b.get("/api/Profile")).status_code == 200
        token = one.current()
        assert token is not None
        stored = await redis.get(f"{one.namespace}:token")
        assert isinstance(stored, bytes)
        assert token.token.access_token.encode() not in stored
        assert json.loads(Fernet(key).decrypt(stored))["version"] == 1
    assert fake.logins == 1


async def test_an_unreachable_redis_raises_token_store_error(fake: FakeWXM) -> None:
    """Redis down: the request fails with TokenStoreError naming the keys, not redis' own."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    url = f"redis://127.0.0.1:{port}/0"
    expected = r"could not read 'wxm_async:https://wxm\.test:demo' in Redis"
    async with (
        store(url, "https://wxm.test") as token_store,
        store_client(fake, token_store) as http,
    ):
        with pytest.raises(TokenStoreError, match=expected):
            await http.get("/api/Profile")
    assert fake.login_attempts == 0


@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_under_trio_the_store_says_it_needs_asyncio(redis_url: str) -> None:
    """redis-py's asyncio client cannot run under trio: a clear ConfigurationError says so."""
    token_store = RedisTokenStore(redis_url, base_url="https://wxm.test", username=USERNAME)
    fake = FakeWXM()
    async with store_client(fake, token_store) as http:
        with pytest.raises(ConfigurationError, match=r"runs on asyncio only.*under trio"):
            await http.get("/api/Profile")
    assert fake.login_attempts == 0


def test_without_redis_py_the_constructor_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """RedisTokenStore imports without redis-py, and its constructor names the extra."""
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ConfigurationError, match=r"pip install 'wxm-async\[redis\]'"):
        RedisTokenStore("redis://localhost", base_url="https://wxm.test", username=USERNAME)
