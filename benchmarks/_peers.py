"""The contenders of ``bench_peers.py``: one small adapter per library, as its docs advise.

Each adapter opens whatever the library needs (a client, an auth, a first token) and
yields one coroutine function that GETs the benchmarked route. ``bench_peers.py`` quotes
these functions, as they are, on docs/peers.md: they are the exact code measured.

Every contender gets the same things: the fake's account, its token endpoint, and the
same ``httpx.AsyncClient`` settings (``Target.client_options``). A ``leeway`` is passed on
only in the short-token scenario (``Settings.leeway``): the peers' defaults (Authlib 60 s,
httpx-auth 30 s) would treat a one-second token as expired on arrival.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
import httpx_auth
from _common import PATH
from authlib.integrations.httpx_client import AsyncOAuth2Client

from wxm_async import WXMAuth

#: One request of the benchmarked route: ``await get()``.
Get = Callable[[], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Target:
    """Where a contender's requests go: the fake WXM in process or on loopback."""

    name: str
    base_url: httpx.URL
    #: ``FakeWXM.transport()`` in process; ``None`` (a real socket) on loopback.
    transport: httpx.AsyncBaseTransport | None
    #: The same fake's LoginToken over loopback, for clients that cannot go in process.
    loopback_token_url: str
    client_options: dict[str, Any] = field(default_factory=dict)

    @property
    def token_url(self) -> str:
        """WXM's LoginToken where this target's requests go."""
        return str(self.base_url.join("/api/LoginToken"))

    def options(self) -> dict[str, Any]:
        """Keyword arguments for any ``httpx.AsyncClient`` (or subclass) on this target."""
        return {"base_url": self.base_url, "transport": self.transport, **self.client_options}


@dataclass(frozen=True)
class Settings:
    """What a contender is told: the account, and how early to refresh, if at all."""

    username: str
    password: str
    #: A valid token, for the static-header floor (which never logs in).
    token: str
    #: Seconds before expiry to refresh; ``None`` keeps each library's default.
    leeway: float | None = None


Contender = Callable[[Target, Settings], AbstractAsyncContextManager[Get]]


# -- the floor ----------------------------------------------------------------------------


@asynccontextmanager
async def static_header(target: Target, settings: Settings) -> AsyncIterator[Get]:
    """Raw httpx with a fixed ``Authorization`` header: no login, no refresh, no replay."""
    headers = {"Authorization": f"Bearer {settings.token}"}
    async with httpx.AsyncClient(headers=headers, **target.options()) as http:
        yield partial(http.get, PATH)


# -- wxm_async ----------------------------------------------------------------------------


@asynccontextmanager
async def wxm_async(target: Target, settings: Settings) -> AsyncIterator[Get]:
    """``WXMAuth`` on an ``httpx.AsyncClient``: it logs in on the first request."""
    options: dict[str, Any] = {}
    if settings.leeway is not None:
        options["refresh_leeway"] = settings.leeway
    auth = WXMAuth(settings.username, settings.password, **options)
    async with httpx.AsyncClient(auth=auth, **target.options()) as http:
        yield partial(http.get, PATH)


# -- Authlib ------------------------------------------------------------------------------


@asynccontextmanager
async def authlib(target: Target, settings: Settings) -> AsyncIterator[Get]:
    """Authlib's ``AsyncOAuth2Client``: ``fetch_token`` with the password grant, then requests.

    Its docs: create the client with the token endpoint, call ``fetch_token`` with
    ``username`` and ``password`` (the grant type is inferred), then use the client.
    WXM has no client id or secret, so none is given.
    """
    options: dict[str, Any] = {}
    if settings.leeway is not None:
        options["leeway"] = settings.leeway
    async with AsyncOAuth2Client(
        token_endpoint=target.token_url, **options, **target.options()
    ) as client:
        await client.fetch_token(username=settings.username, password=settings.password)
        yield partial(client.get, PATH)


# -- httpx-auth ---------------------------------------------------------------------------


@asynccontextmanager
async def httpx_auth_password(target: Target, settings: Settings) -> AsyncIterator[Get]:
    """httpx-auth's ``OAuth2ResourceOwnerPasswordCredentials`` as the client's auth.

    It fetches tokens with its own synchronous ``httpx.Client``, which cannot reach an
    ASGI app in process: its token URL is always the same fake over loopback.
    """
    options: dict[str, Any] = {}
    if settings.leeway is not None:
        options["early_expiry"] = settings.leeway
    auth = httpx_auth.OAuth2ResourceOwnerPasswordCredentials(
        target.loopback_token_url, settings.username, settings.password, **options
    )
    async with httpx.AsyncClient(auth=auth, **target.options()) as http:
        yield partial(http.get, PATH)


#: Every contender, by the name the report gives it; the floor first.
CONTENDERS: dict[str, Contender] = {
    "static header (floor)": static_header,
    "wxm_async": wxm_async,
    "Authlib": authlib,
    "httpx-auth": httpx_auth_password,
}
#: The package whose version the report gives for each contender.
PACKAGES = {
    "static header (floor)": "httpx",
    "wxm_async": "wxm-async",
    "Authlib": "authlib",
    "httpx-auth": "httpx-auth",
}


def forget_cached_tokens() -> None:
    """Empty httpx-auth's token cache: it is process-wide, shared by every instance."""
    httpx_auth.OAuth2.token_cache.clear()
