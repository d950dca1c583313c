"""Never executed: exercises the public API under the type checkers (mypy --strict)."""

from __future__ import annotations

import httpx

from wxm_async import (
    DEFAULT_FAILURE_WINDOW,
    DEFAULT_LEASE,
    AccessToken,
    APIStatusError,
    AuthenticationError,
    CachedToken,
    FileTokenStore,
    MemoryTokenStore,
    RedisTokenStore,
    TokenStore,
    TokenStoreError,
    WXMAuth,
    WXMBasicAuth,
    WXMBearerAuth,
    WXMError,
)
from wxm_async.testing import FakeWXM, serve


async def use_the_api() -> None:
    store: TokenStore = MemoryTokenStore()
    auth: httpx.Auth = WXMAuth(
        "user", "key", token_url="https://api.example/api/LoginToken", store=store
    )
    auth = WXMAuth.from_env(environ={"WXM_USERNAME": "u", "WXM_API_KEY": "k"}, refresh_leeway=60.0)
    fake = FakeWXM(accounts={"u": "k"}, token_lifetime=60)
    async with serve(fake) as base_url, httpx.AsyncClient(base_url=base_url, auth=auth) as http:
        try:
            response: httpx.Response = await http.get("/api/Questions/Active")
        except AuthenticationError as error:
            code: str | None = error.error
            status: int = error.status_code
        except APIStatusError as error:
            body: object = error.body
        except WXMError as error:
            request: httpx.Request | None = error.request
    cached: CachedToken | None = store.current()
    if cached is not None:
        token: AccessToken = cached.token
        lifetime: float = token.lifetime
        bearer: httpx.Auth = WXMBearerAuth(token)
    basic: httpx.Auth = WXMBasicAuth("user", "key")


async def share_the_token() -> None:
    on_host: TokenStore = FileTokenStore(
        "/run/app/wxm-token", failure_window=DEFAULT_FAILURE_WINDOW
    )
    fleet = RedisTokenStore(
        "rediss://tokens.internal:6380/0",
        base_url="https://api.getcloudcherry.com",
        username="api-user",
        lease=DEFAULT_LEASE,
    )
    in_fleet: TokenStore = fleet
    async with fleet:
        auth = WXMAuth.from_env(store=in_fleet)
        try:
            async with httpx.AsyncClient(auth=auth) as http:
                await http.get("https://api.getcloudcherry.com/api/Profile")
        except TokenStoreError as error:
            message: str = error.message
    auth = WXMAuth("user", "key", store=on_host)
    await fleet.aclose()
