"""Configuration: the environment, Basic for development, a held token, bad input."""

from __future__ import annotations

import httpx
import pytest

from wxm_async import BasicAuthWarning, ConfigurationError, WXMAuth, WXMBasicAuth, WXMBearerAuth
from wxm_async.testing import WXM_FAKE_URL, FakeWXM

from ..conftest import PASSWORD, USERNAME


def test_from_env_prefers_the_api_key() -> None:
    """WXM_API_KEY is used when set, WXM_PASSWORD otherwise."""
    env = {"WXM_USERNAME": "acme", "WXM_API_KEY": "key", "WXM_PASSWORD": "pw"}
    assert WXMAuth.from_env(environ=env)._recovery.password == "key"
    assert (
        WXMAuth.from_env(environ={"WXM_USERNAME": "acme", "WXM_PASSWORD": "pw"})._recovery.password
        == "pw"
    )
    assert WXMAuth.from_env(environ=env).username == "acme"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"WXM_API_KEY": "key"}, "WXM_USERNAME"),
        ({"WXM_USERNAME": "acme"}, "WXM_API_KEY (or WXM_PASSWORD)"),
        ({"WXM_USERNAME": "", "WXM_API_KEY": ""}, "WXM_USERNAME and WXM_API_KEY (or WXM_PASSWORD)"),
    ],
)
def test_from_env_names_the_missing_variable(env: dict[str, str], named: str) -> None:
    """A missing (or empty) variable raises ConfigurationError naming it."""
    with pytest.raises(ConfigurationError, match=named.replace("(", r"\(").replace(")", r"\)")):
        WXMAuth.from_env(environ=env)


@pytest.mark.parametrize(("username", "password"), [("", "p"), ("u", "")])
def test_empty_credentials_are_refused(username: str, password: str) -> None:
    """An empty user name or password is a ConfigurationError, not a failed login later."""
    with pytest.raises(ConfigurationError):
        WXMAuth(username, password)


def test_a_negative_leeway_is_refused() -> None:
    """refresh_leeway must not be negative."""
    with pytest.raises(ConfigurationError, match="refresh_leeway"):
        WXMAuth("u", "p", refresh_leeway=-1)


def test_a_sync_client_is_refused_clearly() -> None:
    """WXMAuth needs httpx.AsyncClient; httpx.Client gets a clear error, nothing sent."""
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200))  # type: ignore[func-returns-value]
    with (
        httpx.Client(transport=transport, auth=WXMAuth("u", "p")) as http,
        pytest.raises(ConfigurationError, match=r"httpx\.AsyncClient"),
    ):
        http.get("https://api.example/x")
    assert sent == []


@pytest.mark.anyio
async def test_the_token_is_never_sent_to_another_origin(fake: FakeWXM) -> None:
    """A request to a host other than the one the auth serves is refused before sending."""
    async with httpx.AsyncClient(
        transport=fake.transport(), auth=WXMAuth(USERNAME, PASSWORD)
    ) as http:
        assert (await http.get("https://wxm.test/api/Profile")).status_code == 200
        with pytest.raises(
            ConfigurationError, match=r"will not send its token to https://elsewhere\.example"
        ):
            await http.get("https://elsewhere.example/api/Profile")
    assert sum(fake.requests.values()) == 2  # the login and the first request


@pytest.mark.anyio
async def test_basic_auth_works_and_warns_it_is_for_development(fake: FakeWXM) -> None:
    """WXMBasicAuth warns BasicAuthWarning and WXM (the fake) accepts it."""
    with pytest.warns(BasicAuthWarning, match="development only"):
        auth = WXMBasicAuth(USERNAME, PASSWORD)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=WXM_FAKE_URL, auth=auth
    ) as http:
        assert (await http.get("/api/Profile")).json()["user"] == USERNAME
    assert fake.logins == 0


@pytest.mark.anyio
async def test_a_held_bearer_token_is_sent_as_it_is(fake: FakeWXM) -> None:
    """WXMBearerAuth sends the caller's token and hands a 401 back without a login."""
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=WXM_FAKE_URL, auth=WXMAuth(USERNAME, PASSWORD)
    ) as http:
        await http.get("/api/Profile")
    auth = WXMAuth(USERNAME, PASSWORD)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=WXM_FAKE_URL, auth=auth
    ) as http:
        await http.get("/api/Profile")
        cached = auth.store.current()
        assert cached is not None
        bearer = WXMBearerAuth(cached.token)
        assert (await http.get("/api/Profile", auth=bearer)).status_code == 200
        fake.revoke_all_tokens()
        assert (await http.get("/api/Profile", auth=bearer)).status_code == 401
    assert fake.logins == 2
    with pytest.raises(ConfigurationError):
        WXMBearerAuth("")
