"""A 401 on an authorized request is replayed once, safely."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
import httpx
import pytest

from wxm_async import RequestNotReplayableError, WXMAuth, WXMError
from wxm_async.stores import CachedToken, LoginTurn, MemoryTokenStore
from wxm_async.testing import FakeWXM

from ..conftest import PASSWORD, USERNAME, Server
from ..helpers import api_with_tokens, is_login, is_probe, recording, storm, token_answer

pytestmark = pytest.mark.anyio


async def test_a_revoked_token_storm_logs_in_once_and_loses_no_request(
    server: Server, fake: FakeWXM
) -> None:
    """N requests meet a revoked token: one new login, zero failures, at most 2 sends each."""
    n = 300
    async with server.client(
        WXMAuth(USERNAME, PASSWORD), limits=httpx.Limits(max_connections=50)
    ) as http:
        await http.get("/api/Profile")
        fake.revoke_all_tokens()
        statuses = await storm(http, n)
    assert statuses == [200] * n
    assert fake.logins == 2
    assert fake.requests["GET /api/Questions/Active"] <= 2 * n
    # Every 401 but the one probe's was a call's.
    assert fake.requests["GET /api/Questions/Active"] == n + fake.denied - 1


async def test_when_wxm_refuses_every_token_a_request_costs_two_logins() -> None:
    """WXM refusing every token, the probe too: a fresh token refused ends it; 401 goes back."""

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer())
        return httpx.Response(
            401, json={"message": "Authorization has been denied for this request."}
        )

    transport, seen = recording(handle)
    auth = WXMAuth("u", "p")
    async with httpx.AsyncClient(transport=transport, auth=auth) as http:
        response = await http.get("https://api.example/x")
    assert response.status_code == 401
    assert response.json() == {"message": "Authorization has been denied for this request."}
    roles = ["login" if is_login(r) else "probe" if is_probe(r) else "call" for r in seen]
    # The second token came from a login begun after the first 401 and WXM accepted
    # nothing since: another login would not help. The call is sent once more, so that
    # the caller gets its own answer rather than the probe's.
    assert roles == ["login", "call", "probe", "login", "call", "probe", "call"]


@dataclass
class LateAnswer:
    """What ``a_late_401`` saw."""

    results: dict[str, int]
    slow_sent_with: list[str]
    token_after: CachedToken | None
    next_status: int
    logins: int


async def a_late_401(*, revoke_t2: bool) -> LateAnswer:
    """``/slow`` is sent with t1 and answered late: after ``/fast`` met t1's 401 and got t2.

    With ``revoke_t2``, WXM revokes t2 before ``/slow``'s 401 arrives, as if the login
    that got t2 had begun before a revocation. Then one more request goes out.
    """
    valid: set[str] = set()
    gate = anyio.Event()
    held = anyio.Event()
    base = api_with_tokens(valid, [token_answer("t1"), token_answer("t2"), token_answer("t3")])
    slow_sent_with: list[str] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/slow":
            slow_sent_with.append(request.headers["authorization"])
            held.set()
            await gate.wait()  # answered only after the other request re-logged in
        return await base(request)

    transport, seen = recording(handle)
    auth = WXMAuth("u", "p")
    async with httpx.AsyncClient(transport=transport, auth=auth) as http:
        await http.get("https://api.example/fast")  # logs in: t1
        valid.clear()  # WXM revokes t1
        results: dict[str, int] = {}

        async def call(path: str) -> None:
            results[path] = (await http.get(f"https://api.example{path}")).status_code

        async with anyio.create_task_group() as tg:
            tg.start_soon(call, "/slow")  # sent with t1, its 401 arrives late
            await held.wait()
            await call("/fast")  # 401, logs in: t2, replayed
            if revoke_t2:
                valid.clear()
            gate.set()
        token_after = auth.store.current()
        next_status = (await http.get("https://api.example/fast")).status_code
    return LateAnswer(
        results, slow_sent_with, token_after, next_status, sum(is_login(r) for r in seen)
    )


async def test_a_late_401_replays_with_the_token_another_request_already_got() -> None:
    """A 401 for an old token, after another request logged in again: no second login."""
    seen = await a_late_401(revoke_t2=False)
    assert seen.results == {"/slow": 200, "/fast": 200}
    assert seen.slow_sent_with == ["Bearer t1", "Bearer t2"]
    assert seen.logins == 2


async def test_revocations_in_a_chain_lose_no_request() -> None:
    """The replay's token is revoked too: the probe finds it dead, one more login, a replay."""
    seen = await a_late_401(revoke_t2=True)
    assert seen.results == {"/slow": 200, "/fast": 200}
    assert seen.slow_sent_with == ["Bearer t1", "Bearer t2", "Bearer t3"]
    assert seen.token_after is not None
    assert seen.next_status == 200
    assert seen.logins == 3


