"""WXMAuth keeps its promises against broken and hostile servers and careless callers.

No secret escapes on any failure path; the password goes only to the token URL; a token
answer is checked before it is trusted; a wrong password cannot lock the account; and
every 401 is recovered inside the auth, for plain httpx users too.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

from wxm_async import (
    AuthenticationError,
    ConfigurationError,
    RetryPolicy,
    WXMAuth,
    WXMClient,
    WXMError,
)
from wxm_async.events import Event
from wxm_async.testing import WXM_FAKE_URL, FakeWXM

from ..conftest import PASSWORD, USERNAME
from ..helpers import is_login, is_probe, recording, token_answer

pytestmark = pytest.mark.anyio

SECRET = "hunter2-S3CRET"
TOKEN = "tok-SECRET-abc"


def _texts(obj: object, seen: set[int], depth: int = 0) -> list[str]:
    """Everything an exception (or what it holds) lets a caller read, as text."""
    if id(obj) in seen or depth > 12 or obj is None:
        return []
    seen.add(id(obj))
    found = [repr(obj)]
    if isinstance(obj, BaseException):
        found.append(str(obj))
        for part in (*obj.args, obj.__cause__, obj.__context__, *getattr(obj, "__notes__", [])):
            found += _texts(part, seen, depth + 1)
        for sub in getattr(obj, "exceptions", ()):
            found += _texts(sub, seen, depth + 1)
        for value in vars(obj).values():
            found += _texts(value, seen, depth + 1)
    elif isinstance(obj, httpx.Request):
        found += [str(obj.url), repr(obj.headers.multi_items())]
        found.append(repr(vars(obj)))  # the body as httpx keeps it, read or not
        found.append(repr(vars(obj.stream)) if hasattr(obj.stream, "__dict__") else "")
    elif isinstance(obj, httpx.Response):
        found += [repr(obj.headers.multi_items()), repr(vars(obj))]
        found += _texts(obj.request, seen, depth + 1)
    elif isinstance(obj, dict | list | tuple):
        for value in obj.values() if isinstance(obj, dict) else obj:
            found += _texts(value, seen, depth + 1)
    return found


def assert_no_secret(
    error: BaseException,
    caplog: pytest.LogCaptureFixture,
    *secrets: str,
    events: Sequence[Event] = (),
) -> None:
    """Neither the error (recursively), any log record nor any event holds a secret."""
    texts = _texts(error, set()) + [r.getMessage() for r in caplog.records]
    texts += [repr(r.args) for r in caplog.records]
    texts += [repr(event) for event in events]
    for secret in (SECRET, TOKEN, *secrets):
        leaks = [t for t in texts if secret in t]
        assert not leaks, f"{secret!r} leaked: {leaks[0][:300]}"


def _failing_login(kind: str) -> Callable[[httpx.Request], Any]:
    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            if kind == "refused":
                raise httpx.ConnectError("connection refused", request=request)
            if kind == "timeout":
                raise httpx.ReadTimeout("timed out", request=request)
            if kind == "reset":
                raise httpx.RemoteProtocolError("peer closed mid-answer", request=request)
            if kind == "malformed":
                body = b'{"access_token": "' + TOKEN.encode() + b'", "expires_in": }'
                return httpx.Response(200, content=body)
            if kind == "unsendable":
                return httpx.Response(200, json=token_answer(TOKEN + "\r\nX: 1"))
            if kind == "5xx":
                return httpx.Response(503, json={"message": SECRET[:3]})
            if kind == "rejected":
                return httpx.Response(400, json={"error": "invalid_grant"})
            if kind == "two-factor":
                return httpx.Response(400, json={"error": "two_factor"})
            return httpx.Response(200, json=token_answer(TOKEN))
        return httpx.Response(401, json={"message": "Authorization has been denied"})

    return handle


LOGIN_FAILURES = [
    "refused",
    "timeout",
    "reset",
    "malformed",
    "unsendable",
    "5xx",
    "rejected",
    "two-factor",
    "401-after-replay",
]


@pytest.mark.parametrize("kind", LOGIN_FAILURES)
@pytest.mark.parametrize("through", ["httpx", "client"])
async def test_no_secret_escapes_on_any_failure_path(
    kind: str, through: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Each way a login or call can fail: no password, code or token in the error, logs or events."""
    caplog.set_level(logging.DEBUG)
    transport = httpx.MockTransport(_failing_login(kind))
    events: list[Event] = []
    auth = WXMAuth("u#123456", SECRET, on_event=events.append)
    caught: BaseException
    if through == "httpx":
        async with httpx.AsyncClient(transport=transport, auth=auth) as http:
            try:
                response = await http.get("https://wxm.test/api/Profile")
            except Exception as error:  # what the caller sees, whatever it is
                caught = error
            else:
                assert response.status_code == 401
                caught = httpx.HTTPStatusError("x", request=response.request, response=response)
                caught = WXMError("placeholder", request=None)  # response.request is httpx's own
    else:
        async with WXMClient(
            auth=auth,
            base_url="https://wxm.test",
            transport=transport,
            retries=RetryPolicy.off(),
            on_event=events.append,
        ) as client:
            with pytest.raises(WXMError) as info:
                await client.account.profile()
            caught = info.value
    assert any(type(event).__name__.startswith("Login") for event in events)  # seen
    assert_no_secret(caught, caplog, "123456", events=events)


