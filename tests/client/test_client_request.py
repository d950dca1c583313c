"""``WXMClient.request()`` / ``request_raw()``: any endpoint, with the client's manners."""

from __future__ import annotations

import json

import httpx
import pytest

from wxm_async import (
    ConfigurationError,
    DecodeError,
    NotFoundError,
    RetryPolicy,
    ServerError,
    WXMAuth,
    WXMBearerAuth,
    WXMClient,
)

from ..helpers import Handler, is_login, recording, token_answer

pytestmark = pytest.mark.anyio


def client_on(handler: Handler, *, base_url: str = "https://wxm.test") -> WXMClient:
    transport, _ = recording(handler)
    return WXMClient(
        auth=WXMBearerAuth("tok"),
        base_url=base_url,
        transport=transport,
        retries=RetryPolicy().without_waiting(),
    )


async def test_request_sends_params_and_json_and_returns_the_parsed_answer() -> None:
    """The method, path, query and JSON body go out as given; the JSON answer comes back."""
    seen: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"echo": json.loads(request.content)})

    async with client_on(handle) as client:
        answer = await client.request(
            "post", "/api/answers?x=1", json={"a": [1, None]}, params={"tag": ["p", "q"]}
        )
    assert answer == {"echo": {"a": [1, None]}}
    assert seen[0].method == "POST"
    assert str(seen[0].url) == "https://wxm.test/api/answers?x=1&tag=p&tag=q"
    assert seen[0].headers["content-type"] == "application/json"


async def test_request_without_json_sends_no_body_and_an_empty_answer_is_none() -> None:
    """No ``json=`` sends no body; an answer without a body gives ``None``."""
    seen: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    async with client_on(handle) as client:
        assert await client.request("DELETE", "api/SurveyToken/t-1") is None
    assert seen[0].content == b""
    assert seen[0].url.path == "/api/SurveyToken/t-1"


async def test_request_retries_a_get_on_503_and_raises_the_status_error() -> None:
    """A GET is retried as the policy says; an error status raises its class."""
    answers = [503, 503, 200]

    async def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(answers.pop(0), json=["ok"])

    async with client_on(handle) as client:
        assert await client.request("GET", "/api/Profile") == ["ok"]

    async def missing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"message": "No such thing."})

    async with client_on(missing) as client:
        with pytest.raises(NotFoundError, match=r"GET /api/x: WXM answered 404"):
            await client.request("GET", "/api/x")


async def test_a_post_is_not_resent_after_a_503_unless_idempotent() -> None:
    """A POST may have been acted on: sent once, unless the caller says it is safe."""
    sent: list[int] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        sent.append(1)
        return httpx.Response(503) if len(sent) <= 2 else httpx.Response(200, json=1)

    async with client_on(handle) as client:
        with pytest.raises(ServerError):
            await client.request("POST", "/api/answers/count", json={})
        assert await client.request("POST", "/api/answers/count", json={}, idempotent=True) == 1
    assert len(sent) == 3


async def test_request_recovers_from_a_revoked_token() -> None:
    """A 401 on a revoked token logs in again and replays, as namespace calls do."""
    tokens = iter(["tok-1", "tok-2"])
    valid = {"tok-2"}
    logins: list[int] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            logins.append(1)
            return httpx.Response(200, json=token_answer(next(tokens)))
        if request.headers["authorization"].removeprefix("Bearer ") in valid:
            return httpx.Response(200, json={"userName": "demo"})
        return httpx.Response(401, json={"message": "Authorization has been denied."})

    transport, _ = recording(handle)
    client = WXMClient(auth=WXMAuth("demo", "pw"), base_url="https://wxm.test", transport=transport)
    async with client:
        assert await client.request("GET", "/api/Profile") == {"userName": "demo"}
    assert len(logins) == 2


async def test_a_body_that_is_not_json_raises_decode_error_and_request_raw_reads_it() -> None:
    """``request()`` refuses a non-JSON answer; ``request_raw()`` hands it over, read."""

    async def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="plain words", headers={"X-Id": "7"})

    async with client_on(handle) as client:
        with pytest.raises(DecodeError, match="not JSON"):
            await client.request("GET", "/api/Text")
        response = await client.request_raw("GET", "/api/Text")
    assert (response.status_code, response.text, response.headers["x-id"]) == (
        200,
        "plain words",
        "7",
    )


@pytest.mark.parametrize(
    "path",
    [
        "https://elsewhere.example/api/Profile",
        "http://wxm.test/api/Profile",
        "//elsewhere.example/api/Profile",
        "/api/../../admin",
        "/api/%2e%2e/%2E%2E/admin",
        "/api/..%2F..%2Fadmin",
        "/api/..\\..\\admin",
        "./api",
        "",
        "http://[::1",
    ],
)
async def test_a_path_that_leaves_the_base_url_is_refused_unsent(path: str) -> None:
    """A full URL, a network path or ``..`` could carry the token elsewhere: refused."""
    sent: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=[])

    async with client_on(handle, base_url="https://gw.test/wxm/") as client:
        with pytest.raises(ConfigurationError):
            await client.request("GET", path)
        with pytest.raises(ConfigurationError):
            await client.request_raw("GET", path)
    assert sent == []


async def test_paths_go_below_a_base_url_with_a_path() -> None:
    """A leading slash or none, the call goes below the base URL's own path."""
    seen: list[str] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=[])

    async with client_on(handle, base_url="https://gw.test/wxm/") as client:
        await client.request("GET", "/api/Profile")
        await client.request("GET", "api/Profile")
    assert seen == ["https://gw.test/wxm/api/Profile"] * 2
