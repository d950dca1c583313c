"""RedisTokenStore against a real redis-server: bounded records, TTLs, keys, restarts.

asyncio only: redis-py's asyncio client does not run under trio.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from wxm_async import TokenStoreError, WXMAuth
from wxm_async.stores import RedisTokenStore
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME, ManualClock, store_client
from ..helpers import api_with_tokens, recording, storm, token_answer

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """redis-py's asyncio client: asyncio only."""
    return "asyncio"


def store(redis_url: str, base_url: str, username: str = USERNAME) -> RedisTokenStore:
    return RedisTokenStore(redis_url, base_url=base_url, username=username)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize(
    "data",
    [b"[" * 60_000, b"[" * 100_000],
    ids=["nested", "nested and over 64 KiB"],
)
async def test_a_deep_or_huge_redis_record_is_ignored_with_a_warning(
    redis_url: str,
    base_url: str,
    redis: object,
    fake: FakeWXM,
    caplog: pytest.LogCaptureFixture,
    data: bytes,
) -> None:
    """A record nested past the parser's depth, or over 64 KiB, is ignored; a login replaces it."""
    token_store = store(redis_url, base_url)
    await redis.set(f"{token_store.namespace}:token", data, px=60_000)  # type: ignore[attr-defined]
    async with store_client(fake, token_store) as http:
        assert (await http.get("/api/Profile")).status_code == 200
    await token_store.aclose()
    assert fake.logins == 1
    assert any(
        "could not decode the Redis record" in w or "larger than 65536 bytes" in w
        for w in warnings_of(caplog)
    )


async def test_a_record_over_64_kib_is_not_read_even_if_valid(
    redis_url: str, base_url: str, redis: object, fake: FakeWXM, caplog: pytest.LogCaptureFixture
) -> None:
    """A valid token record padded past 64 KiB is ignored (read no further), and replaced."""
    first = store(redis_url, base_url)
    async with store_client(fake, first) as http:
        await http.get("/api/Profile")
    key = f"{first.namespace}:token"
    record = await redis.get(key)  # type: ignore[attr-defined]
    await redis.set(key, record + b" " * (1024 * 1024), px=60_000)  # type: ignore[attr-defined]
    second = store(redis_url, base_url)
    async with store_client(fake, second) as http:
        assert (await http.get("/api/Profile")).status_code == 200
    assert fake.logins == 2
    assert any("larger than 65536 bytes" in w for w in warnings_of(caplog))
    assert len(await redis.get(key)) < 64 * 1024  # type: ignore[attr-defined]
    await first.aclose()
    await second.aclose()


async def test_a_token_living_1e30_seconds_is_shared(redis_url: str, base_url: str) -> None:
    """expires_in 1e30 is clamped to a TTL Redis takes: the next process adopts the token."""
    forever = token_answer("tok-1", expires_in=1e30)
    del forever[".issued"], forever[".expires"]  # or their 12 hours would bound it
    answers = [forever, token_answer("tok-2")]
    transport, _ = recording(api_with_tokens(set(), answers))
    for _ in range(2):
        token_store = store(redis_url, base_url)
        auth = WXMAuth(USERNAME, PASSWORD, store=token_store)
        async with httpx.AsyncClient(
            transport=transport, base_url=IN_PROCESS_URL, auth=auth
        ) as http:
            assert (await http.get("/api/Profile")).status_code == 200
        await token_store.aclose()
    assert len(answers) == 1  # one login for both


async def test_a_two_factor_code_stays_out_of_keys_repr_and_errors(
    redis_url: str, base_url: str, fake: FakeWXM
) -> None:
    """RedisTokenStore given "user#123456" keys on "user"; the code is in no key, repr or error."""
    token_store = store(redis_url, base_url, username=f"{USERNAME}#123456")
    assert token_store.namespace.endswith(f":{USERNAME}")
    assert "123456" not in repr(token_store)
    assert token_store.namespace == store(redis_url, base_url).namespace
    broken = RedisTokenStore(
        "redis://127.0.0.1:1/0", base_url=base_url, username=f"{USERNAME}#123456"
    )
    async with store_client(fake, broken) as http:
        with pytest.raises(TokenStoreError) as caught:
            await http.get("/api/Profile")
    assert "123456" not in str(caught.value)
    await token_store.aclose()
    await broken.aclose()


class RestartableRedis:
    """A redis-server of this test's own, on a fixed port, that the test can restart."""

    def __init__(self, binary: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._binary = binary
        self._process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                self._binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self._process.stdout is not None
        for line in self._process.stdout:  # its log says when it listens: no timer
            if "Ready to accept connections" in line:
                return
        pytest.fail("redis-server exited before accepting connections")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.communicate(timeout=10)
            self._process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def own_redis(redis_url: str) -> Iterator[RestartableRedis]:
    """A restartable redis-server (``redis_url`` first: it skips without one)."""
    binary = shutil.which("redis-server")
    assert binary is not None
    server = RestartableRedis(binary)
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_after_a_redis_restart_the_store_reconnects(
    own_redis: RestartableRedis, base_url: str, fake: FakeWXM
) -> None:
    """Pooled connections that a Redis restart closed are replaced: the next calls succeed."""
    clock = ManualClock()
    token_store = store(own_redis.url, base_url)
    async with store_client(fake, token_store, clock=clock) as http:
        assert (await storm(http, 5)) == [200] * 5  # several pooled connections
        own_redis.restart()
        clock.advance(fake.token_lifetime)  # the next calls need Redis
        assert (await storm(http, 5)) == [200] * 5
    await token_store.aclose()
    assert fake.logins == 2


async def test_a_refused_write_is_reported_without_the_token_record(
    own_redis: RestartableRedis, fake: FakeWXM, caplog: pytest.LogCaptureFixture
) -> None:
    """When Redis refuses the token's SET, the warning quotes Redis's reason, not the command."""
    from redis.asyncio import Redis

    admin = Redis.from_url(own_redis.url)
    # A user who may read everything but write only the lease and failure keys: the
    # login goes through, and the token's SET is refused (NOPERM).
    await admin.execute_command(  # type: ignore[no-untyped-call]
        "ACL", "SETUSER", "app", "on", ">pw", "%R~*", "~k:https://w:u:lease",
        "~k:https://w:u:failure", "&*", "+@all",
    )  # fmt: skip
    await admin.aclose()
    url = own_redis.url.replace("redis://", "redis://app:pw@")
    token_store = RedisTokenStore(url, base_url="https://w", username="u", key_prefix="k")
    async with store_client(fake, token_store) as http:
        assert (await http.get("/api/Profile")).status_code == 200
    token = token_store.current()
    assert token is not None
    await token_store.aclose()
    logged = warnings_of(caplog)
    assert any("could not store the token" in w and "permission" in w for w in logged)
    assert not any(token.token.access_token[:6] in w or "access_token" in w for w in logged)