async def test_a_login_without_answer_names_the_login_not_the_call() -> None:
    """WXMClient's connection error for a login names the login, and holds no body."""
    transport = httpx.MockTransport(_failing_login("refused"))
    async with WXMClient(
        auth=WXMAuth("u", SECRET),
        base_url="https://wxm.test",
        transport=transport,
        retries=RetryPolicy.off(),
    ) as client:
        with pytest.raises(WXMError) as caught:
            await client.account.profile()
    assert "the login (POST https://wxm.test/api/LoginToken)" in str(caught.value)
    assert caught.value.request is not None
    assert caught.value.request.url.path == "/api/LoginToken"


async def test_a_refused_connection_leaves_no_password_in_httpx_errors() -> None:
    """A real refused port: httpx.ConnectError.request no longer holds the form body."""
    with socket_closed_port() as port:
        async with httpx.AsyncClient(auth=WXMAuth("u", SECRET)) as http:
            with pytest.raises(httpx.ConnectError) as caught:
                await http.get(f"http://127.0.0.1:{port}/api/Profile")
    request = caught.value.request
    with pytest.raises(httpx.RequestNotRead):
        _ = request.content
    assert SECRET not in repr(vars(request)) + repr(vars(request.stream))


class socket_closed_port:
    """A loopback port with nothing listening."""

    def __enter__(self) -> int:
        import socket

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = int(sock.getsockname()[1])
        sock.close()
        return self.port

    def __exit__(self, *exc: object) -> None:
        return None


async def test_a_failed_call_loses_its_authorization_header() -> None:
    """A call whose send fails in transport: the exception's request has no token."""

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer(TOKEN))
        raise httpx.ReadTimeout("slow", request=request)

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handle), auth=WXMAuth("u", SECRET)
    ) as http:
        with pytest.raises(httpx.ReadTimeout) as caught:
            await http.get("https://wxm.test/api/Profile")
    assert "authorization" not in caught.value.request.headers


def _redirecting_app(status: int, received: list[tuple[str, bytes]]) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        host = dict(scope["headers"]).get(b"host", b"").decode()
        received.append((f"{scope['method']} {host}{scope['path']}", body))
        if scope["path"].endswith("/LoginToken") and host == "wxm.test":
            headers = [(b"location", b"https://evil.example/steal?x=1")]
            await send({"type": "http.response.start", "status": status, "headers": headers})
        else:
            await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("follow", [True, False])
