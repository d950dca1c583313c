"""An outside review of the ``wxm`` command: what a careless shell or a leaky server gives it."""

from __future__ import annotations

import json
from urllib.parse import quote_plus

import httpx
import pytest

from wxm_async import APIStatusError, RetryPolicy, WXMAuth, WXMClient, WXMError
from wxm_async._cli._exit import ExitCode
from wxm_async.stores import MemoryTokenStore
from wxm_async.testing import FakeWXM

from ..conftest import PASSWORD, USERNAME
from .test_cli import served, wxm


@pytest.mark.parametrize(
    "base_url",
    [
        f"ftp://{USERNAME}:{PASSWORD}@wxm.test/",
        f"https://{USERNAME}:{PASSWORD}@[bad/",
        f"{USERNAME}:{PASSWORD}@wxm.test",
        f"https://{USERNAME}:{PASSWORD}@wxm.test:99999/",
        f"https://{USERNAME}:{PASSWORD}@wxm_test/",
        f"https://{USERNAME}:{PASSWORD}@wxm.test:x/",
    ],
    ids=["scheme", "bracket", "no scheme", "port", "host", "not a url"],
)
@pytest.mark.parametrize("source", ["option", "environment"])
def test_a_base_url_holding_a_password_is_refused_without_printing_it(
    base_url: str, source: str
) -> None:
    """A bad `--base-url` (or WXM_BASE_URL) with `user:password@` never prints the password."""
    options = ["--base-url", base_url] if source == "option" else []
    env = {"WXM_USERNAME": USERNAME, "WXM_PASSWORD": "other"}
    if source == "environment":
        env["WXM_BASE_URL"] = base_url
    result = wxm("get", "/api/Profile", *options, env=env)  # the helper checks for PASSWORD
    assert result.code == ExitCode.USAGE, result.stderr
    assert "***@" in result.stderr
    assert result.stderr.count("\n") == 1


ECHOES = [
    {"error": "invalid_grant", "error_description": f"bad password {PASSWORD!r}"},
    {"error": "invalid_request", "error_description": f"body: password={quote_plus(PASSWORD)}"},
    f"<html>refused: username={USERNAME}&password={PASSWORD}</html>",
]


@pytest.mark.parametrize("echo", ECHOES, ids=["json", "form", "html"])
def test_a_server_echoing_the_password_does_not_make_wxm_print_it(echo: object) -> None:
    """A login refused with the password quoted back: exit 4, the password masked."""
    fake = FakeWXM()
    if isinstance(echo, str):
        fake.fail_next_logins(1, status=400, raw=echo.encode())
    else:
        fake.fail_next_logins(1, status=400, body=echo)
    with served(fake) as url:
        env = {"WXM_BASE_URL": url, "WXM_USERNAME": USERNAME, "WXM_PASSWORD": PASSWORD}
        result = wxm("get", "/api/Profile", env=env)  # the helper checks for PASSWORD
    assert result.code == ExitCode.LOGIN_REJECTED, result.stderr
    assert "***" in result.stderr or isinstance(echo, str)


@pytest.mark.anyio
@pytest.mark.parametrize("echo", ECHOES, ids=["json", "form", "html"])
@pytest.mark.parametrize("status", [400, 500])
async def test_an_echoed_password_or_code_is_in_no_part_of_the_error(
    echo: object, status: int
) -> None:
    """Through WXMAuth: neither the password nor the 2FA code is in message, body or response."""
    code = "918273"

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/LoginToken"):
            text = echo if isinstance(echo, str) else json.dumps(echo)
            return httpx.Response(status, text=f"{text} code {code}")
        return httpx.Response(200, json={})

    auth = WXMAuth(f"{USERNAME}#{code}", PASSWORD, store=MemoryTokenStore(failure_window=0))
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(answer), base_url="https://wxm.test", auth=auth
    ) as http:
        with pytest.raises(WXMError) as caught:
            await http.get("/api/Profile")
    error = caught.value
    assert isinstance(error, APIStatusError)
    seen = [str(error), repr(error.args), repr(getattr(error, "body", None))]
    if error.response is not None:
        seen.append(error.response.text)
    for secret in (PASSWORD, quote_plus(PASSWORD), code):
        assert not any(secret in text for text in seen), secret


@pytest.mark.anyio
@pytest.mark.parametrize("status", [400, 403, 404, 500])
async def test_an_api_error_echoing_the_token_does_not_carry_it(status: int) -> None:
    """A call refused with its bearer token quoted back: the token is in no part of the error."""
    token = "tok-" + "s3cr3t" * 5

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/LoginToken"):
            return httpx.Response(200, json={"access_token": token, "token_type": "bearer"})
        echoed = request.headers["authorization"]
        return httpx.Response(status, json={"message": f"refused {echoed}"})

    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(answer),
        retries=RetryPolicy().without_waiting(),
    ) as client:
        with pytest.raises(APIStatusError) as caught:
            await client.account.profile()
    error = caught.value
    assert error.response is not None
    for text in (str(error), repr(error.args), repr(error.body), error.response.text):
        assert token not in text
    assert "Bearer ***" in str(error)
