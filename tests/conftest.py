"""Fixtures shared by the tests: the backends, the fake WXM, a clock that tests move."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from attrs import define
from hypothesis import settings

from wxm_async import WXMAuth
from wxm_async.testing import FakeWXM, serve

USERNAME = "demo"
PASSWORD = "demo-password"  # the fake's default account
IN_PROCESS_URL = "https://wxm.test"

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