async def test_a_redirected_login_never_sends_the_password_elsewhere(
    status: int, follow: bool
) -> None:
    """Whatever the client's redirect setting, the password reaches the token URL only."""
    received: list[tuple[str, bytes]] = []
    transport = httpx.ASGITransport(app=_redirecting_app(status, received))
    async with httpx.AsyncClient(
        transport=transport, auth=WXMAuth("u", SECRET), follow_redirects=follow
    ) as http:
        with pytest.raises(ConfigurationError, match="redirected") as caught:
            await http.get("https://wxm.test/api/Profile")
    assert "evil.example" in str(caught.value) or not follow or status in (307, 308)
    assert "x=1" not in str(caught.value)
    for where, body in received:
        if not where.startswith("POST wxm.test"):
            assert SECRET.encode() not in body, where


async def test_the_login_goes_below_the_gateway_prefix() -> None:
    """A base URL with a path: the login goes to <prefix>/api/LoginToken; relative token_url too."""
    transport, seen = recording(_failing_login("ok"))
    async with WXMClient(
        auth=WXMAuth("u", SECRET),
        base_url="https://gw.example/wxm",
        transport=transport,
        retries=RetryPolicy.off(),
    ) as client:
        with pytest.raises(WXMError):
            await client.account.profile()
    assert str(seen[0].url) == "https://gw.example/wxm/api/LoginToken"
    assert seen[1].url.path == "/wxm/api/Profile"
    transport, seen = recording(_failing_login("ok"))
    auth = WXMAuth("u", SECRET, token_url="/auth/api/LoginToken")
    async with httpx.AsyncClient(transport=transport, auth=auth) as http:
        await http.get("https://gw.example/wxm/api/Profile")
    assert str(seen[0].url) == "https://gw.example/auth/api/LoginToken"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://wxm.example/api/Profile", False),
        ("http://10.0.0.8/api/Profile", False),
        ("http://127.0.0.5/api/Profile", True),
        ("http://[::1]/api/Profile", True),
        ("http://localhost/api/Profile", True),
        ("https://wxm.example/api/Profile", True),
    ],
)
async def test_the_password_is_never_sent_in_clear_over_a_network(url: str, allowed: bool) -> None:
    """Plain http:// to a host that is not loopback is refused before anything is sent."""
    transport, seen = recording(_failing_login("ok"))
    async with httpx.AsyncClient(transport=transport, auth=WXMAuth("u", SECRET)) as http:
        if allowed:
            await http.get(url)
            assert is_login(seen[0])
        else:
            with pytest.raises(ConfigurationError, match="in clear"):
                await http.get(url)
            assert seen == []
    if not allowed:
        insecure = WXMAuth("u", SECRET, allow_insecure_http=True)
        async with httpx.AsyncClient(transport=transport, auth=insecure) as http:
            await http.get(url)
        assert is_login(seen[0])


async def test_the_login_carries_the_clients_headers_but_no_credentials() -> None:
    """A gateway key travels with the login; cookies and Authorization never; none elsewhere."""
    transport, seen = recording(_failing_login("ok"))
    headers = {"X-Gateway-Key": "gw", "Cookie": "c=1", "User-Agent": "app/1"}
    async with httpx.AsyncClient(
        transport=transport, auth=WXMAuth("u", SECRET), headers=headers
    ) as http:
        await http.get("https://wxm.test/api/Profile")
    login = seen[0]
    assert login.headers["x-gateway-key"] == "gw"
    assert login.headers["user-agent"] == "app/1"
    assert "cookie" not in login.headers
    assert "authorization" not in login.headers
    transport, seen = recording(_failing_login("ok"))
    auth = WXMAuth("u", SECRET, token_url="https://login.example/api/LoginToken")
    async with httpx.AsyncClient(transport=transport, auth=auth, headers=headers) as http:
        await http.get("https://wxm.test/api/Profile")
    assert "x-gateway-key" not in seen[0].headers
    assert seen[0].headers["user-agent"] == "app/1"


