"""The login itself: what is sent, through what, and how WXM's answer is read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from wxm_async import AccessToken, DecodeError, WXMAuth, WXMError
from wxm_async._models._access_token import DEFAULT_TOKEN_LIFETIME
from wxm_async.testing import FakeWXM

from ..conftest import PASSWORD, USERNAME, Server
from ..helpers import is_login, recording, token_answer

pytestmark = pytest.mark.anyio


async def _ok(request: httpx.Request) -> httpx.Response:
    if is_login(request):
        return httpx.Response(200, json=token_answer())
    return httpx.Response(200, json=[])


async def test_login_is_posted_as_a_form_to_the_request_origin() -> None:
    """The login is POST <prefix>/api/LoginToken with the password grant as a form."""
    transport, seen = recording(_ok)
    async with httpx.AsyncClient(
        transport=transport, auth=WXMAuth("acme-admin", "key-123")
    ) as http:
        await http.get("https://api.example:8443/some/prefix/api/Questions/Active?x=1")
    login = seen[0]
    assert (login.method, str(login.url)) == (
        "POST",
        "https://api.example:8443/some/prefix/api/LoginToken",
    )
    assert login.headers["content-type"] == "application/x-www-form-urlencoded"
    assert login.headers["accept"] == "application/json"
    assert login.content == b"grant_type=password&username=acme-admin&password=key-123"
    assert "authorization" not in login.headers


async def test_token_url_overrides_where_the_login_goes() -> None:
    """An explicit token_url receives the login instead of the request origin."""
    transport, seen = recording(_ok)
    auth = WXMAuth("u", "p", token_url="https://login.example/api/LoginToken")
    async with httpx.AsyncClient(transport=transport, auth=auth) as http:
        await http.get("https://api.example/api/Questions/Active")
    assert str(seen[0].url) == "https://login.example/api/LoginToken"
    assert str(seen[1].url) == "https://api.example/api/Questions/Active"


async def test_login_travels_through_the_callers_event_hooks_with_its_timeouts() -> None:
    """The login is sent by the caller's client: its hooks see it, its timeouts apply."""
    transport, seen = recording(_ok)
    hooked: list[str] = []

    async def hook(request: httpx.Request) -> None:
        hooked.append(request.url.path)

    timeout = httpx.Timeout(7.0, connect=3.0)
    async with httpx.AsyncClient(
        transport=transport,
        auth=WXMAuth("u", "p"),
        event_hooks={"request": [hook]},
        timeout=timeout,
    ) as http:
        await http.get("https://api.example/api/Questions/Active")
    assert hooked == ["/api/LoginToken", "/api/Questions/Active"]
    assert seen[0].extensions["timeout"] == timeout.as_dict()


async def test_the_request_is_sent_with_the_bearer_token_and_never_without(
    server: Server, fake: FakeWXM
) -> None:
    """The first request waits for the login and goes out with 'Authorization: Bearer'."""
    async with server.client(WXMAuth(USERNAME, PASSWORD)) as http:
        response = await http.get("/api/Questions/Active")
    assert response.status_code == 200
    assert response.request.headers["authorization"].startswith("Bearer ")
    assert (fake.logins, fake.unauthenticated, fake.denied) == (1, 0, 0)


async def test_a_streamed_response_stays_streamed(wxm_http: httpx.AsyncClient) -> None:
    """The flow does not read the caller's response: client.stream() still streams."""
    async with wxm_http.stream("GET", "/api/Questions/Active") as response:
        assert not response.is_stream_consumed
        body = b"".join([chunk async for chunk in response.aiter_bytes()])
    assert body.startswith(b"[")


async def test_the_answer_becomes_a_typed_access_token() -> None:
    """Every documented field is decoded: snake_case names, a bool preview, aware dates."""
    transport, _ = recording(_ok)
    auth = WXMAuth("u", "p")
    async with httpx.AsyncClient(transport=transport, auth=auth) as http:
        await http.get("https://api.example/api/Questions/Active")
    cached = auth.store.current()
    assert cached is not None
    assert cached.token == AccessToken(
        access_token="tok-1",
        token_type="bearer",
        expires_in=43199,
        user_name="acme-admin",
        email="admin@acme.example",
        primary_role="MasterAdmin",
        managed_by="acme-admin",
        preview=True,
        station="uswest",
        hash="0f3c9a",
        issued=datetime(2026, 11, 22, 10, tzinfo=UTC),
        expires=datetime(2026, 11, 22, 22, tzinfo=UTC),
    )
    assert cached.authorization == "Bearer tok-1"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"new": "field", "preview": "False"}, False),
        ({"preview": False, ".issued": "2026-11-22T10:00:00Z"}, False),
        ({"expires_in": "3600"}, None),
        ({"expires_in": " 3599.5 "}, None),
    ],
)
async def test_unknown_fields_are_ignored_and_variants_accepted(
    answer: dict[str, Any], expected: bool | None
) -> None:
    """Fields WXM adds later, ISO dates, and a numeric string expires_in all decode."""
    transport, _ = recording(
        lambda r: (
            _answer(200, json=token_answer(**answer)) if is_login(r) else _answer(200, json=[])
        )
    )
    auth = WXMAuth("u", "p")
    async with httpx.AsyncClient(transport=transport, auth=auth) as http:
        assert (await http.get("https://api.example/x")).status_code == 200
    cached = auth.store.current()
    assert cached is not None
    if expected is not None:
        assert cached.token.preview is expected


