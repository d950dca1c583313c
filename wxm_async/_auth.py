"""``WXMAuth``: WXM's password login, run inside httpx's auth hook.

The flow, for each request:

1. Fast path: a token that is not yet due for refresh is set as the header and the
   request goes out. No lock, no await.
2. Otherwise the token store decides: use a newer token, keep using the old one while
   another request refreshes it, wait for the login in flight, or log in. The login is
   *yielded*, so it travels through the caller's client, transport and event hooks.
3. A 401 on an authorized request is replayed once: with the token another request
   already obtained, or after one new login shared by everyone who met the same 401.

No lock is held across a ``yield``: httpx may close the flow from anywhere, and a lock
held there could never be released.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from typing import Self

import anyio
import httpx

from ._body import LOGIN_ANSWER_LIMIT, read_capped
from ._config import credentials_from_env
from ._exceptions import (
    ConfigurationError,
    LoginInterruptedError,
    RequestNotReplayableError,
    WXMError,
)
from ._login import interpret_login, login_request
from ._store import DEFAULT_REFRESH_LEEWAY, CachedToken, MemoryTokenStore, TokenStore

__all__ = ["WXMAuth"]

_log = logging.getLogger("wxm_async.auth")

#: How many abandoned logins a request waits through before it gives up.
_MAX_ABANDONED_LOGINS = 2


class WXMAuth(httpx.Auth):
    """Authenticate httpx requests to WXM with a user name and a password or API key.

    One ``WXMAuth`` serves any number of concurrent requests with one login: it logs in
    on the first request, refreshes the token before it expires, and replays a request
    once when WXM answers 401. Use it with ``httpx.AsyncClient`` (on asyncio or trio).

    It sends its token only to the origin (scheme, host, port) of the first request it
    authorizes: a request elsewhere raises ``ConfigurationError`` before anything is
    sent.

    Args:
        username: The WXM user name.
        password: The password or, better, an API key (WXM accepts either).
        token_url: Where to log in. Default: ``/api/LoginToken`` at the origin of the
            request being authorized.
        store: Where the token lives and how concurrent requests agree on one login.
            Default: a new ``MemoryTokenStore``, private to this auth.
        refresh_leeway: The most time, in seconds, before expiry at which the token is
            refreshed. Short-lived tokens are refreshed at 90% of their life instead.
        clock: A monotonic clock in seconds; replace it only in tests.

    Raises:
        ConfigurationError: ``username`` or ``password`` is empty.

    Example:
        ```python
        auth = WXMAuth.from_env()
        async with httpx.AsyncClient(base_url="https://api.getcloudcherry.com", auth=auth) as http:
            response = await http.get("/api/Questions/Active")
        ```
    """

    def __init__(
        self,
        username: str,
        password: str,
        *,
        token_url: str | httpx.URL | None = None,
        store: TokenStore | None = None,
        refresh_leeway: float = DEFAULT_REFRESH_LEEWAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not username:
            raise ConfigurationError("WXMAuth needs a user name")
        if not password:
            raise ConfigurationError("WXMAuth needs a password or API key")
        if refresh_leeway < 0:
            raise ConfigurationError(
                f"refresh_leeway must be 0 or more seconds, not {refresh_leeway}"
            )
        self._username = username
        self._password = password
        self._token_url = httpx.URL(token_url) if token_url is not None else None
        self._store: TokenStore = store if store is not None else MemoryTokenStore()
        self._refresh_leeway = refresh_leeway
        self._clock = clock
        self._origin: tuple[str, str, int | None] | None = None

    @classmethod
    def from_env(
        cls,
        *,
        environ: Mapping[str, str] | None = None,
        token_url: str | httpx.URL | None = None,
        store: TokenStore | None = None,
        refresh_leeway: float = DEFAULT_REFRESH_LEEWAY,
    ) -> Self:
        """Build a ``WXMAuth`` from ``WXM_USERNAME`` and ``WXM_API_KEY`` (or ``WXM_PASSWORD``).

        Args:
            environ: Where to read the variables; default ``os.environ``.
            token_url: As for the constructor.
            store: As for the constructor.
            refresh_leeway: As for the constructor.

        Raises:
            ConfigurationError: A variable is missing; the message names it.
        """
        username, secret = credentials_from_env(os.environ if environ is None else environ)
        return cls(
            username, secret, token_url=token_url, store=store, refresh_leeway=refresh_leeway
        )

    @property
    def username(self) -> str:
        """The WXM user name this auth logs in as, without a two-factor code.

        WXM takes a two-factor code as ``"<user>#<code>"``; the code is a secret and is
        left out here, and so out of every log line and message.
        """
        return self._username.partition("#")[0]

    @property
    def store(self) -> TokenStore:
        """The token store; ``store.current()`` is the token in use, if any."""
        return self._store

    def __repr__(self) -> str:
        token_url = f", token_url={str(self._token_url)!r}" if self._token_url is not None else ""
        return f"WXMAuth(username={self.username!r}{token_url})"

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Refuse synchronous clients: ``WXMAuth`` needs ``httpx.AsyncClient``.

        Raises:
            ConfigurationError: Always.
        """
        raise ConfigurationError("WXMAuth works with httpx.AsyncClient, not httpx.Client")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Authorize ``request``, logging in or replaying it once after a 401 as needed.

        Raises:
            ConfigurationError: ``request`` goes to another origin than this auth serves.
            AuthenticationError: WXM rejected the login.
            APIStatusError: The login failed with another status (5xx, ...).
            DecodeError: The login answer was malformed.
            LoginInterruptedError: The login this request waited on was abandoned twice.
            RequestNotReplayableError: A 401 met a body that was a one-shot stream.
        """
        self._check_origin(request)
        token = self._store.current()
        replayed = False
        if token is not None and self._clock() < token.refresh_at:
            # The fast path: no lock, no await.
            request.headers["Authorization"] = token.authorization
            response = yield request
            if response.status_code != 401:
                return
            await self._prepare_replay(request, response, token)
            replayed = True
        stale = token  # the token this request cannot use: missing, due, or rejected
        abandoned = 0
        while True:
            claim = await self._store.claim(stale, self._clock())
            if claim is None:
                abandoned += 1
                if abandoned == _MAX_ABANDONED_LOGINS:
                    raise LoginInterruptedError(
                        "the login this request waited on was abandoned twice "
                        "(the requests performing it were cancelled or failed in transport)",
                        request=request,
                    )
                continue
            if isinstance(claim, CachedToken):
                token = claim
                own_login = False
            else:
                outcome: CachedToken | WXMError | None = None
                try:
                    login = login_request(
                        request,
                        username=self._username,
                        password=self._password,
                        token_url=self._token_url,
                    )
                    _log.debug("logging in to %s as %r", login.url, self.username)
                    login_response = yield login
                    await read_capped(
                        login_response, LOGIN_ANSWER_LIMIT, what="the LoginToken answer"
                    )
                    outcome = interpret_login(
                        login_response,
                        username=self.username,
                        received_at=self._clock(),
                        max_leeway=self._refresh_leeway,
                    )
                finally:
                    # Runs when cancelled or closed, too: wake the waiters whatever happens.
                    with anyio.CancelScope(shield=True):
                        await self._store.settle(claim, outcome)
                token = self._after_login(outcome, stale)
                own_login = token is not stale
            request.headers["Authorization"] = token.authorization
            response = yield request
            if response.status_code != 401:
                return
            if replayed:
                if not own_login:
                    # Another request's login may have begun before WXM revoked the
                    # tokens: forget its token, so that the next request logs in afresh.
                    # A token this request's own login got, after its 401, is kept.
                    self._store.discard(token)
                return
            await self._prepare_replay(request, response, token)
            replayed = True
            stale = token

    def _after_login(
        self, outcome: CachedToken | WXMError | None, stale: CachedToken | None
    ) -> CachedToken:
        """Return the token a login gave, or the still-valid one if a refresh failed."""
        if isinstance(outcome, CachedToken):
            _log.info(
                "logged in as %r; the token lives %.0f s",
                self.username,
                outcome.expires_at - self._clock(),
            )
            return outcome
        assert outcome is not None  # an abandoned login raised before getting here
        if (
            stale is not None
            and self._store.current() is stale
            and self._clock() < stale.expires_at
        ):
            _log.warning(
                "could not refresh the WXM token, keeping the current one until it expires: %s",
                outcome,
            )
            return stale
        _log.warning("%s", outcome)
        raise outcome

    async def _prepare_replay(
        self, request: httpx.Request, response: httpx.Response, token: CachedToken
    ) -> None:
        """Get ready to replay ``request`` after WXM rejected ``token`` with a 401.

        Raises:
            RequestNotReplayableError: The body was a one-shot stream, already sent.
        """
        await response.aread()  # its connection goes back to the pool before we wait
        self._store.discard(token)
        if not isinstance(request.stream, httpx.ByteStream):
            raise RequestNotReplayableError(
                f"WXM rejected the token (401) for {request.method} {_without_query(request.url)}, and the "
                "request cannot be replayed: its body was a stream (an iterator or a multipart upload), "
                "already sent. Send bytes, json= or data= instead, or call request.read() first",
                request=request,
            )
        _log.debug(
            "WXM answered 401 to %s %s; replaying it once",
            request.method,
            _without_query(request.url),
        )

    def _check_origin(self, request: httpx.Request) -> None:
        url = request.url
        origin = (url.scheme, url.host, url.port)
        if self._origin is None:
            self._origin = origin
        elif origin != self._origin:
            raise ConfigurationError(
                f"this WXMAuth serves {_format_origin(self._origin)} and will not send its token to "
                f"{_format_origin(origin)}: use another client or auth for that host",
                request=request,
            )


def _without_query(url: httpx.URL) -> httpx.URL:
    return url.copy_with(query=None, fragment=None)


def _format_origin(origin: tuple[str, str, int | None]) -> str:
    scheme, host, port = origin
    return f"{scheme}://{host}" + (f":{port}" if port is not None else "")
