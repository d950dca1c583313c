"""Password, API key and token never show in a repr, a log record or an exception."""

from __future__ import annotations

import logging

import httpx
import pytest

from wxm_async import AuthenticationError, BasicAuthWarning, WXMAuth, WXMBasicAuth, WXMBearerAuth
from wxm_async.events import Event, LoginFailed, LoginSucceeded, RequestReplayed
from wxm_async.testing import WXM_FAKE_URL, FakeWXM

from ..conftest import USERNAME, Server

pytestmark = pytest.mark.anyio


async def test_a_full_cycle_leaks_no_secret_into_logs_reprs_or_errors(
    server: Server, fake: FakeWXM, caplog: pytest.LogCaptureFixture
) -> None:
    """Login, revocation, 401, replay and a rejected login, all at DEBUG: no secret shows.

    Nor in an event: each is checked too.
    """
    caplog.set_level(logging.DEBUG)
    api_key = fake.api_key(USERNAME)
    events: list[Event] = []
    auth = WXMAuth(USERNAME, api_key, on_event=events.append)
    seen: list[str] = []
    async with server.client(auth) as http:
        await http.get("/api/Profile")
        first = auth.store.current()
        assert first is not None
        fake.revoke_all_tokens()
        assert (await http.get("/api/Profile")).status_code == 200
        second = auth.store.current()
        assert second is not None
        assert second is not first
        with pytest.raises(AuthenticationError) as caught:
            await http.get(
                "/api/Profile", auth=WXMAuth(USERNAME, "not-" + api_key, on_event=events.append)
            )
        seen += [
            repr(auth),
            repr(auth.store),
            repr(first),
            repr(second),
            repr(second.token),
            str(second.token),
        ]
        seen += [
            str(caught.value),
            repr(caught.value),
            repr(caught.value.args),
            repr(vars(caught.value)),
        ]
    seen += [record.getMessage() for record in caplog.records]
    seen += [repr(event) for event in events]
    assert {type(event) for event in events} >= {LoginSucceeded, LoginFailed, RequestReplayed}
    seen += [repr(WXMBearerAuth(second.token))]
    with pytest.warns(BasicAuthWarning):
        seen += [repr(WXMBasicAuth(USERNAME, api_key))]
    secrets = [api_key, first.token.access_token, second.token.access_token]
    assert fake.logins == 2
    assert any("logging in" in line for line in seen)  # the logs were captured
    for text in seen:
        for secret in secrets:
            assert secret not in text


async def test_a_two_factor_code_is_kept_out_of_logs_and_errors(
    fake: FakeWXM, caplog: pytest.LogCaptureFixture
) -> None:
    """The code in 'user#code' is a secret: reprs, logs and messages show only the user."""
    caplog.set_level(logging.DEBUG)
    fake.two_factor_code = "918273"
    events: list[Event] = []
    auth = WXMAuth(f"{USERNAME}#000111", fake.api_key(USERNAME), on_event=events.append)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=WXM_FAKE_URL, auth=auth
    ) as http:
        with pytest.raises(AuthenticationError) as caught:
            await http.get("/api/Profile")
    seen = [repr(auth), str(caught.value), *(record.getMessage() for record in caplog.records)]
    seen += [repr(event) for event in events]
    assert len(events) == 2  # the login started, and failed
    assert auth.username == USERNAME
    assert all("000111" not in text for text in seen)
    assert "Invalid Two Factor Secure Code" in str(caught.value)