async def _answer(status: int, **kwargs: object) -> httpx.Response:
    return httpx.Response(status, **kwargs)  # type: ignore[arg-type]


MALFORMED = [
    pytest.param(
        {"content": b"<html>Service down</html>", "headers": {"content-type": "text/html"}},
        "not JSON (text/html",
        id="html-page",
    ),
    pytest.param({"content": b""}, "not JSON", id="empty"),
    pytest.param({"json": [1, 2]}, "expected a JSON object, got a list", id="list"),
    pytest.param(
        {"json": {"token_type": "bearer", "expires_in": 10}},
        "required field missing @ $.access_token",
        id="no-access-token",
    ),
    pytest.param({"json": token_answer(expires_in="soon")}, "@ $.expires_in", id="expires-in-text"),
    pytest.param(  # Python's float() takes it; no JSON or .NET writer does
        {"json": token_answer(expires_in="3_600")}, "@ $.expires_in", id="expires-in-underscore"
    ),
    pytest.param(
        {"json": token_answer(access_token=12)}, "@ $.access_token", id="token-not-string"
    ),
    pytest.param({"json": token_answer(access_token="")}, "empty", id="token-empty"),
    pytest.param(
        {"json": token_answer(access_token="a\r\nSet-Cookie: x=1")},
        "cannot be sent in a header",
        id="token-crlf",
    ),
    pytest.param({"json": token_answer(access_token="tok en")}, "cannot be sent", id="token-space"),
    pytest.param(
        {"json": token_answer(access_token="t\u00f6k")}, "cannot be sent", id="token-non-ascii"
    ),
    pytest.param({"json": token_answer(token_type="mac")}, "not bearer", id="token-type-mac"),
    pytest.param({"content": b'{"access_token":"t","expires_in":NaN}'}, "not a number", id="nan"),
]


TOLERATED = [
    pytest.param({"expires_in": None}, id="expires-in-null"),
    pytest.param({"expires_in": 3599.5}, id="expires-in-float"),
    pytest.param({"preview": "maybe"}, id="preview-not-bool"),
    pytest.param({".issued": "yesterday"}, id="bad-date"),
    pytest.param({"userName": 12, "email": [], "station": {}, "hash": 1.5}, id="wrong-types"),
    pytest.param({"token_type": "Bearer"}, id="token-type-capitalised"),
]


@pytest.mark.parametrize("overrides", TOLERATED)
async def test_malformed_information_never_rejects_a_usable_token(
    overrides: dict[str, object],
) -> None:
    """Informational fields that do not fit become None; a float or missing lifetime works."""
    answer = token_answer(**overrides)
    transport, seen = recording(lambda r: _answer(200, json=answer) if is_login(r) else _ok(r))
    async with httpx.AsyncClient(transport=transport, auth=WXMAuth("u", "p")) as http:
        response = await http.get("https://api.example/x")
    assert response.status_code == 200
    assert [is_login(r) for r in seen] == [True, False]


async def test_a_lifetime_comes_from_the_dates_or_a_conservative_default() -> None:
    """Without expires_in the dates give the lifetime; with neither, an hour."""
    issued = datetime(2026, 1, 1, tzinfo=UTC)
    dated = AccessToken(access_token="t", issued=issued, expires=issued + timedelta(hours=2))
    assert dated.lifetime == 7200
    assert AccessToken(access_token="t").lifetime == DEFAULT_TOKEN_LIFETIME == 3600
    assert AccessToken(access_token="t", expires_in=3599.5).lifetime == 3599.5


@pytest.mark.parametrize(("response", "message"), MALFORMED)
async def test_a_malformed_answer_raises_decode_error_with_the_path(
    response: dict[str, object], message: str
) -> None:
    """A 200 login answer that does not fit raises DecodeError naming what and where."""
    transport, _ = recording(lambda r: _answer(200, **response))
    async with httpx.AsyncClient(transport=transport, auth=WXMAuth("u", "p")) as http:
        with pytest.raises(DecodeError) as caught:
            await http.get("https://api.example/x")
    assert isinstance(caught.value, WXMError)
    assert "could not decode the LoginToken answer" in str(caught.value)
    assert message in str(caught.value)
    assert caught.value.request is not None
    assert caught.value.request.content == b""  # the password does not travel with it