async def test_an_unusable_token_is_never_stored() -> None:
    """A token that cannot be sent as a header is a DecodeError, and not kept."""
    auth = WXMAuth("u", SECRET)
    transport = httpx.MockTransport(_failing_login("unsendable"))
    async with httpx.AsyncClient(transport=transport, auth=auth) as http:
        with pytest.raises(WXMError, match="cannot be sent in a header"):
            await http.get("https://wxm.test/api/Profile")
    assert auth.store.current() is None


@pytest.mark.parametrize("leeway", [math.nan, math.inf, -1.0])
def test_a_refresh_leeway_must_be_a_finite_number(leeway: float) -> None:
    """refresh_leeway NaN, infinite or negative is a ConfigurationError naming it."""
    with pytest.raises(ConfigurationError, match="refresh_leeway"):
        WXMAuth("u", "p", refresh_leeway=leeway)


async def test_a_401_whose_body_never_ends_does_not_hang_the_auth() -> None:
    """client.stream() meeting an endless 401 body: closed, not read; the replay goes out."""
    tokens = iter(["t1", "t2"])

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"x" * 1024
            await anyio.lowlevel.checkpoint()

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer(next(tokens)))
        if is_probe(request) or request.headers["authorization"] == "Bearer t1":
            return httpx.Response(401, stream=_Endless(endless()))
        return httpx.Response(200, json={})

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handle), auth=WXMAuth("u", "p")
    ) as http:
        with anyio.fail_after(10):  # a guard against a hang, not a wait
            async with http.stream("GET", "https://wxm.test/api/Profile") as response:
                assert response.status_code == 200


class _Endless(httpx.AsyncByteStream):
    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            yield chunk


async def test_a_wrong_password_cannot_lock_the_account(fake: FakeWXM) -> None:
    """50 requests in a row with a wrong password: one login attempt, 50 AuthenticationErrors."""
    auth = WXMAuth(USERNAME, "wrong-" + PASSWORD)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=WXM_FAKE_URL, auth=auth
    ) as http:
        for _ in range(50):
            with pytest.raises(AuthenticationError):
                await http.get("/api/Profile")
    assert fake.login_attempts == 1
    # The credentials work again (say the account was unlocked): the caller clears it.
    good = WXMAuth(USERNAME, PASSWORD)  # another auth is never held back
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=WXM_FAKE_URL, auth=good
    ) as http:
        assert (await http.get("/api/Profile")).status_code == 200


async def test_the_failure_window_grows_resets_and_can_be_cleared(fake: FakeWXM) -> None:
    """Rejections in a row double the window; clear_login_failure() ends it at once."""
    from ..conftest import ManualClock

    clock = ManualClock()
    auth = WXMAuth(USERNAME, "wrong", clock=clock)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=WXM_FAKE_URL, auth=auth
    ) as http:
        for expected_logins, advance in [(1, 29.0), (1, 2.0), (2, 59.0), (2, 2.0), (3, 0.0)]:
            with pytest.raises(AuthenticationError):
                await http.get("/api/Profile")
            assert fake.login_attempts == expected_logins
            clock.now += advance
        auth.clear_login_failure()
        with pytest.raises(AuthenticationError):
            await http.get("/api/Profile")
        assert fake.login_attempts == 4


async def test_an_endpoint_refusing_every_token_costs_no_logins(fake: FakeWXM) -> None:
    """1,000 calls at once to an endpoint that 401s live tokens: one probe, no extra login.

    The request that probed is sent once more, so that it answers with its own 401.
    """
    refused = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal refused
        if request.url.path == "/api/Refused":
            refused += 1
            return httpx.Response(401, json={"message": "Authorization has been denied"})
        return await fake.transport().handle_async_request(request)

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handle),
        base_url="https://wxm.test",
        auth=WXMAuth(USERNAME, PASSWORD),
    ) as http:
        await http.get("/api/Profile")
        statuses: list[int] = []

        async def call() -> None:
            statuses.append((await http.get("/api/Refused")).status_code)

        async with anyio.create_task_group() as tg:
            for _ in range(1000):
                tg.start_soon(call)
        for _ in range(20):
            await call()
    assert statuses == [401] * 1020
    assert fake.logins == 1
    assert refused == 1021
    assert fake.requests["GET /api/Profile"] == 2  # the warm-up, and one probe


