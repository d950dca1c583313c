"""The fake WXM answers like WXM: shapes, errors and controls."""

from __future__ import annotations

import base64

import httpx
import pytest

from wxm_async.testing import DENIED_MESSAGE, WXM_FAKE_URL, FakeWXM

from ..conftest import PASSWORD, USERNAME, ManualClock, Server

pytestmark = pytest.mark.anyio

FORM = {"grant_type": "password", "username": USERNAME, "password": PASSWORD}


async def _login(http: httpx.AsyncClient, **form: str) -> httpx.Response:
    return await http.post("/api/LoginToken", data={**FORM, **form})


async def test_the_login_answer_has_wxms_shape(server: Server) -> None:
    """Every documented key, expires_in one under the lifetime, RFC 1123 dates."""
    async with server.client() as http:
        answer = (await _login(http)).json()
    assert set(answer) == {
        "access_token",
        "token_type",
        "expires_in",
        "userName",
        "email",
        "primaryRole",
        "managedBy",
        "preview",
        "station",
        "hash",
        ".issued",
        ".expires",
    }
    assert (answer["token_type"], answer["expires_in"], answer["preview"]) == (
        "bearer",
        43199,
        "False",
    )
    assert answer[".issued"].endswith(" GMT")


@pytest.mark.parametrize(
    ("kwargs", "status", "body"),
    [
        (
            {"password": "nope"},
            400,
            {
                "error": "invalid_grant",
                "error_description": "The user name or password is incorrect.",
            },
        ),
        ({"grant_type": "client_credentials"}, 400, {"error": "unsupported_grant_type"}),
        (
            {"username": "ghost"},
            400,
            {
                "error": "invalid_grant",
                "error_description": "The user name or password is incorrect.",
            },
        ),
    ],
)
async def test_bad_logins_get_wxms_error_answers(
    server: Server, kwargs: dict[str, str], status: int, body: object
) -> None:
    """Wrong credentials or grant get OWIN-style {error, error_description} answers."""
    async with server.client() as http:
        response = await _login(http, **kwargs)
    assert (response.status_code, response.json()) == (status, body)


async def test_a_login_that_is_not_a_form_is_refused(fake: FakeWXM) -> None:
    """A JSON login body gets 400 unsupported_grant_type, not a traceback."""
    async with httpx.AsyncClient(transport=fake.transport(), base_url=WXM_FAKE_URL) as http:
        response = await http.post("/api/LoginToken", json=FORM)
    assert (response.status_code, response.json()) == (400, {"error": "unsupported_grant_type"})


async def test_bad_login_status_is_configurable() -> None:
    """WXM's status for a wrong password is undocumented: the fake lets tests pick 401."""
    fake = FakeWXM(bad_login_status=401)
    async with httpx.AsyncClient(transport=fake.transport(), base_url=WXM_FAKE_URL) as http:
        assert (await _login(http, password="nope")).status_code == 401


async def test_protected_routes_check_bearer_and_basic(server: Server, fake: FakeWXM) -> None:
    """No, wrong, revoked credentials get WXM's 401 body; bearer and Basic pass."""
    async with server.client() as http:
        token = (await _login(http)).json()["access_token"]
        denied = await http.get("/api/Profile")
        assert (denied.status_code, denied.json()) == (401, {"message": DENIED_MESSAGE})
        assert (
            await http.get("/api/Profile", headers={"Authorization": f"Bearer {token}"})
        ).status_code == 200
        basic = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        assert (
            await http.get("/api/profile", headers={"Authorization": f"Basic {basic}"})
        ).status_code == 200
        assert (
            await http.get("/api/Profile", headers={"Authorization": "Basic !!"})
        ).status_code == 401
        fake.revoke_all_tokens()
        assert (
            await http.get("/api/Profile", headers={"Authorization": f"Bearer {token}"})
        ).status_code == 401
    assert (fake.unauthenticated, fake.denied) == (1, 3)


async def test_tokens_expire_on_the_fakes_clock(clock: ManualClock) -> None:
    """A token lives token_lifetime seconds on the fake's clock."""
    fake = FakeWXM(token_lifetime=60, clock=clock)
    async with httpx.AsyncClient(transport=fake.transport(), base_url=WXM_FAKE_URL) as http:
        answer = (await _login(http)).json()
        assert answer["expires_in"] == 59
        headers = {"Authorization": f"Bearer {answer['access_token']}"}
        clock.advance(59.9)
        assert (await http.get("/api/Profile", headers=headers)).status_code == 200
        clock.advance(0.1)
        assert (await http.get("/api/Profile", headers=headers)).status_code == 401


async def test_api_keys_work_as_passwords_and_logout_revokes(server: Server, fake: FakeWXM) -> None:
    """GetAPIKey answers a bare JSON string that logs in; GenerateAPIKey replaces it; logout revokes."""
    async with server.client() as http:
        headers = {"Authorization": f"Bearer {(await _login(http)).json()['access_token']}"}
        key = (await http.get("/api/GetAPIKey", headers=headers)).json()
        assert isinstance(key, str)
        assert (await _login(http, password=key)).status_code == 200
        new_key = (await http.get("/api/GenerateAPIKey", headers=headers)).json()
        assert new_key != key
        assert (await _login(http, password=key)).status_code == 400
        assert (await http.get("/api/account/logout", headers=headers)).json() is True
        assert (await http.get("/api/Profile", headers=headers)).status_code == 401


async def test_unknown_routes_methods_and_bodies_get_wxm_like_answers(server: Server) -> None:
    """404 and 405 in ASP.NET's words; an invalid JSON body is a 400, never a 500."""
    async with server.client() as http:
        headers = {"Authorization": f"Bearer {(await _login(http)).json()['access_token']}"}
        missing = await http.get("/api/Nothing", headers=headers)
        assert missing.status_code == 404
        assert "No HTTP resource was found" in missing.json()["message"]
        assert (await http.delete("/api/Profile", headers=headers)).status_code == 405
        bad = await http.post("/api/UserData/k", content=b"{not json", headers=headers)
        assert bad.status_code == 400
        assert bad.json()["message"].startswith("The request is invalid.")


async def test_login_controls(fake: FakeWXM) -> None:
    """fail_next_logins answers the next logins as told; then logins succeed again."""
    fake.fail_next_logins(2, status=502, raw=b"<html>bad gateway</html>")
    async with httpx.AsyncClient(transport=fake.transport(), base_url=WXM_FAKE_URL) as http:
        first = await _login(http)
        assert (first.status_code, first.headers["content-type"], first.text) == (
            502,
            "text/html",
            "<html>bad gateway</html>",
        )
        assert (await _login(http)).status_code == 502
        assert (await _login(http)).status_code == 200
    assert (fake.login_attempts, fake.logins) == (3, 1)
