"""Real processes sharing a token store: one login for all, and a killed leader recovered from.

The fake WXM is served on 127.0.0.1 by this process; each worker is a separate Python
process (``tests/stores/fleet_worker.py``) with its own ``WXMAuth``.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import pytest
from anyio.abc import Process
from anyio.streams.buffered import BufferedByteReceiveStream

from wxm_async.testing import FakeWXM, serve

pytestmark = pytest.mark.anyio

WORKER = str(Path(__file__).with_name("fleet_worker.py"))


@pytest.fixture(params=["file", "redis"])
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the workers share their token: a file, or a real Redis."""
    if request.param == "file":
        return f"file:{tmp_path / 'token'}"
    # The keys are namespaced by the fake's base URL, a new port for each test.
    return f"redis:{request.getfixturevalue('redis_url')}"


@asynccontextmanager
async def worker(*args: str) -> AsyncIterator[tuple[Process, BufferedByteReceiveStream]]:
    async with await anyio.open_process([sys.executable, WORKER, *args]) as process:
        assert process.stdout is not None
        try:
            yield process, BufferedByteReceiveStream(process.stdout)
        finally:
            if process.returncode is None:
                process.kill()
            await process.wait()


async def run_storm(spec: str, base_url: str, n: int, *password: str) -> dict[str, int]:
    async with worker("storm", spec, base_url, str(n), *password) as (process, out):
        line = await out.receive_until(b"\n", 10_000)
        assert await process.wait() == 0
    seen: dict[str, int] = json.loads(line)
    return seen


async def test_processes_sharing_a_store_log_in_once(store_spec: str, fake: FakeWXM) -> None:
    """Four processes, 100 concurrent requests each, cold: one login across all of them."""
    async with serve(fake) as base_url:
        results: list[dict[str, int]] = []

        async def one() -> None:
            results.append(await run_storm(store_spec, str(base_url), 100))

        with anyio.fail_after(60):  # a hang guard
            async with anyio.create_task_group() as tg:
                for _ in range(4):
                    tg.start_soon(one)
    assert results == [{"200": 100}] * 4
    assert (fake.login_attempts, fake.logins, fake.denied) == (1, 1, 0)


async def test_a_wrong_password_costs_the_fleet_one_attempt(store_spec: str, fake: FakeWXM) -> None:
    """Four processes with a wrong password, concurrently: one login attempt in total."""
    async with serve(fake) as base_url:
        results: list[dict[str, int]] = []

        async def one() -> None:
            results.append(await run_storm(store_spec, str(base_url), 50, "wrong-password"))

        with anyio.fail_after(60):  # a hang guard
            async with anyio.create_task_group() as tg:
                for _ in range(4):
                    tg.start_soon(one)
    assert results == [{"AuthenticationError": 50}] * 4
    assert (fake.login_attempts, fake.logins) == (1, 0)


async def test_a_killed_login_holder_does_not_block_the_others(
    store_spec: str, fake: FakeWXM
) -> None:
    """A process killed mid-login (holding the lock or lease): the others log in and succeed."""
    async with serve(fake) as base_url:
        with anyio.fail_after(60):  # a hang guard
            async with worker("hold", store_spec, str(base_url)) as (holder, out):
                assert await out.receive_until(b"\n", 100) == b"holding"
                async with anyio.create_task_group() as tg:
                    results: list[dict[str, int]] = []

                    async def storm() -> None:
                        results.append(await run_storm(store_spec, str(base_url), 50))

                    tg.start_soon(storm)
                    holder.send_signal(signal.SIGKILL)
                    assert await holder.wait() == -signal.SIGKILL
    assert results == [{"200": 50}]
    assert fake.logins == 1
