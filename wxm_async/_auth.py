"""``WXMAuth``: WXM's password login, run inside httpx's auth hook.

The flow, for each request:

1. Fast path: a token that is not yet due for refresh is set as the header and the
   request goes out. No lock, no await.
2. Otherwise the token store decides: use a newer token, keep using the old one while
   another request refreshes it, wait for the login in flight, raise a login rejected
   within the failure window, or log in. The login is *yielded*, so it travels
   through the caller's client, transport and event hooks.
3. A 401 is the auth's to recover from, whole (``_recovery``): the request is replayed
   once per token WXM rejected, with a newer token or after one shared login, and at
   most ``MAX_SENDS`` times in all. When the token still current meets 401, one cheap
   probe (``GET /api/Profile``) tells a dead token (log in again) from an endpoint that
   refuses a live one (the 401 is the answer, remembered for a while).

No lock is held across a ``yield``: httpx may close the flow from anywhere, and a lock
held there could never be released. If httpx closes the flow while a request is out
(a transport error, a cancellation), the request loses its ``Authorization`` header
and the login loses its body before the exception reaches the caller.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from contextlib import aclosing
from hmac import compare_digest
from typing import Self

import httpx
from attrs import define

from ._config import check_number, check_text, credentials_from_env
from ._emit import Emitter
from ._exceptions import ConfigurationError, RequestNotReplayableError
from ._recovery import MAX_SENDS, Recovery, read_small
from ._redact import redacted, without_query
from ._routes import url_template
from ._stores._memory import MemoryTokenStore
from ._stores._protocol import TokenStore
from ._stores._token import DEFAULT_REFRESH_LEEWAY, CachedToken
from .events import EventCallback, RequestReplayed

__all__ = ["WXMAuth"]

_log = logging.getLogger("wxm_async.auth")


class WXMAuth(httpx.Auth):
    """Authenticate httpx requests to WXM with a user name and a password or API key.

    One ``WXMAuth`` serves any number of concurrent requests with one login: it logs in
    on the first request, refreshes the token before it expires, and when WXM answers
    401 it replays the request once per token WXM rejected (at most five sends), after
    one shared login if the token died. Use it with ``httpx.AsyncClient`` (on asyncio
    or trio).

    It sends its token only to the origin (scheme, host, port) of the first request it
    authorizes: a request elsewhere raises ``ConfigurationError`` before anything is
    sent. It sends the password only to the token URL, never twice, never after a
    redirect, and never in clear over plain ``http://`` to a host that is not loopback
    (unless ``allow_insecure_http``).

    A rejected login is remembered for the store's failure window (30 s, doubling on
    each rejection in a row up to 10 min): meanwhile every request fails at once with
    ``AuthenticationError`` and WXM is not asked, so a wrong key cannot lock the
    account. ``clear_login_failure()`` ends the window early.

    Args:
        username: The WXM user name.
        password: The password or, better, an API key (WXM accepts either).
        token_url: Where to log in: absolute, or relative to the request being
            authorized. Default: ``/api/LoginToken`` below the request's prefix (what
            comes before its ``/api/``), so a gateway at ``https://gw.example/wxm``
            gets ``https://gw.example/wxm/api/LoginToken``.
        store: Where the token lives and how concurrent requests agree on one login.
            Default: a new ``MemoryTokenStore``, private to this auth.
        refresh_leeway: The most time, in seconds, before expiry at which the token is
            refreshed. Short-lived tokens are refreshed at 90% of their life instead.
        allow_insecure_http: Allow posting the password over plain ``http://`` to a
            host that is not loopback (127.0.0.0/8, ::1, localhost). Off by default.
        clock: A monotonic clock in seconds; replace it only in tests.
        on_event: A function called with each login, refresh and replay, as events
            from ``wxm_async.events`` (which hold no secret). It runs inline: keep it
            cheap. If it raises, the request goes on and the error is logged once.

    Raises:
        ConfigurationError: ``username`` or ``password`` is empty, not a string or
            not valid UTF-8 text, ``refresh_leeway`` is negative, NaN or infinite, or
            ``on_event`` is not callable.

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
        allow_insecure_http: bool = False,
        clock: Callable[[], float] = time.monotonic,
        on_event: EventCallback | None = None,
    ) -> None:
        if not username:
            raise ConfigurationError("WXMAuth needs a user name")
        if not password:
            raise ConfigurationError("WXMAuth needs a password or API key")
        check_text("WXMAuth's user name", username)
        check_text("WXMAuth's password or API key", password)
        check_number("refresh_leeway", refresh_leeway, at_least=0)
        self._token_url = httpx.URL(token_url) if token_url is not None else None
        self._store: TokenStore = store if store is not None else MemoryTokenStore()
        self._clock = clock
        self._origin: tuple[str, str, int | None] | None = None
        self._accepted = 0  # answers other than 401 so far: WXM accepts some token
        self._events = Emitter(on_event)
        self._recovery = Recovery(
            store=self._store,
            clock=clock,
            username=username,
            password=password,
            token_url=self._token_url,
            max_leeway=float(refresh_leeway),
            allow_insecure_http=allow_insecure_http,
            events=self._events,
        )

    @classmethod
    def from_env(
        cls,
        *,
        environ: Mapping[str, str] | None = None,
        token_url: str | httpx.URL | None = None,
        store: TokenStore | None = None,
        refresh_leeway: float = DEFAULT_REFRESH_LEEWAY,
        allow_insecure_http: bool = False,
        on_event: EventCallback | None = None,
    ) -> Self:
        """Build a ``WXMAuth`` from ``WXM_USERNAME`` and ``WXM_API_KEY`` (or ``WXM_PASSWORD``).

        Args:
            environ: Where to read the variables; default ``os.environ``.
            token_url: As for the constructor.
            store: As for the constructor.
            refresh_leeway: As for the constructor.
            allow_insecure_http: As for the constructor.
            on_event: As for the constructor.

        Raises:
            ConfigurationError: A variable is missing; the message names it.
        """
        username, secret = credentials_from_env(os.environ if environ is None else environ)
        return cls(
            username,
            secret,
            token_url=token_url,
            store=store,
            refresh_leeway=refresh_leeway,
            allow_insecure_http=allow_insecure_http,
            on_event=on_event,
        )

    @property
    def username(self) -> str:
        """The WXM user name this auth logs in as, without a two-factor code.

        WXM takes a two-factor code as ``"<user>#<code>"``; the code is a secret and is
        left out here, and so out of every log line and message.
        """
        return self._recovery.display_name

    @property
    def store(self) -> TokenStore:
        """The token store; ``store.current()`` is the token in use, if any."""
        return self._store

    def clear_login_failure(self) -> None:
        """End the failure window after a rejected login: the next request logs in.

        Call it once the credentials work again (the account was unlocked, the key
        re-enabled). A new ``WXMAuth`` with other credentials and its own
        ``MemoryTokenStore`` needs no call: its store has not seen the rejection. A shared
        store (file, Redis) remembers a rejection for every process that uses it: call
        this on the auth that uses it, or wait for the window to end.
        """
        self._store.clear_failure()

    def discard(self, request: httpx.Request) -> None:
        """Forget the token ``request`` carried, if it is still this auth's current one.

        For when WXM ended that token's session (``client.account.logout()`` calls it):
        the next request logs in again instead of meeting a 401. A token the store has
        since replaced is left alone, and so is the new one. A shared store (file,
        Redis) forgets it in this process only; the others meet a 401 and recover.

        Args:
            request: The request that carried the token, as sent (``response.request``).
        """
        token = self._store.current()
        sent = request.headers.get("Authorization")
        if token is not None and sent is not None and _same(sent, token.authorization):
            self._store.discard(token)

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
        """Authorize ``request``: log in as needed, and recover from a 401.

        Raises:
            ConfigurationError: ``request`` goes to another origin than this auth
                serves, or the login would be sent in clear or was redirected.
            AuthenticationError: WXM rejected the login (now, or within the failure
                window).
            APIStatusError: The login failed with another status (5xx, ...).
            DecodeError: The login answer was malformed, or its token unusable.
            LoginInterruptedError: The login this request waited on was abandoned twice.
            RequestNotReplayableError: A 401 met a body that was a one-shot stream.
        """
        self._check_origin(request)
        token = self._store.current()
        stale = token  # the token this request cannot use: missing, due, or rejected
        if token is not None and token.due(self._clock()):
            token = None
        sends = _Sends()
        try:
            while True:
                if token is None:
                    flow = self._recovery.token(request, stale)
                    async with aclosing(flow):
                        item = await flow.__anext__()
                        while isinstance(item, httpx.Request):
                            item = await flow.asend((yield item))
                    token = item
                request.headers["Authorization"] = token.authorization
                response = yield request
                if self._is_answer(request, response, token, sends):
                    return
                refuses_all = sends.refuses_all(self._accepted, token, self._clock())
                await read_small(response)
                if token is self._store.current():
                    probed = False
                    verdict = self._recovery.alive(request, token)
                    async with aclosing(verdict):
                        judged = await verdict.__anext__()
                        while isinstance(judged, httpx.Request):
                            probed = True
                            judged = await verdict.asend((yield judged))
                    if self._stands(token, judged, refuses_all):
                        if not probed:
                            return  # the 401 is the answer
                        # httpx answers the caller with the last response: send the
                        # request once more, so that the answer is its own, not the probe's.
                        sends.answered = True
                        continue
                self._prepare_replay(request, sends.count)
                stale, token = token, None
        except BaseException:
            # Whatever ends the flow early (a transport error while sending or reading,
            # a cancellation, our own error): the request keeps no token for the
            # exception to carry.
            request.headers.pop("Authorization", None)
            raise

    def _is_answer(
        self, request: httpx.Request, response: httpx.Response, token: CachedToken, sends: _Sends
    ) -> bool:
        """Count a send; tell whether ``response`` is the caller's answer, not to be replayed."""
        sends.count += 1
        if response.status_code != 401:
            self._accepted += 1
            return True
        # After a probe, a 401 is final; and an endpoint seen refusing this live token
        # lately answers with its 401.
        return sends.count == MAX_SENDS or sends.answered or self._recovery.refuses(request, token)

    def _stands(self, token: CachedToken, judged: bool | None, refuses_all: bool) -> bool:
        """Whether a 401 the probe judged stands: the token lives, or no login would help.

        ``judged`` is the probe's verdict: ``False`` for a dead token, which is discarded,
        ``None`` when it could not tell.
        """
        if judged is False:
            self._store.discard(token)
        return judged is not False or refuses_all  # alive, unknown, or all refused

    def _prepare_replay(self, request: httpx.Request, sends: int) -> None:
        """Refuse to replay a request whose body is gone; log and tell the replay otherwise."""
        if not isinstance(request.stream, httpx.ByteStream):
            raise RequestNotReplayableError(
                f"WXM rejected the token (401) for {request.method} {without_query(request.url)}, "
                "and the request cannot be replayed: its body was a stream (an iterator or a "
                "multipart upload), already sent. Send bytes, json= or data= instead, or call "
                "request.read() first",
                request=redacted(request),
            )
        _log.debug(
            "WXM answered 401 to %s %s; replaying it with another token",
            request.method,
            without_query(request.url),
        )
        if self._events.listeners:
            self._events.emit(
                RequestReplayed(
                    method=request.method,
                    url_template=url_template(request.url.raw_path.decode("ascii")),
                    sends=sends,
                )
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
                request=redacted(request),
            )


