"""client.account.logout(): WXM ends the token's session and the auth forgets that token."""

from __future__ import annotations

import httpx
import pytest

from wxm_async import (
    AnonymousAuth,
    ConfigurationError,
    RetryPolicy,
    ServerError,
    WXMAuth,
    WXMBearerAuth,
    WXMClient,
)
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME, Server
from ..helpers import is_login, token_answer

pytestmark = pytest.mark.anyio


def mocked(answer: httpx.Response) -> tuple[WXMClient, WXMAuth, list[httpx.Request]]:
    """A client logging in as ``tok-1``, whose logout (and every other call) gets ``answer``."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if is_login(request):
            return httpx.Response(200, json=token_answer("tok-1"))
        if request.url.path == "/api/account/logout":
            return answer
        return httpx.Response(200, json={"user": "demo"})

    auth = WXMAuth("demo", "pw")
    client = WXMClient(
        auth=auth,
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy.off(),
    )
    return client, auth, seen


async def test_logout_on_the_fake_revokes_the_token_and_the_next_call_logs_in(
    server: Server, fake: FakeWXM
) -> None:
    """The fake refuses the old token afterwards; the client logs in again on its own."""
    auth = WXMAuth(USERNAME, PASSWORD)
    async with WXMClient(auth=auth, base_url=server.base_url, transport=server.transport) as client:
        await client.account.profile()
        old = auth.store.current()
        assert old is not None
        await client.account.logout()
        assert auth.store.current() is None
        async with server.client() as http:
            refused = await http.get("/api/Profile", headers={"Authorization": old.authorization})
        assert refused.status_code == 401
        await client.account.profile()
    assert fake.logins == 2
    assert fake.requests["GET /api/account/logout"] == 1


async def test_a_failed_logout_keeps_the_token() -> None:
    """A 500 to logout raises ServerError and the token stays: WXM may not have ended it."""
    client, auth, _ = mocked(httpx.Response(500, json={"message": "boom"}))
    async with client:
        await client.account.profile()
        with pytest.raises(ServerError):
            await client.account.logout()
        assert auth.store.current() is not None


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>bye</html>"),
        httpx.Response(200, content=b""),
        httpx.Response(204),
        httpx.Response(200, content=b"null"),
    ],
)
async def test_logout_drops_whatever_wxm_answers(answer: httpx.Response) -> None:
    """WXM documents no answer: HTML, nothing or null is fine, and the token is forgotten."""
    client, auth, seen = mocked(answer)
    async with client:
        await client.account.profile()
        await client.account.logout()
        assert auth.store.current() is None
        await client.account.profile()
    assert sum(is_login(r) for r in seen) == 2


async def test_discard_leaves_a_token_the_request_did_not_carry() -> None:
    """A request with another token, or none, does not make the auth forget its own."""
    client, auth, _ = mocked(httpx.Response(200, json=True))
    async with client:
        await client.account.profile()
        current = auth.store.current()
        others: list[dict[bytes, bytes]] = [
            {b"Authorization": b"Bearer someone-else"},
            {},
            {b"Authorization": "Bearer tok-1é".encode("latin-1")},
        ]
        for headers in others:
            auth.discard(httpx.Request("GET", "https://wxm.test/api/logout", headers=headers))
        assert auth.store.current() is current


async def test_logout_without_credentials_sends_nothing() -> None:
    """AnonymousAuth has no session to end: ConfigurationError before anything is sent."""

    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing should be sent")

    async with WXMClient(
        auth=AnonymousAuth(), base_url=IN_PROCESS_URL, transport=httpx.MockTransport(never)
    ) as client:
        with pytest.raises(ConfigurationError):
            await client.account.logout()


async def test_logout_with_a_static_token_sends_it() -> None:
    """WXMBearerAuth has nothing to forget: the call goes out with its token."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=True)

    async with WXMClient(
        auth=WXMBearerAuth("t0k"), base_url=IN_PROCESS_URL, transport=httpx.MockTransport(handle)
    ) as client:
        await client.account.logout()
    assert seen[0].headers["authorization"] == "Bearer t0k"
