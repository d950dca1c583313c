"""Logins that fail: tried once for everyone waiting, never sticky, never leaking."""

from __future__ import annotations

import anyio
import httpx
import pytest

from wxm_async import (
    APIStatusError,
    AuthenticationError,
    LoginInterruptedError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TwoFactorRequiredError,
    WXMAuth,
)
from wxm_async.testing import WXM_FAKE_URL, FakeWXM

from ..conftest import PASSWORD, USERNAME, Server
from ..helpers import outcomes

pytestmark = pytest.mark.anyio


async def test_a_wrong_password_raises_authentication_error_with_wxms_reasons(
    server: Server, fake: FakeWXM
) -> None:
    """A rejected login raises AuthenticationError with status, error and description."""
    async with server.client(WXMAuth(USERNAME, "wrong-password")) as http:
        with pytest.raises(AuthenticationError) as caught:
            await http.get("/api/Profile")
    error = caught.value
    assert (error.status_code, error.error) == (400, "invalid_grant")
    assert error.error_description == "The user name or password is incorrect."
    assert "WXM rejected the login for 'demo' (400 Bad Request)" in str(error)
    assert "The user name or password is incorrect." in str(error)
    assert error.request is not None
    assert error.request.content == b""
    assert "wrong-password" not in f"{error!s}{error!r}{error.args}{vars(error)}"


async def test_a_storm_with_a_wrong_password_tries_once_and_everyone_gets_the_failure(
    server: Server, fake: FakeWXM
) -> None:
    """500 requests waiting on one rejected login: one attempt, 500 AuthenticationErrors."""
    async with server.client(
        WXMAuth(USERNAME, "wrong-password"), limits=httpx.Limits(max_connections=20)
    ) as http:
        results = await outcomes(http, 500)
    assert fake.login_attempts == 1
    assert all(isinstance(r, AuthenticationError) for r in results)
    assert len({id(r) for r in results}) == 500  # each its own copy, with its own traceback
    assert fake.requests["GET /api/Profile"] == 0


async def test_a_failed_login_is_not_sticky(fake: FakeWXM, wxm_http: httpx.AsyncClient) -> None:
    """After a failure, a request that starts later tries to log in again."""
    fake.fail_next_logins(1, status=503, body={"message": "maintenance"})
    with pytest.raises(ServerError, match="the login for 'demo' failed: WXM answered 503"):
        await wxm_http.get("/api/Profile")
    assert (await wxm_http.get("/api/Profile")).status_code == 200
    assert (fake.login_attempts, fake.logins) == (2, 1)


@pytest.mark.parametrize(
    ("status", "raw", "body", "cls"),
    [
        (503, None, {"message": "down"}, ServerError),
        (502, b"<html><body>Bad gateway</body></html>", None, ServerError),
        (429, None, {"message": "slow down"}, RateLimitedError),
        (404, None, None, NotFoundError),
    ],
)
async def test_other_login_failures_name_the_status(
    fake: FakeWXM,
    wxm_http: httpx.AsyncClient,
    status: int,
    raw: bytes | None,
    body: object,
    cls: type[APIStatusError],
) -> None:
    """5xx, an HTML error page, 429 or 404 at login raise the status's error, naming it."""
    fake.fail_next_logins(1, status=status, body=body, raw=raw)
    with pytest.raises(cls) as caught:
        await wxm_http.get("/api/Profile")
    assert type(caught.value) is cls
    assert caught.value.status_code == status
    assert f"WXM answered {status}" in str(caught.value)


async def test_two_factor_and_lock_out_answers(fake: FakeWXM) -> None:
    """WXM's two-factor and lock-out answers surface with their own class and reason."""
    fake.two_factor_code = "123456"
    async with httpx.AsyncClient(transport=fake.transport(), base_url=WXM_FAKE_URL) as http:
        with pytest.raises(
            TwoFactorRequiredError, match="Valid Two Factor Secure Code Required"
        ) as caught:
            await http.get("/api/Profile", auth=WXMAuth(USERNAME, PASSWORD))
        assert (caught.value.status_code, caught.value.error) == (401, "two_factor")
        ok = await http.get("/api/Profile", auth=WXMAuth(f"{USERNAME}#123456", PASSWORD))
        assert ok.status_code == 200
        fake.lock_account(USERNAME)
        with pytest.raises(AuthenticationError, match="locked out") as locked:
            await http.get("/api/Profile", auth=WXMAuth(USERNAME, PASSWORD))
        assert type(locked.value) is AuthenticationError
        assert locked.value.error == "Authorization Error"


async def test_a_transport_error_at_login_reaches_the_caller_and_is_not_sticky() -> None:
    """A login that cannot connect raises httpx's error; the next request logs in."""
    attempts = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        if request.url.path == "/api/LoginToken":
            attempts += 1
            if attempts == 1:
                raise httpx.ConnectError("connection refused", request=request)
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(200, json=[])

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handle),
        base_url="https://api.example",
        auth=WXMAuth("u", "p"),
    ) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("/api/Profile")
        assert (await http.get("/api/Profile")).status_code == 200
    assert attempts == 2


async def test_a_storm_meeting_a_dead_login_gives_up_after_two_attempts() -> None:
    """Logins that fail in transport are not retried once per waiting request."""
    attempts = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        await anyio.lowlevel.checkpoint()  # let the other requests line up behind it
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handle),
        base_url="https://api.example",
        auth=WXMAuth("u", "p"),
    ) as http:
        results = await outcomes(http, 100)
    assert attempts == 2
    assert sum(isinstance(r, httpx.ConnectError) for r in results) == 2
    interrupted = [r for r in results if isinstance(r, LoginInterruptedError)]
    assert len(interrupted) == 98
    assert "abandoned twice" in str(interrupted[0])
