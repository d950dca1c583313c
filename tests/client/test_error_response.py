"""Status errors carry WXM's answer (``.response``, ``.headers``), never the secrets sent."""

from __future__ import annotations

import copy
import pickle

import httpx
import pytest

from wxm_async import (
    APIStatusError,
    AuthenticationError,
    RetryPolicy,
    WXMAuth,
    WXMBasicAuth,
    WXMBearerAuth,
    WXMClient,
)
from wxm_async._exceptions import error_for_status
from wxm_async._http import status_error

from ..helpers import is_login, token_answer

pytestmark = pytest.mark.anyio

TOKEN = "sekrit-token"
PASSWORD = "sekrit-password"
ERROR_STATUSES = [400, 401, 403, 404, 409, 418, 422, 429, 500, 503]


def test_status_error_keeps_the_read_response_without_authorization() -> None:
    """The error's response is WXM's answer; its request is the redacted copy."""
    request = httpx.Request(
        "GET", "https://wxm.test/api/Profile", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    response = httpx.Response(
        404, json={"message": "gone"}, headers={"X-Request-Id": "r-42"}, request=request
    )
    error = status_error(response)
    assert error.response is not None
    assert (error.response.status_code, error.response.json()) == (404, {"message": "gone"})
    assert error.headers["x-request-id"] == "r-42"
    assert error.response.request is error.request
    assert "authorization" not in error.response.request.headers
    assert "authorization" in response.request.headers  # the caller's own is untouched


def test_a_login_error_response_points_at_the_bodyless_request() -> None:
    """A login error given the login's response carries neither password nor its body."""
    sent = httpx.Request(
        "POST", "https://wxm.test/api/LoginToken", data={"password": PASSWORD, "username": "u"}
    )
    answer = httpx.Response(400, json={"error": "invalid_grant"}, request=sent)
    bodyless = httpx.Request(sent.method, sent.url)
    error = AuthenticationError("rejected", request=bodyless, status_code=400, response=answer)
    assert error.response is not None
    assert error.response.request is bodyless
    assert PASSWORD not in repr(vars(error.response.request)) + repr(error.response.request.content)


def test_a_response_without_a_request_gets_a_bare_copy() -> None:
    """Given a response but no request, the error keeps only the method and URL sent."""
    sent = httpx.Request(
        "POST",
        "https://wxm.test/api/x",
        headers={"Authorization": f"Bearer {TOKEN}"},
        content=b"secret body",
    )
    error = error_for_status(
        "failed",
        request=None,
        status_code=500,
        body=None,
        response=httpx.Response(500, request=sent),
    )
    assert error.request is not None
    assert error.response is not None
    assert error.response.request is error.request
    assert (error.request.method, error.request.url) == ("POST", sent.url)
    assert "authorization" not in error.request.headers
    assert error.request.content == b""


def test_an_error_without_response_has_empty_headers() -> None:
    """Errors built without an answer have ``response`` None and no headers."""
    error = error_for_status("failed", request=None, status_code=500, body=None)
    assert error.response is None
    assert dict(error.headers) == {}


def test_the_response_survives_copy_and_pickle() -> None:
    """An error with its response can be copied and pickled (e.g. across processes)."""
    request = httpx.Request("GET", "https://wxm.test/api/x")
    error = status_error(
        httpx.Response(429, json={"m": 1}, headers={"Retry-After": "3"}, request=request)
    )
    for clone in (copy.copy(error), pickle.loads(pickle.dumps(error))):
        assert clone.response is not None
        assert clone.response.json() == {"m": 1}
        assert clone.headers["retry-after"] == "3"


def _api(status: int) -> httpx.MockTransport:
    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer(TOKEN))
        return httpx.Response(
            status, json={"message": "no"}, headers={"X-Request-Id": f"id-{status}"}
        )

    return httpx.MockTransport(handle)


@pytest.mark.filterwarnings("ignore::wxm_async.BasicAuthWarning")
@pytest.mark.parametrize("status", ERROR_STATUSES)
@pytest.mark.parametrize("kind", ["login", "bearer", "basic"])
async def test_no_client_error_carries_authorization(status: int, kind: str) -> None:
    """Whatever the status and the auth, the error and its response hold no credential."""
    auth: httpx.Auth
    if kind == "login":
        auth = WXMAuth("demo", PASSWORD)
    elif kind == "bearer":
        auth = WXMBearerAuth(TOKEN)
    else:
        auth = WXMBasicAuth("demo", PASSWORD)
    client = WXMClient(
        auth=auth,
        base_url="https://wxm.test",
        transport=_api(status),
        retries=RetryPolicy().without_waiting(),
    )
    async with client:
        with pytest.raises(APIStatusError) as caught:
            await client.questions.active()
    error = caught.value
    assert error.response is not None
    assert error.request is not None
    assert error.response.status_code == status
    assert error.headers["x-request-id"] == f"id-{status}"
    for request in (error.request, error.response.request):
        assert "authorization" not in request.headers
    assert TOKEN not in repr(vars(error))
    assert TOKEN not in repr(error.response.request.headers)
