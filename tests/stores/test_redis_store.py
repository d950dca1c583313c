"""RedisTokenStore against a real redis-server: one token and one login for a fleet.

Each ``RedisTokenStore`` here stands for a process (they share nothing but Redis);
``test_fleet.py`` runs real processes; ``test_store_contract.py`` what every store
promises (one login, a shared rejection, waking when another's login ends), here only
what Redis adds. redis-py's asyncio client runs on asyncio only, so these tests do too,
except the one that proves trio gets a clear error.
"""

from __future__ import annotations

import json
import sys

import anyio
import pytest

from wxm_async import ConfigurationError, TokenStoreError
from wxm_async.stores import LoginTurn, RedisTokenStore
from wxm_async.testing import FakeWXM

from ..conftest import PASSWORD, USERNAME, store_client

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """redis-py's asyncio client: asyncio only (trio is tested on its own below)."""
    return "asyncio"


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