def test_one_auth_works_under_asyncio_then_trio() -> None:
    """One WXMAuth used on asyncio, then on trio, then asyncio again (pytest-style sessions)."""
    fake = FakeWXM()
    auth = WXMAuth(USERNAME, PASSWORD)

    async def use() -> int:
        async with httpx.AsyncClient(
            transport=fake.transport(), base_url=WXM_FAKE_URL, auth=auth
        ) as http:
            fake.revoke_all_tokens()  # every run goes through the store's slow path
            return (await http.get("/api/Profile")).status_code

    for backend in ["asyncio", "trio", "asyncio"]:
        assert anyio.run(use, backend=backend) == 200


class _BrokenBody(httpx.AsyncByteStream):
    """A body that sends a little, then fails (reset) or stalls forever."""

    def __init__(self, how: str) -> None:
        self.how = how

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{"
        if self.how == "reset":
            raise httpx.ReadError("connection reset mid-body")
        await anyio.Event().wait()  # a server that stops sending (never set)


@pytest.mark.parametrize("how", ["reset"])
@pytest.mark.parametrize("where", ["call", "probe"])
async def test_a_401_cut_off_mid_body_leaves_no_token_in_the_error(how: str, where: str) -> None:
    """Reading a 401 (or the probe's answer) fails: no request in the error holds the token."""

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer(TOKEN))
        if is_probe(request) == (where == "probe"):
            return httpx.Response(401, headers={"Content-Length": "100"}, stream=_BrokenBody(how))
        return httpx.Response(401, json={})

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handle), auth=WXMAuth("u", SECRET)
    ) as http:
        with pytest.raises(httpx.HTTPError) as caught:
            await http.get("https://wxm.test/api/Questions/Active")
    assert TOKEN not in " ".join(_texts(caught.value, set()))


async def test_a_401_body_that_stalls_is_given_up_on() -> None:
    """A 401 announcing 60,000 bytes that never come: the auth stops reading, and replays."""
    tokens = iter(["t1", "t2"])

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer(next(tokens)))
        if is_probe(request):
            return httpx.Response(401, json={})
        if request.headers["authorization"] == "Bearer t1":
            return httpx.Response(
                401, headers={"Content-Length": "60000"}, stream=_BrokenBody("stall")
            )
        return httpx.Response(200, json={})

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handle), auth=WXMAuth("u", "p")
    ) as http:
        with anyio.fail_after(20):  # a guard against a hang, not a wait
            assert (await http.get("https://wxm.test/api/Profile")).status_code == 200


async def test_a_probe_that_cannot_tell_leaves_the_401_and_logs_in_no_more() -> None:
    """The probe answered 503 (WXM busy): the 401 stands, no login on a guess."""
    logins = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal logins
        if is_login(request):
            logins += 1
            return httpx.Response(200, json=token_answer(f"t{logins}"))
        if is_probe(request):
            return httpx.Response(503, json={})
        return httpx.Response(401, json={"message": "denied"})

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handle), auth=WXMAuth("u", "p")
    ) as http:
        for _ in range(20):
            response = await http.get("https://wxm.test/api/Refused")
            assert response.status_code == 401
            assert response.json() == {"message": "denied"}  # its own answer, not the probe's
    assert logins == 1


async def test_the_login_answer_does_not_stay_in_the_response_history() -> None:
    """Httpx keeps the flow's answers in response.history: the login's holds no token."""
    transport, _ = recording(_failing_login("ok"))
    async with httpx.AsyncClient(transport=transport, auth=WXMAuth("u", SECRET)) as http:
        response = await http.get("https://wxm.test/api/Profile")
    assert response.history  # the login's answer is there, as httpx keeps it
    for earlier in response.history:
        assert TOKEN.encode() not in earlier.content


