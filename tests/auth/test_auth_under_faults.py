"""Faults injected through the fake WXM and the transport: no deadlock, no lost request.

After each fault: every request returns or raises (a library error, or httpx's own for
its transport failures), a later request succeeds, and no token generation costs more
than one login, besides logins the fault itself abandoned after WXM had answered.
anyio.fail_after is a guard against a deadlock, never a wait.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import anyio
import httpx
import pytest

from wxm_async import DecodeError, ServerError, WXMAuth, WXMError
from wxm_async.stores import CachedToken, LoginTurn, MemoryTokenStore
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME
from ..helpers import is_login, outcomes

pytestmark = pytest.mark.anyio

#: Requests in each storm.
N = 30
GUARD = 10  # seconds before a hang fails the test


async def _storm(http: httpx.AsyncClient, n: int) -> list[BaseException | int]:
    with anyio.fail_after(GUARD):
        return await outcomes(http, n)


def _client(transport: httpx.AsyncBaseTransport, auth: WXMAuth) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=transport, base_url=IN_PROCESS_URL, auth=auth)


# -- logins that fail -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "raw", "error"),
    [
        (503, {"message": "down for maintenance"}, None, ServerError),
        (502, None, b"<html><body>Bad gateway</body></html>", ServerError),
        (200, None, b"\x00\xffnot json at all", DecodeError),
        (200, {"token_type": "bearer", "expires_in": 3600}, None, DecodeError),
    ],
    ids=["503-json", "502-html", "200-garbage", "200-no-token"],
)
async def test_a_storm_meeting_a_failed_login_fails_once_together_then_recovers(
    fake: FakeWXM,
    status: int,
    body: object,
    raw: bytes | None,
    error: type[WXMError],
    wxm_http: httpx.AsyncClient,
) -> None:
    """A 5xx or garbage login answer: one attempt, every waiting request gets the error."""
    fake.fail_next_logins(1, status=status, body=body, raw=raw)
    pause = fake.pause_logins()  # hold the failing login until all N wait on it
    async with anyio.create_task_group() as tg:
        tg.start_soon(_release_when_blocked, pause.release)
        results = await _storm(wxm_http, N)
    assert [type(r) for r in results] == [error] * N
    assert fake.login_attempts == 1
    assert (await wxm_http.get("/api/Profile")).status_code == 200
    assert (fake.login_attempts, fake.logins) == (2, 1)
    assert fake.requests["GET /api/Profile"] == 1


async def _release_when_blocked(release: Callable[[], None]) -> None:
    await anyio.wait_all_tasks_blocked()
    release()


class _LoginFails(httpx.AsyncBaseTransport):
    """Passes requests to the fake; the first login fails in transport, once the others wait.

    ``reach_server``: the login reaches WXM (which answers) before the failure, as a
    read timeout or a dropped connection would; otherwise it never gets there.
    """

    def __init__(
        self, fake: FakeWXM, fail: Callable[[httpx.Request], Exception], *, reach_server: bool
    ) -> None:
        self._inner = fake.transport()
        self._fail = fail
        self._reach_server = reach_server
        self.failed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not is_login(request) or self.failed:
            return await self._inner.handle_async_request(request)
        self.failed = True
        await anyio.wait_all_tasks_blocked()  # every other request now waits on this login
        if self._reach_server:
            await (await self._inner.handle_async_request(request)).aread()
        raise self._fail(request)


@pytest.mark.parametrize(
    ("fail", "reach_server"),
    [
        (lambda r: httpx.ConnectError("connection refused", request=r), False),
        (lambda r: httpx.ConnectTimeout("timed out connecting", request=r), False),
        (lambda r: httpx.ReadTimeout("timed out waiting for the answer", request=r), True),
        (lambda r: httpx.RemoteProtocolError("server disconnected", request=r), True),
    ],
    ids=["connect-error", "connect-timeout", "read-timeout", "connection-dropped"],
)
async def test_a_login_failing_in_transport_fails_its_sender_and_the_others_log_in_again(
    fake: FakeWXM, fail: Callable[[httpx.Request], Exception], reach_server: bool
) -> None:
    """Only the login's sender gets httpx's error; the waiters retry with one new login."""
    transport = _LoginFails(fake, fail, reach_server=reach_server)
    async with _client(transport, WXMAuth(USERNAME, PASSWORD)) as http:
        results = await _storm(http, N)
        assert (await http.get("/api/Profile")).status_code == 200
    errors = [r for r in results if isinstance(r, BaseException)]
    assert [type(e) for e in errors] == [type(fail(httpx.Request("GET", IN_PROCESS_URL)))]
    assert results.count(200) == N - 1
    assert fake.logins == 1 + reach_server  # the abandoned login's token is never used
    assert fake.login_attempts == 1 + reach_server


# -- 401s arriving while a login is in flight ---------------------------------------------


class _HoldAnswers(httpx.AsyncBaseTransport):
    """Holds API requests sent with the revoked token until ``gate``; counts the 401s."""

    def __init__(self, fake: FakeWXM, expected_401s: int) -> None:
        self._inner = fake.transport()
        self.holding = False
        self.gate = anyio.Event()
        self.held = 0
        self.all_held = anyio.Event()
        self.unauthorized = 0
        self.all_unauthorized = anyio.Event()
        self._expected = expected_401s

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.holding and not is_login(request) and not self.gate.is_set():
            self.held += 1
            if self.held == self._expected:
                self.all_held.set()
            await self.gate.wait()
        response = await self._inner.handle_async_request(request)
        if response.status_code == 401:
            self.unauthorized += 1
            if self.unauthorized == self._expected:
                self.all_unauthorized.set()
        return response


@pytest.mark.parametrize("login_fails", [False, True], ids=["login-succeeds", "login-fails"])
async def test_401s_arriving_during_the_login_share_it(fake: FakeWXM, login_fails: bool) -> None:
    """N requests in flight with a revoked token: their 401s land mid-login; one login serves all."""
    transport = _HoldAnswers(fake, expected_401s=N)
    async with _client(transport, WXMAuth(USERNAME, PASSWORD)) as http:
        assert (await http.get("/api/Profile")).status_code == 200
        fake.revoke_all_tokens()
        pause = fake.pause_logins()
        if login_fails:
            fake.fail_next_logins(1, status=503, body={"message": "down"})
        transport.holding = True
        results: list[BaseException | int] = []

        async def requests() -> None:
            results.extend(await _storm(http, N))

        with anyio.fail_after(GUARD):
            async with anyio.create_task_group() as tg:
                tg.start_soon(requests)
                await transport.all_held.wait()  # all N are on the wire with the old token
                transport.gate.set()
                await pause.arrived.wait()  # the first 401 started the login...
                await transport.all_unauthorized.wait()  # ...and all 401s landed during it
                assert fake.login_attempts == 2
                pause.release()
        if login_fails:
            assert [type(r) for r in results] == [ServerError] * N
        else:
            assert results == [200] * N
        assert (await http.get("/api/Profile")).status_code == 200
    assert (
        fake.login_attempts == 2 + login_fails
    )  # warm-up, the shared one, the retry after a failure
    assert fake.denied == N + 1  # and the one probe that found the token dead
    assert fake.requests["GET /api/Profile"] == 1 + N + 1 + (0 if login_fails else N) + 1


# -- cancellation at every await point of the auth flow ----------------------------------


class _Points:
    """Where to cancel the leading request, and the scope it runs in."""

    def __init__(self, point: str) -> None:
        self.point = point
        self.scope = anyio.CancelScope()
        self.fired = False
        self.api_sends = 0
        self.start_others: Callable[[], None] = lambda: None

    async def fire(self, *, checkpoint: bool = True) -> None:
        """Start the other requests and let them queue up, then cancel the leader here."""
        self.fired = True
        self.start_others()
        await anyio.wait_all_tasks_blocked()
        self.scope.cancel()
        if checkpoint:
            await anyio.lowlevel.checkpoint()


class _CancelWhileRead(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, points: _Points) -> None:
        self._inner = inner
        self._points = points

    async def __aiter__(self) -> AsyncIterator[bytes]:
        await self._points.fire()
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class _CancellingTransport(httpx.AsyncBaseTransport):
    def __init__(self, fake: FakeWXM, points: _Points) -> None:
        self._inner = fake.transport()
        self._points = points

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await anyio.lowlevel.checkpoint()  # as any real transport: in process, nothing waits
        p = self._points
        if not p.fired and p.point == "login send" and is_login(request):
            await p.fire()
        if not p.fired and not is_login(request):
            p.api_sends += 1
            fire_at = {("send", 1), ("send after login", 1), ("probe send", 2), ("replay send", 3)}
            if (p.point, p.api_sends) in fire_at:
                await p.fire()
        response = await self._inner.handle_async_request(request)
        reading = (p.point == "login read" and is_login(request)) or (
            p.point == "401 read" and response.status_code == 401
        )
        if not p.fired and reading:
            assert isinstance(response.stream, httpx.AsyncByteStream)
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                stream=_CancelWhileRead(response.stream, p),
                extensions=response.extensions,
            )
        return response


class _CancellingStore(MemoryTokenStore):
    def __init__(self, points: _Points) -> None:
        super().__init__()
        self._points = points

    async def claim(self, stale: CachedToken | None, now: float) -> CachedToken | LoginTurn | None:
        if not self._points.fired and self._points.point == "claim":
            await self._points.fire(checkpoint=False)  # the lock's checkpoint sees it
        return await super().claim(stale, now)

    async def settle(
        self,
        turn: LoginTurn,
        outcome: CachedToken | WXMError | None,
        *,
        remember: bool = True,
        rejections: int | None = None,
    ) -> None:
        if not self._points.fired and self._points.point == "settle":
            await self._points.fire()  # shielded by the auth: settle still completes
        await super().settle(turn, outcome, remember=remember, rejections=rejections)


#: Each await point, whether the token is warm (and revoked) when the leader starts, and
#: how many logins the fake may see in all, warm-up included.
POINTS = {
    "send": (True, False, 1),  # the fast path's send
    "401 read": (True, True, 2),  # reading the 401 before the replay
    "claim": (False, False, 1),  # the store's lock
    "login send": (False, False, 1),  # the login on the wire, before WXM has it
    "login read": (False, False, 2),  # reading the login's answer: WXM issued a token
    "settle": (False, False, 1),  # recording the outcome (shielded)
    "send after login": (False, False, 1),  # the send with the new token
    "probe send": (True, True, 2),  # the probe of the token that met 401
    "replay send": (True, True, 2),  # the replay after a 401, a probe and a new login
}


@pytest.mark.parametrize("point", list(POINTS))
async def test_cancelling_the_leader_at_each_await_point_strands_nobody(
    fake: FakeWXM, point: str
) -> None:
    """Cancel at any await point: the others and a later request succeed; logins stay bounded."""
    warm, revoke, max_logins = POINTS[point]
    points = _Points(point)
    if warm:
        points.fired = True  # not during the warm-up
    auth = WXMAuth(USERNAME, PASSWORD, store=_CancellingStore(points))
    async with _client(_CancellingTransport(fake, points), auth) as http:
        if warm:
            assert (await http.get("/api/Profile")).status_code == 200
            points.fired = False
        if revoke:
            fake.revoke_all_tokens()
        statuses: list[int] = []

        async def leader() -> None:
            with points.scope:
                statuses.append((await http.get("/api/Profile")).status_code)

        async def other() -> None:
            statuses.append((await http.get("/api/Profile")).status_code)

        with anyio.fail_after(GUARD):
            async with anyio.create_task_group() as tg:

                def start_others() -> None:
                    for _ in range(5):
                        tg.start_soon(other)

                points.start_others = start_others
                tg.start_soon(leader)
            assert (await http.get("/api/Profile")).status_code == 200
    assert points.fired
    assert points.scope.cancelled_caught
    assert statuses == [200] * 5  # the leader's request was cancelled, nobody else's
    assert fake.logins <= max_logins


async def test_cancelling_a_request_waiting_for_the_login_leaves_the_login_alone(
    fake: FakeWXM, wxm_http: httpx.AsyncClient
) -> None:
    """A waiter cancelled while the login is in flight: the login and the others go on."""
    pause = fake.pause_logins()
    statuses: list[int] = []
    waiter = anyio.CancelScope()

    async def call(scope: anyio.CancelScope | None = None) -> None:
        with scope or anyio.CancelScope():
            statuses.append((await wxm_http.get("/api/Profile")).status_code)

    with anyio.fail_after(GUARD):
        async with anyio.create_task_group() as tg:
            tg.start_soon(call)
            await pause.arrived.wait()  # the first request is logging in
            tg.start_soon(call, waiter)
            tg.start_soon(call)
            await anyio.wait_all_tasks_blocked()  # both wait on the login
            waiter.cancel()
            await anyio.wait_all_tasks_blocked()
            pause.release()
    assert (await wxm_http.get("/api/Profile")).status_code == 200
    assert waiter.cancelled_caught
    assert statuses == [200, 200]
    assert fake.logins == 1
