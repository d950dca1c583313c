"""Never executed: exercises the public API under the type checkers (mypy --strict)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from wxm_async import (
    AccessToken,
    APIStatusError,
    AuthenticationError,
    CachedToken,
    MemoryTokenStore,
    TokenStore,
    WXMAuth,
    WXMBasicAuth,
    WXMBearerAuth,
    WXMError,
)
from wxm_async.testing import FakeWXM, RateLimit, serve


async def use_the_api() -> None:
    store: TokenStore = MemoryTokenStore()
    auth: httpx.Auth = WXMAuth(
        "user", "key", token_url="https://api.example/api/LoginToken", store=store
    )
    auth = WXMAuth.from_env(environ={"WXM_USERNAME": "u", "WXM_API_KEY": "k"}, refresh_leeway=60.0)
    fake = FakeWXM(
        accounts={"u": "k"},
        token_lifetime=60,
        seed=1,
        responses=100_000,
        page_base=1,
        max_page_size=500,
        rate_limit=RateLimit(requests=15, per=1.0, retry_after="date"),
    )
    fake.rate_limit = None
    fake.fail_next(2, route="GET /api/Questions/Active", status=429, retry_after=3)
    fake.fail_next(status=503, retry_after=datetime.now(UTC), raw=b"<html/>")
    fake.drop_next(route="/api/answers*")
    fake.slow_next(chunk_size=8, delay=0.01)
    fake.delay_next(route="POST /api/LoginToken", seconds=0.5)
    fake.clear_faults()
    owner: str = fake.username
    counted: int = fake.requests["GET /api/Questions/Active"] + fake.rate_limited
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
