"""The auth's work beyond the fast path: getting a token, and judging a token that met 401.

Each piece is a *sub-flow*: an async generator that yields the requests it needs sent
(a login, a probe) and, last, its result. ``WXMAuth.async_auth_flow`` drives them, so
that every request still travels through the caller's own client, and a sub-flow
closed by httpx cleans up in its ``finally``.

The 401 rule. A request whose token met 401 is replayed once per rejected token, at
most ``MAX_SENDS`` sends in all. If the rejected token is still the store's current
one, a cheap probe with it (``GET /api/Profile``, one per token however many requests
met the 401) tells whether it is dead (forget it, log in once, replay) or alive (the
endpoint refuses this token: the 401 is the answer, and is remembered for
``REFUSAL_MEMORY`` seconds for that method and path, so a refusing endpoint costs
neither logins nor probes). If another token is current, the request is replayed with
it at once: that covers revocations in a chain.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Callable
from typing import TypeVar

import anyio
import httpx
from attrs import define, field

from ._body import LOGIN_ANSWER_LIMIT, read_capped, was_read
from ._config import two_factor_parts
from ._emit import Emitter
from ._exceptions import LoginInterruptedError, WXMError
from ._login import interpret_login, login_request, login_url, probe_request
from ._redact import redacted, without_query
from ._stores._protocol import LoginTurn, TokenStore
from ._stores._token import CachedToken
from .events import LoginFailed, LoginSkipped, LoginStarted, LoginSucceeded, TokenRefreshing

__all__ = ["MAX_SENDS", "REFUSAL_MEMORY", "Flow", "Recovery", "read_small"]

T = TypeVar("T")

#: A sub-flow: yields requests to send, and its result last.
Flow = AsyncGenerator[httpx.Request | T, httpx.Response]

_log = logging.getLogger("wxm_async.auth")

#: The most times one request is sent: the first send and four replays (one per token
#: WXM rejected; a token that dies in flight under load, or a revocation in a chain,
#: each take one).
MAX_SENDS = 5
#: How long, in seconds, a live token's refusal by one endpoint is remembered.
REFUSAL_MEMORY = 60.0
#: How many abandoned logins a request waits through before it gives up.
_MAX_ABANDONED_LOGINS = 2
#: The most bytes of an answer the auth reads before it sends another request.
_SMALL = 64 * 1024
#: The most time, in seconds, spent reading such an answer.
_SMALL_READ_TIME = 2.0
#: The most time, in seconds, spent reading a login's answer once its headers arrived.
LOGIN_READ_TIME = 30.0
#: The most refusals remembered at once.
_MAX_REFUSALS = 1024


async def read_small(response: httpx.Response) -> None:
    """Read an answer the auth does not need, if it is small; else close it.

    Bounded in bytes (64 KiB, by its Content-Length) and in time (2 s, or the read
    timeout if shorter), by the one capped reader. httpx reads the answer again after
    the flow has sent the next request: it finds the bytes read here, or none. A
    compressed body is dropped, never inflated.
    """
    if was_read(response):
        return
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if _content_length(response) is not None and encoding in ("", "identity"):
        try:
            await read_capped(response, _SMALL, what="a 401's body", within=_SMALL_READ_TIME)
        except (WXMError, httpx.ReadTimeout):
            pass  # too large or too slow after all: dropped below
        else:
            return
    await response.aclose()
    # httpx 0.28 keeps a read body here; aread() after the flow then returns it.
    response._content = b""


async def _read_login(response: httpx.Response) -> WXMError | None:
    """Read a login's answer, capped; the error that makes it unreadable, if any.

    An answer too large or in a coding we do not read is the login's outcome, shared
    with everyone who waited on it, not an abandoned login.
    """
    request = redacted(response.request, keep_body=False)
    try:
        await read_capped(
            response,
            LOGIN_ANSWER_LIMIT,
            what="the LoginToken answer",
            request=request,
            within=LOGIN_READ_TIME,
        )
    except WXMError as error:
        return error
    return None


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length", "")
    if value.isascii() and value.isdigit() and int(value) <= _SMALL:
        return int(value)
    return None


@define(eq=False)
class _Probe:
    """A probe in flight for one token; the requests that met its 401 wait on it.

    ``alive`` is ``True`` for a success, ``False`` for a 401, ``None`` when the answer
    tells neither (a 429, a 5xx): then the 401 stands, and nobody logs in on a guess.
    """

    done: anyio.Event = field(factory=anyio.Event)
    alive: bool | None = None
    abandoned: bool = False  # cancelled, or failed in transport: the waiters probe again


@define(eq=False, repr=False)
class Recovery:
    """What ``WXMAuth`` knows and decides beyond its fast path.

    Its ``repr()`` shows no credential: tracebacks that capture locals show it.
    """

    store: TokenStore
    clock: Callable[[], float]
    username: str  # as sent, with a two-factor code if any
    password: str = field(repr=False)
    token_url: httpx.URL | None
    max_leeway: float
    allow_insecure_http: bool
    events: Emitter = field(factory=Emitter)
    _probes: dict[str, _Probe] = field(factory=dict, init=False)
    _refused: dict[tuple[str, str, str], float] = field(factory=dict, init=False)

    def __repr__(self) -> str:
        return f"Recovery(username={self.display_name!r})"

    @property
    def display_name(self) -> str:
        """The user name without a two-factor code."""
        return two_factor_parts(self.username)[0]

    # -- getting a token ------------------------------------------------------------

    async def token(self, request: httpx.Request, stale: CachedToken | None) -> Flow[CachedToken]:
        """Get a token other than ``stale``: from the store, another login, or a login.

        Raises:
            ConfigurationError: The login would post the password in clear.
            WXMError: The login failed, or was rejected within the failure window.
            LoginInterruptedError: The login waited on was abandoned twice.
        """
        url = login_url(request, self.token_url, allow_insecure_http=self.allow_insecure_http)
        claim = await self._claim(request, stale)
        if isinstance(claim, CachedToken):
            yield claim
            return
        outcome: CachedToken | WXMError | None = None
        login = login_request(request, url, username=self.username, password=self.password)
        requested_at = self.clock()
        try:
            if self.events.listeners:  # in the try: a callback's BaseException settles the claim
                self._login_started(url, stale)
            _log.debug("logging in to %s as %r", url, self.display_name)
            response = yield login
            unreadable = await _read_login(response)
            outcome = unreadable or interpret_login(
                response,
                username=self.display_name,
                requested_at=requested_at,
                sent=login,
                received_at=self.clock(),
                max_leeway=self.max_leeway,
                secrets=(self.password, two_factor_parts(self.username)[1]),
            )
            # httpx keeps the login's answer in the caller's response.history: drop the
            # token from it.
            response._content = b""
        finally:
            # Runs when cancelled or closed, too: drop the password, wake the waiters.
            with anyio.CancelScope(shield=True):
                login.forget_password()
                await self.store.settle(claim, outcome)
            if self.events.listeners:
                self._login_ended(outcome, requested_at)
        yield self._after_login(outcome, stale)

    async def _claim(
        self, request: httpx.Request, stale: CachedToken | None
    ) -> CachedToken | LoginTurn:
        """A token other than ``stale`` from the store, or this request's turn to log in.

        Raises:
            WXMError: A login failed within the failure window (or the one waited on).
            LoginInterruptedError: The login waited on was abandoned twice.
        """
        for _ in range(_MAX_ABANDONED_LOGINS):
            try:
                claim = await self.store.claim(stale, self.clock())
            except WXMError as error:
                if self.events.listeners:
                    self.events.emit(
                        LoginSkipped(
                            username=self.display_name,
                            error_type=type(error).__name__,
                            status_code=getattr(error, "status_code", None),
                        )
                    )
                raise
            if claim is not None:
                return claim
        raise LoginInterruptedError(
            "the login this request waited on was abandoned twice "
            "(the requests performing it were cancelled or failed in transport)",
            request=redacted(request),
        )

    def _login_started(self, url: httpx.URL, stale: CachedToken | None) -> None:
        now = self.clock()
        if stale is not None and stale.still_serves(current=self.store.current(), now=now):
            # The token this request found was due, not rejected: a proactive refresh.
            self.events.emit(
                TokenRefreshing(username=self.display_name, expires_in=stale.expires_at - now)
            )
        self.events.emit(LoginStarted(username=self.display_name, url=str(without_query(url))))

    def _login_ended(self, outcome: CachedToken | WXMError | None, requested_at: float) -> None:
        now = self.clock()
        if isinstance(outcome, CachedToken):
            self.events.emit(
                LoginSucceeded(
                    username=self.display_name,
                    duration=now - requested_at,
                    expires_in=outcome.expires_at - now,
                )
            )
        else:
            self.events.emit(
                LoginFailed(
                    username=self.display_name,
                    duration=now - requested_at,
                    error_type="abandoned" if outcome is None else type(outcome).__name__,
                    status_code=getattr(outcome, "status_code", None),
                )
            )

    def _after_login(
        self, outcome: CachedToken | WXMError | None, stale: CachedToken | None
    ) -> CachedToken:
        """Return the token a login gave, or the still-valid one if a refresh failed."""
        if isinstance(outcome, CachedToken):
            _log.info(
                "logged in as %r; the token lives %.0f s",
                self.display_name,
                outcome.expires_at - self.clock(),
            )
            return outcome
        assert outcome is not None  # an abandoned login raised before getting here
        if stale is not None and stale.still_serves(current=self.store.current(), now=self.clock()):
            _log.warning(
                "could not refresh the WXM token, keeping the current one until it expires: %s",
                outcome,
            )
            return stale
        _log.debug("the login failed: %s", outcome)
        raise outcome

    # -- judging a token that met 401 -----------------------------------------------

    def refuses(self, request: httpx.Request, token: CachedToken) -> bool:
        """Whether this endpoint was seen refusing ``token`` while it lived, lately."""
        until = self._refused.get(_route(request, token))
        return until is not None and self.clock() < until

    async def alive(self, request: httpx.Request, token: CachedToken) -> Flow[bool | None]:
        """Ask WXM, once per token, whether ``token`` (which met 401) still lives.

        Yields the probe if no other request is probing this token; its last item is
        the verdict: ``True`` if the token works elsewhere, ``False`` if WXM refused it
        too, ``None`` if the probe's answer tells neither (see ``_Probe``).
        """
        key = token.authorization
        while (waited := self._probes.get(key)) is not None:
            await waited.done.wait()
            if not waited.abandoned:
                yield waited.alive
                return
        probe = self._probes[key] = _Probe()
        sent = probe_request(request, token.authorization)
        try:
            response = yield sent
            if response.is_success:
                probe.alive = True
            elif response.status_code == 401:
                probe.alive = False
            await read_small(response)
        except BaseException:
            sent.headers.pop("Authorization", None)  # no token in the exception
            probe.abandoned = probe.alive is None
            raise
        finally:
            del self._probes[key]
            probe.done.set()
        _log.debug(
            "the token that met 401 on %s %s is %s",
            request.method,
            without_query(request.url),
            {True: "alive: the endpoint refuses it", False: "dead", None: "unknown"}[probe.alive],
        )
        if probe.alive:
            if len(self._refused) >= _MAX_REFUSALS:
                self._refused.clear()
            self._refused[_route(request, token)] = self.clock() + REFUSAL_MEMORY
        yield probe.alive


def _route(request: httpx.Request, token: CachedToken) -> tuple[str, str, str]:
    return (token.authorization, request.method, request.url.path)
