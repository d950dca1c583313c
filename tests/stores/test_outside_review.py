"""An outside review of the shared stores: records and leases an attacker or a broken peer left.

Each test plants what no process of ours writes (a failure whose URL does not parse, a
failure claiming to last for ages, a lease without a time to live) and checks that a
call neither crashes with a foreign error nor is held back past the promised bounds.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from wxm_async import AuthenticationError, ConfigurationError, WXMError
from wxm_async.stores import FileTokenStore, RedisTokenStore
from wxm_async.testing import FakeWXM

from ..conftest import USERNAME, ManualClock, store_client

pytestmark = pytest.mark.anyio


class WallClock:
    """A wall clock (seconds since the epoch) that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def failure(**overrides: Any) -> dict[str, Any]:
    """A rejected login as a shared store keeps it, with ``overrides``."""
    return {
        "message": "WXM rejected the login",
        "url": "https://wxm.test/api/LoginToken",
        "statusCode": 400,
        "error": "invalid_grant",
        **overrides,
    }


def plant(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document))
    path.chmod(0o600)


@pytest.mark.parametrize("url", ["http://[::1", "\x00", "https://wxm.test:99999999/"])
async def test_a_planted_failure_whose_url_does_not_parse_raises_our_error(
    fake: FakeWXM, tmp_path: Path, url: str
) -> None:
    """A shared failure whose URL httpx refuses is still an AuthenticationError, never InvalidURL."""
    wall = WallClock()
    path = tmp_path / "token"
    plant(path, {"version": 1, "failure": failure(url=url, until=wall.now + 30, since=wall.now)})
    async with store_client(fake, FileTokenStore(path, wall_clock=wall)) as http:
        with pytest.raises(AuthenticationError) as caught:
            await http.get("/api/Questions/Active")
    assert isinstance(caught.value, WXMError)
    assert fake.logins == 0


@pytest.mark.parametrize("since", [1_800_000_000.0, None], ids=["since now", "no since"])
async def test_a_planted_failure_lasting_for_ages_holds_back_no_longer_than_the_longest_window(
    fake: FakeWXM, tmp_path: Path, since: float | None
) -> None:
    """A failure claiming to be shared for 30 years is not trusted: a login is tried."""
    wall = WallClock()
    path = tmp_path / "token"
    planted = failure(until=wall.now + 1e9, since=since)
    plant(path, {"version": 1, "failure": planted})
    async with store_client(fake, FileTokenStore(path, wall_clock=wall)) as http:
        response = await http.get("/api/Questions/Active")
    assert response.status_code == 200
    assert fake.logins == 1


async def test_a_failure_within_the_window_is_still_shared(fake: FakeWXM, tmp_path: Path) -> None:
    """The bound on planted failures leaves a real one (30 s from now) honoured."""
    wall = WallClock()
    path = tmp_path / "token"
    plant(path, {"version": 1, "failure": failure(until=wall.now + 30, since=wall.now)})
    async with store_client(fake, FileTokenStore(path, wall_clock=wall)) as http:
        with pytest.raises(AuthenticationError):
            await http.get("/api/Questions/Active")
    assert fake.logins == 0


async def test_a_failure_whose_since_is_nan_is_not_trusted(fake: FakeWXM, tmp_path: Path) -> None:
    """A shared failure rejected at "NaN" (no moment, and never forgiven by a clear) is ignored."""
    wall = WallClock()
    path = tmp_path / "token"
    path.write_text(
        '{"version": 1, "failure": {"message": "m", "url": "https://wxm.test/api/LoginToken",'
        f' "statusCode": 400, "until": {wall.now + 30}, "since": NaN}}}}'
    )
    path.chmod(0o600)
    async with store_client(fake, FileTokenStore(path, wall_clock=wall)) as http:
        response = await http.get("/api/Questions/Active")
    assert response.status_code == 200
    assert fake.logins == 1


