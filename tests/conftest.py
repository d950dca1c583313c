"""Fixtures shared by the tests: the backends, the fake WXM, a clock, a redis-server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, NoReturn

import httpx
import pytest
from attrs import define
from hypothesis import settings

from wxm_async import RetryPolicy, WXMAuth, WXMClient
from wxm_async.stores import TokenStore
from wxm_async.testing import FAKE_PASSWORD, FAKE_USERNAME, WXM_FAKE_URL, FakeWXM, serve

USERNAME = FAKE_USERNAME  # the fake's default account, under the short names tests use
PASSWORD = FAKE_PASSWORD
IN_PROCESS_URL = WXM_FAKE_URL


def store_client(
    fake: FakeWXM,
    store: TokenStore,
    password: str = PASSWORD,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> httpx.AsyncClient:
    """An in-process client on ``fake`` whose ``WXMAuth`` keeps its token in ``store``.

    Several of them on one shared store stand for processes sharing it.
    """
    auth = WXMAuth(USERNAME, password, store=store, clock=clock)
    return httpx.AsyncClient(transport=fake.transport(), base_url=IN_PROCESS_URL, auth=auth)


# Property tests: the same examples on every run by default, so that CI cannot pass or
# fail by chance and a failure reproduces anywhere. HYPOTHESIS_PROFILE=explore draws new,
# random examples, more of them, for a developer hunting for bugs.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=200)
settings.register_profile("explore", deadline=None, max_examples=5_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every async test on asyncio and on trio."""
    return str(request.param)


@define
class ManualClock:
    """A monotonic clock that moves only when a test says so."""

    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake() -> FakeWXM:
    return FakeWXM()


@pytest.fixture
def wxm_fake(fake: FakeWXM) -> FakeWXM:
    """The plugin's fixtures (``wxm_http``, ``wxm_client``) run on the test's ``fake``.

    A module that overrides ``fake`` (a tidy fake, a rate limit) gets them on its own fake.
    """
    return fake


@define
class Server:
    """Where a test's requests go: the fake in process, or on a loopback socket."""

    base_url: httpx.URL
    transport: httpx.AsyncBaseTransport | None

    def client(self, auth: httpx.Auth | None = None, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base_url, transport=self.transport, auth=auth, **kwargs
        )


@pytest.fixture(params=["in-process", "loopback"])
async def server(request: pytest.FixtureRequest, fake: FakeWXM) -> AsyncIterator[Server]:
    """The fake WXM, reached in process through ASGITransport or over 127.0.0.1."""
    if request.param == "in-process":
        yield Server(httpx.URL(IN_PROCESS_URL), fake.transport())
    else:
        async with serve(fake) as base_url:
            yield Server(base_url, None)


@pytest.fixture
def auth() -> WXMAuth:
    return WXMAuth(USERNAME, PASSWORD)


@pytest.fixture
async def client(server: Server) -> AsyncIterator[WXMClient]:
    """A WXMClient on the fake (in process and over loopback), retrying without waits."""
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url=server.base_url,
        transport=server.transport,
        retries=RetryPolicy().without_waiting(),
    ) as client:
        yield client


#: Set (CI does) to turn a missing redis-server or redis-py into a failure, not a skip.
REQUIRE_REDIS = "WXM_REQUIRE_REDIS"


def _redis_unavailable(reason: str) -> NoReturn:
    if os.environ.get(REQUIRE_REDIS) == "1":
        pytest.fail(f"{reason} ({REQUIRE_REDIS}=1 requires the Redis tests to run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real redis-server on 127.0.0.1 at a free port, for the whole session."""
    try:
        import redis  # noqa: F401
    except ImportError:
        _redis_unavailable("redis-py is not installed: pip install -e '.[tests]'")
    binary = shutil.which("redis-server")
    if binary is None:
        _redis_unavailable(
            "redis-server is not installed: `sudo apt-get install redis-server` on "
            "Debian/Ubuntu, `brew install redis` on macOS"
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    drain: threading.Thread | None = None
    try:
        assert process.stdout is not None
        # The server says when it listens; reading its log waits for that, not a timer.
        for line in process.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            pytest.fail(f"redis-server exited with {process.wait()} before accepting connections")
        # Keep reading its log, so that a full pipe never blocks the server.
        drain = threading.Thread(target=process.stdout.read, daemon=True)
        drain.start()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"PING\r\n")
            assert connection.recv(64) == b"+PONG\r\n"
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if drain is not None:
            drain.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
