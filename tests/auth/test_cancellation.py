"""Cancelling the request that logs in never strands the others."""

from __future__ import annotations

import anyio
import httpx
import pytest

from wxm_async.testing import FakeWXM

pytestmark = pytest.mark.anyio


async def test_cancelling_the_login_leader_lets_another_request_log_in(
    fake: FakeWXM, wxm_http: httpx.AsyncClient
) -> None:
    """The leader is cancelled mid-login; one of the waiting requests logs in for all."""
    pause = fake.pause_logins()
    statuses: list[int] = []

    async def call() -> None:
        statuses.append((await wxm_http.get("/api/Profile")).status_code)

    with anyio.fail_after(10):  # a guard against a deadlock, not a wait
        async with anyio.create_task_group() as tg:
            leader_scope = anyio.CancelScope()
            tg.start_soon(_in_scope, leader_scope, call)
            await pause.arrived.wait()  # the leader is inside its login
            for _ in range(20):
                tg.start_soon(call)
            await anyio.lowlevel.checkpoint()
            leader_scope.cancel()
            pause.release()
    assert statuses == [200] * 20
    assert fake.logins == 1  # the cancelled login never completed


async def _in_scope(scope: anyio.CancelScope, call: object) -> None:
    with scope:
        await call()  # type: ignore[operator]


async def test_a_timeout_on_the_leader_does_not_deadlock_later_requests(
    fake: FakeWXM, wxm_http: httpx.AsyncClient
) -> None:
    """fail_after on the leader's request: later requests still get a token."""
    pause = fake.pause_logins()
    with anyio.move_on_after(0) as scope:  # already expired: cancelled at the first wait
        await wxm_http.get("/api/Profile")
    assert scope.cancelled_caught
    pause.release()
    with anyio.fail_after(10):
        assert (await wxm_http.get("/api/Profile")).status_code == 200
    assert fake.logins == 1