async def test_a_file_store_takes_max_failure_window_as_every_store_does(
    fake: FakeWXM, tmp_path: Path, clock: ManualClock
) -> None:
    """`FileTokenStore(max_failure_window=...)` caps the doubling window it shares."""
    wall = WallClock()
    path = tmp_path / "token"
    store = FileTokenStore(path, failure_window=10, max_failure_window=15, wall_clock=wall)
    windows = []
    async with store_client(fake, store, "wrong-password", clock=clock) as http:
        for _ in range(3):
            with pytest.raises(AuthenticationError):
                await http.get("/api/Questions/Active")
            shared = json.loads(path.read_text())["failure"]
            windows.append(shared["until"] - shared["since"])
            wall.now += 16
            clock.advance(16)
    assert windows == [10, 15, 15]


@pytest.mark.parametrize(
    ("expires", "leeway"),
    [("Infinity", "NaN"), ("1e300", "300"), (None, "NaN"), (None, "-1e9")],
)
async def test_a_planted_expiry_or_leeway_cannot_make_a_token_live_or_go_unrefreshed_forever(
    fake: FakeWXM, tmp_path: Path, clock: ManualClock, expires: str | None, leeway: str
) -> None:
    """A record's token is held no longer than its own lifetime, and refreshed by then."""
    path = tmp_path / "token"
    async with store_client(fake, FileTokenStore(path)) as http:
        await http.get("/api/Questions/Active")
    record = json.loads(path.read_text())
    text = json.dumps(record)
    token = record["token"]
    text = text.replace(
        f'"refreshLeeway": {json.dumps(token["refreshLeeway"])}', f'"refreshLeeway": {leeway}'
    )
    if expires is not None:
        text = text.replace(f'"expires": {json.dumps(token["expires"])}', f'"expires": {expires}')
    path.write_text(text)
    store = FileTokenStore(path)
    async with store_client(fake, store, clock=clock) as http:
        response = await http.get("/api/Questions/Active")
    assert response.status_code == 200
    assert fake.logins == 1  # the planted record's token was adopted, not replaced
    adopted = store.current()
    assert adopted is not None
    lifetime = adopted.token.lifetime
    assert adopted.expires_at <= clock.now + lifetime
    assert adopted.refresh_at <= adopted.expires_at  # a number: NaN compares false