def test_reprs_hold_no_two_factor_code() -> None:
    """What a traceback with locals shows of the auth: no password, no two-factor code."""
    auth = WXMAuth("u#987654", SECRET)
    shown = repr(auth) + repr(vars(auth))
    assert "987654" not in shown
    assert SECRET not in shown


@pytest.mark.parametrize("lifetime", [10**400, -(10**400), 2**1024 - 1])
async def test_a_huge_lifetime_is_no_raw_overflow(lifetime: int) -> None:
    """expires_in with more digits than a float holds: a token, or a DecodeError, never OverflowError."""
    answer = token_answer(TOKEN, expires_in=lifetime)

    async def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answer)

    transport, _ = recording(handle)
    async with httpx.AsyncClient(transport=transport, auth=WXMAuth("u", SECRET)) as http:
        with contextlib.suppress(WXMError):
            await http.get("https://wxm.test/api/Profile")


def test_a_huge_refresh_leeway_is_a_configuration_error() -> None:
    """refresh_leeway=10**400 is refused with ConfigurationError, not OverflowError."""
    with pytest.raises(ConfigurationError, match="refresh_leeway"):
        WXMAuth("u", "p", refresh_leeway=10**400)


@pytest.mark.parametrize("host", ["evil.localhost", "localhost.evil.example", "127.0.0.1.nip.io"])
async def test_look_alike_loopback_hosts_are_not_loopback(host: str) -> None:
    """Only 127.0.0.0/8, ::1 and localhost itself count as loopback for plain http."""
    transport, seen = recording(_failing_login("ok"))
    async with httpx.AsyncClient(transport=transport, auth=WXMAuth("u", SECRET)) as http:
        with pytest.raises(ConfigurationError, match="in clear"):
            await http.get(f"http://{host}/api/Profile")
    assert seen == []


async def _fake_failure(
    kind: str, fake: FakeWXM, tmp_path: Any, events: list[Event]
) -> tuple[BaseException, str]:
    """Drive one failure against the fake; return what the caller caught and the secret."""
    from wxm_async.stores import FileTokenStore

    password = PASSWORD
    username = USERNAME
    store = None
    if kind == "lock-out":
        fake.lock_account(USERNAME)
    elif kind == "two-factor":
        fake.two_factor_code = "654321"
        username = f"{USERNAME}#111111"
    elif kind == "store-error":
        (tmp_path / "dir").write_text("a file where a directory should be")
        store = FileTokenStore(tmp_path / "dir" / "token")
    auth = WXMAuth(username, password, store=store, on_event=events.append)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=WXM_FAKE_URL, auth=auth
    ) as http:
        if kind == "cancelled":
            pause = fake.pause_logins()
            with anyio.CancelScope() as scope:
                async with anyio.create_task_group() as tg:
                    tg.start_soon(http.get, "/api/Profile")
                    await pause.arrived.wait()
                    scope.cancel()
            pause.release()
            return RuntimeError("cancelled: only the logs are left to scan"), password
        try:
            await http.get("/api/Profile")
        except Exception as error:
            return error, password
    raise AssertionError("no failure")


@pytest.mark.parametrize("kind", ["lock-out", "two-factor", "store-error", "cancelled"])
async def test_no_secret_escapes_from_the_fakes_failures(
    kind: str, fake: FakeWXM, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Lock-out, two-factor, a store error, a cancelled login: no secret in error, logs or events."""
    caplog.set_level(logging.DEBUG)
    events: list[Event] = []
    error, password = await _fake_failure(kind, fake, tmp_path, events)
    assert events or kind == "store-error"  # the events were captured
    assert_no_secret(error, caplog, password, "111111", "654321", events=events)