@define
class _Sends:
    """What one request met on its way through 401s."""

    count: int = 0
    answered: bool = False  # a probe found the token alive, or could not tell: 401 is final
    accepted: int = -1  # answers not 401 through the auth when this request met its first
    first_refused: float = 0.0  # when it did

    def refuses_all(self, accepted: int, token: CachedToken, now: float) -> bool:
        """Whether WXM refuses every token, and another login will not help.

        So it does when ``token`` came from a login begun after this request's first 401
        and WXM has answered nothing but 401 since (``accepted`` answers not 401 through
        the auth, now). Remembers the first 401.
        """
        refused = self.accepted == accepted and _since(token, self.first_refused)
        if self.accepted < 0:
            self.accepted, self.first_refused = accepted, now
        return refused


def _since(token: CachedToken, moment: float) -> bool:
    """Whether ``token`` came from a login of this process begun at ``moment`` or later."""
    return token.requested_at is not None and token.requested_at >= moment


def _same(header: str, authorization: str) -> bool:
    """Whether a sent ``Authorization`` header is this token's, in constant time."""
    return compare_digest(header.encode(errors="replace"), authorization.encode())


def _format_origin(origin: tuple[str, str, int | None]) -> str:
    scheme, host, port = origin
    return f"{scheme}://{host}" + (f":{port}" if port is not None else "")