async def test_a_plaintext_record_planted_beside_an_encrypting_store_is_never_sent(
    fake: FakeWXM, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With a key, a plaintext record (a working token) is not decrypted, so not trusted."""
    pytest.importorskip("cryptography")
    from cryptography.fernet import Fernet

    path = tmp_path / "token"
    planter = FileTokenStore(path, encryption_key=None)
    async with store_client(fake, planter) as http:  # a working token, in plaintext
        await http.get("/api/Questions/Active")
    planted = planter.current()
    assert planted is not None
    with caplog.at_level(logging.DEBUG):
        store = FileTokenStore(path, encryption_key=Fernet.generate_key())
        async with store_client(fake, store) as http:
            assert (await http.get("/api/Questions/Active")).status_code == 200
    assert fake.logins == 2  # the plaintext token was not adopted
    current = store.current()
    assert current is not None
    assert current.token.access_token != planted.token.access_token
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "could not decrypt the token file" in logged
    assert planted.token.access_token not in logged


@pytest.mark.parametrize("cut", [1, 40, 200, -2])
async def test_a_truncated_record_is_ignored_without_quoting_its_token(
    fake: FakeWXM, tmp_path: Path, caplog: pytest.LogCaptureFixture, cut: int
) -> None:
    """A record cut short (a disk filled, a copy stopped) is ignored: a login, no token logged."""
    path = tmp_path / "token"
    first = FileTokenStore(path)
    async with store_client(fake, first) as http:
        await http.get("/api/Questions/Active")
    token = first.current()
    assert token is not None
    path.write_bytes(path.read_bytes()[:cut])
    with caplog.at_level(logging.DEBUG):
        async with store_client(fake, FileTokenStore(path)) as http:
            assert (await http.get("/api/Questions/Active")).status_code == 200
    assert fake.logins == 2
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "could not decode the token file" in logged
    assert token.token.access_token not in logged


@pytest.mark.parametrize("path", ["", "/", "token\0file"], ids=["empty", "root", "nul"])
def test_a_path_that_names_no_file_is_a_configuration_error(tmp_path: Path, path: str) -> None:
    """`FileTokenStore("")`, `("/")` or a path with NUL: ConfigurationError, not a raw ValueError."""
    with pytest.raises(ConfigurationError, match="needs the path of a file"):
        FileTokenStore(str(tmp_path / path) if path.startswith("token") else path)


@pytest.mark.parametrize(
    "url", ["not a url", "http://:s3cret@127.0.0.1/", "redis://:s3cret@127.0.0.1:99999/0"]
)
def test_a_bad_redis_url_is_a_configuration_error_without_its_password(url: str) -> None:
    """`RedisTokenStore("http://...")`: ConfigurationError, not redis-py's ValueError."""
    pytest.importorskip("redis")
    with pytest.raises(ConfigurationError, match="Redis URL") as caught:
        RedisTokenStore(url, base_url="https://wxm.test", username=USERNAME)
    assert "s3cret" not in str(caught.value)


def test_a_redis_store_takes_max_failure_window_as_every_store_does() -> None:
    """`RedisTokenStore(max_failure_window=...)` is accepted and checked like the others."""
    pytest.importorskip("redis")
    store = RedisTokenStore(
        "redis://127.0.0.1:9/0",
        base_url="https://wxm.test",
        username=USERNAME,
        failure_window=10,
        max_failure_window=15,
    )
    assert store._local.window.longest == 15
    with pytest.raises(ConfigurationError, match="max_failure_window"):
        RedisTokenStore(
            "redis://127.0.0.1:9/0",
            base_url="https://wxm.test",
            username=USERNAME,
            failure_window=10,
            max_failure_window=5,
        )


# -- Redis: asyncio only (redis-py's asyncio client) ------------------------------------


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Any]:
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_lease_left_without_a_time_to_live_does_not_block_forever(
    fake: FakeWXM, redis_url: str, redis: Any, anyio_backend: str
) -> None:
    """A lease key without expiry (SET without PX by a broken peer) lapses after one lease."""
    base_url = f"https://wxm-{secrets.token_hex(4)}.test"
    async with (
        RedisTokenStore(redis_url, base_url=base_url, username=USERNAME, lease=0.2) as store,
        store_client(fake, store) as http,
    ):
        await redis.set(f"{store.namespace}:lease", "a-crashed-peer")  # no PX
        response = await http.get("/api/Questions/Active")
    assert response.status_code == 200
    assert fake.logins == 1


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_redis_failure_planted_to_last_a_day_is_not_trusted(
    fake: FakeWXM, redis_url: str, redis: Any, anyio_backend: str
) -> None:
    """A failure key whose time to live exceeds the longest window is ignored: a login."""
    base_url = f"https://wxm-{secrets.token_hex(4)}.test"
    async with (
        RedisTokenStore(redis_url, base_url=base_url, username=USERNAME) as store,
        store_client(fake, store) as http,
    ):
        planted = {"version": 1, "failure": failure(until=2e9, since=1.8e9)}
        await redis.set(f"{store.namespace}:failure", json.dumps(planted), px=86_400_000)
        response = await http.get("/api/Questions/Active")
    assert response.status_code == 200
    assert fake.logins == 1


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.parametrize("key", ["token", "failure", "lease"])
async def test_a_redis_key_of_another_type_is_replaced_not_fatal(
    fake: FakeWXM, redis_url: str, redis: Any, anyio_backend: str, key: str
) -> None:
    """A record or lease key holding a list (WRONGTYPE) is ignored and replaced: a login."""
    base_url = f"https://wxm-{secrets.token_hex(4)}.test"
    async with (
        RedisTokenStore(redis_url, base_url=base_url, username=USERNAME, lease=0.2) as store,
        store_client(fake, store) as http,
    ):
        await redis.rpush(f"{store.namespace}:{key}", "not a record")
        response = await http.get("/api/Questions/Active")
    assert response.status_code == 200
    assert fake.logins == 1