class _TrackedBody(httpx.AsyncByteStream):
    """A 401 body that remembers whether it was closed (its connection released)."""

    def __init__(self) -> None:
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"message": "Authorization has been denied for this request."}'

    async def aclose(self) -> None:
        self.closed = True


class _ClaimCounter(MemoryTokenStore):
    def __init__(self, expected: int) -> None:
        super().__init__()
        self.expected = expected
        self.claims = 0
        self.all_claimed = anyio.Event()

    async def claim(self, stale: CachedToken | None, now: float) -> CachedToken | LoginTurn | None:
        self.claims += 1
        if self.claims == self.expected:
            self.all_claimed.set()
        return await super().claim(stale, now)


async def test_waiting_requests_give_their_connection_back_first() -> None:
    """A 401 is read (its connection released) before its request waits for the login."""
    bodies: list[_TrackedBody] = []
    login_held = anyio.Event()
    release_login = anyio.Event()
    logins = 0
    revoked = False
    all_sent = anyio.Event()

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal logins
        if is_login(request):
            logins += 1
            if logins == 2:
                login_held.set()
                await release_login.wait()
            return httpx.Response(200, json=token_answer(f"t{logins}"))
        if revoked and is_probe(request):
            return httpx.Response(401, json={})
        if revoked and request.headers["authorization"] == "Bearer t1":
            body = _TrackedBody()
            bodies.append(body)
            if len(bodies) == 3:
                all_sent.set()
            await all_sent.wait()  # all three are in flight with t1 before any 401 lands
            return httpx.Response(401, stream=body)
        return httpx.Response(200, json=[])

    store = _ClaimCounter(expected=1 + 3)  # the warm-up, then three 401s
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handle), auth=WXMAuth("u", "p", store=store)
    ) as http:
        await http.get("https://api.example/warm-up-with-t1")
        revoked = True
        with anyio.fail_after(10):  # a guard against a hang, not a wait
            async with anyio.create_task_group() as tg:
                for _ in range(3):
                    tg.start_soon(http.get, "https://api.example/x")
                await login_held.wait()
                await store.all_claimed.wait()
                assert [body.closed for body in bodies] == [True, True, True]
                release_login.set()
    assert logins == 2


@pytest.mark.parametrize(
    "body",
    [
        {"json": {"value": "from json"}},
        {"content": b'{"value": "from bytes"}'},
    ],
    ids=["json", "bytes"],
)
async def test_buffered_bodies_are_replayed_whole(
    server: Server, fake: FakeWXM, body: dict[str, object]
) -> None:
    """A JSON or bytes body survives the replay unchanged."""
    async with server.client(WXMAuth(USERNAME, PASSWORD)) as http:
        await http.get("/api/Profile")
        fake.revoke_all_tokens()
        response = await http.post("/api/UserData/greeting", **body)  # type: ignore[arg-type]
        assert response.status_code == 200
        stored = (await http.get("/api/UserData/greeting")).json()
    assert stored.startswith("from ")
    assert fake.denied == 2  # the call, and the probe that found the token dead


async def test_a_form_body_is_replayed_whole() -> None:
    """A data= (form) body survives the replay unchanged."""
    valid: set[str] = set()
    base = api_with_tokens(valid, [token_answer("t1"), token_answer("t2")])
    received: list[bytes] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/form":
            received.append(b"".join([chunk async for chunk in request.stream]))  # type: ignore[union-attr]
        return await base(request)

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handle), auth=WXMAuth("u", "p")
    ) as http:
        await http.get("https://api.example/warm")
        valid.clear()
        assert (
            await http.post("https://api.example/form", data={"a": "1", "b": "2"})
        ).status_code == 200
    assert received == [b"a=1&b=2", b"a=1&b=2"]


async def test_a_one_shot_stream_body_is_not_replayed(
    fake: FakeWXM, wxm_http: httpx.AsyncClient
) -> None:
    """A 401 on a streamed body raises RequestNotReplayableError instead of sending it empty."""

    async def body() -> AsyncIterator[bytes]:
        yield b'{"value": '
        yield b'"streamed"}'

    await wxm_http.get("/api/Profile")
    fake.revoke_all_tokens()
    with pytest.raises(RequestNotReplayableError, match="its body was a stream") as caught:
        await wxm_http.post("/api/UserData/k", content=body())
    assert isinstance(caught.value, WXMError)
    assert caught.value.request is not None
    assert caught.value.request.url.path == "/api/UserData/k"
    assert "authorization" not in caught.value.request.headers  # a redacted copy
    # The rejected token was dropped: the next request logs in instead of meeting a 401.
    assert (await wxm_http.get("/api/Profile")).status_code == 200
    assert fake.requests["POST /api/UserData/{key}"] == 1
    assert (fake.logins, fake.denied) == (2, 2)  # the call's 401, and the probe's
