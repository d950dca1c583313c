"""The fake WXM: an ASGI app that answers like WXM, with controls for tests.

This module holds the app itself: routing, the credential check, the login route, and
the controls a test turns. Accounts, API keys and tokens live in ``_accounts``; the
resources in ``_world`` (state), ``_catalog`` and ``_answers`` (seeded data),
``_filters`` (FilterBy) and ``_routes_*`` (one module per API area); faults, the rate
limit and sending an answer in ``_faults``; the HTTP vocabulary in ``_wire``. Where WXM's documentation is silent, the choice
made here is listed in ``docs/reference/fake-wxm.md``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from datetime import datetime
from typing import Any

import anyio
import httpx

from . import (
    _accounts,
    _routes_account,
    _routes_analytics,
    _routes_answers,
    _routes_delivery,
    _routes_invitations,
    _routes_merged,
    _routes_questions,
    _routes_survey_tokens,
    _routes_surveys,
    _routes_token_files,
)
from ._accounts import FAKE_PASSWORD, FAKE_USERNAME
from ._faults import (
    ConnectionDropped,
    Fault,
    Faults,
    RateLimit,
    RateLimiter,
    emit,
    rate_limited,
    status_reply,
)
from ._pause import LoginPause
from ._wire import JSON_TYPE, Invalid, NotFound, Reply, Request, Route, find_route, ok
from ._world import World

__all__ = ["DENIED_MESSAGE", "WXM_FAKE_URL", "FakeWXM"]

WXM_FAKE_URL = "https://wxm.test"
"""The base URL to send to a fake in process (``transport()``): the host is never contacted."""
DENIED_MESSAGE = "Authorization has been denied for this request."
"""WXM's message in the 401 answer to a request without valid credentials."""
DEFAULT_RESPONSES = 120
"""How many survey responses a fake has unless told otherwise."""
MAX_RESPONSES = 100_000_000  # one per 15 minutes: the last is dated before the year 5000
DEFAULT_MAX_PAGE_SIZE = 1000
"""The most rows a page of responses may have unless told otherwise."""
_IN_PROCESS = "wxm_async.fake.in_process"  # scope key set by FakeWXM.transport()

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class _InProcessTransport(httpx.ASGITransport):
    """ASGITransport that marks its requests as in process and maps a dropped connection."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None


def _check_size(accounts: _accounts.Accounts, responses: int, max_page_size: int) -> None:
    """Refuse a fake without an account, or with a response count or page size out of range."""
    if not accounts.passwords:
        raise ValueError("FakeWXM needs at least one account")
    if not 0 <= responses <= MAX_RESPONSES or max_page_size < 1:
        raise ValueError(
            f"responses must be from 0 to {MAX_RESPONSES:,}, and max_page_size at least 1"
        )


class FakeWXM:
    """A fake WXM server: an ASGI app with WXM's login, its resources and its errors.

    Run it in process with ``transport()``, or on a loopback socket with
    ``wxm_async.testing.serve``. Tokens it issues expire on its own monotonic clock.
    Its data (questions, responses, delivery plans, sub-users...) is generated from
    ``seed``: two fakes with the same arguments serve the same data.

    Args:
        accounts: User names and their passwords. Default: one account,
            ``FAKE_USERNAME`` (``demo``) with password ``FAKE_PASSWORD``
            (``demo-password``). The first account owns the data.
        token_lifetime: How long issued tokens live, in whole seconds (WXM: 43,200).
        bad_login_status: The status of a login with wrong credentials; WXM's own is
            not documented (400, OWIN's ``invalid_grant``, or 401).
        clock: A monotonic clock in seconds, for token expiry and the rate limit;
            replace it only in tests.
        seed: Seeds the generated data.
        responses: How many survey responses the account has (made on demand, so
            100,000 or more cost no memory).
        page_base: The number of the first page of responses (WXM's is undocumented;
            its .NET SDK starts at 0). Sub-user pages start at 1, as in that SDK.
        max_page_size: The most ``rows`` a page of responses may have; more is a 400.
        rate_limit: A request-rate limit, or None (the default) for none.
        tidy: ``False`` (the default) answers as WXM does: ``null`` for unset lists
            and strings, optional fields left out, fields the client does not know,
            naive and seven-digit dates, .NET's ``0001-01-01T00:00:00`` for "never".
            ``True`` answers with tidy records instead: ``[]`` for empty lists, every
            field present, ISO dates in UTC with milliseconds. The quirks and their
            sources are listed in ``docs/reference/fake-wxm.md``.

    Attributes:
        logins: Successful logins so far.
        login_attempts: Logins tried so far, successful or not.
        requests: Requests per route, keyed like ``"GET /api/Questions/Active"``.
        unauthenticated: Requests to protected routes that came without credentials.
        denied: Requests answered 401 for missing, wrong, revoked or expired credentials.
        rate_limited: Requests answered 429 by the rate limit.
        token_lifetime: The lifetime of tokens issued from now on, in seconds.
        two_factor_code: When set, logins need ``"<user>#<code>"`` as the user name.
        rate_limit: The request-rate limit (a ``RateLimit``), or None; change it any time.
        surveys: What respondents did through the anonymous survey routes: the
            responses submitted (``surveys.submitted``) and the partial saves
            (``surveys.partials``, by ``partialResponseId``).
    """

    def __init__(
        self,
        *,
        accounts: Mapping[str, str] | None = None,
        token_lifetime: int = 43_200,
        bad_login_status: int = 400,
        clock: Callable[[], float] = time.monotonic,
        seed: int = 0,
        responses: int = DEFAULT_RESPONSES,
        page_base: int = 0,
        max_page_size: int = DEFAULT_MAX_PAGE_SIZE,
        rate_limit: RateLimit | None = None,
        tidy: bool = False,
    ) -> None:
        self._accounts = _accounts.Accounts(
            accounts if accounts is not None else {FAKE_USERNAME: FAKE_PASSWORD}
        )
        _check_size(self._accounts, responses, max_page_size)
        self._login_failures: list[Reply] = []
        self._pause: LoginPause | None = None
        self._faults = Faults()
        self._limiter = RateLimiter()
        self._clock = clock
        self.token_lifetime = token_lifetime
        self.bad_login_status = bad_login_status
        self.two_factor_code: str | None = None
        self.rate_limit = rate_limit
        self.logins = 0
        self.login_attempts = 0
        self.requests: Counter[str] = Counter()
        self.unauthenticated = 0
        self.denied = 0
        self.rate_limited = 0
        self._world = World(
            user=next(iter(self._accounts.passwords)),
            seed=seed,
            responses=responses,
            page_base=page_base,
            max_page_size=max_page_size,
            tidy=tidy,
        )
        self.surveys = _routes_surveys.SurveyLog()
        self._routes = self._all_routes()

    def _all_routes(self) -> list[Route]:
        """The login, the account routes, and each API area's routes on this fake's world."""
        routes = [
            Route("POST", "/api/LoginToken", self._login_route, protected=False),
            *_accounts.routes(self._accounts),
        ]
        for area in (
            _routes_questions,
            _routes_answers,
            _routes_survey_tokens,
            _routes_token_files,  # its QR route before the survey routes
            _routes_delivery,
            _routes_invitations,
            _routes_account,
            _routes_analytics,
        ):
            routes.extend(area.routes(self._world))
        routes.extend(_routes_surveys.routes(self._world, self.surveys))
        routes.extend(_routes_merged.routes(self._world, self.surveys))
        return routes

    @property
    def invitations(self) -> list[dict[str, Any]]:
        """The invitations asked for (``POST /api/RequestInvitation``), oldest first.

        Each is ``{"token", "channel" ("email" or "sms"), "to", "name", "subject",
        "template", "uniqueBy", "at"}``; the fake sends nothing.
        """
        return self._world.invitations

    @property
    def username(self) -> str:
        """The account that owns the fake's data: the first of ``accounts``."""
        return self._world.user

    def __repr__(self) -> str:
        return f"FakeWXM(accounts={sorted(self._accounts.passwords)!r}, logins={self.logins})"

    # -- controls ---------------------------------------------------------------------

    def transport(self) -> httpx.ASGITransport:
        """Return an httpx transport that sends requests to this fake, in process."""
        fake = self

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            await fake(dict(scope, **{_IN_PROCESS: True}), receive, send)

        return _InProcessTransport(app=app)

    def revoke_all_tokens(self) -> None:
        """Make every token issued so far invalid, as if WXM revoked them."""
        self._accounts.tokens.clear()

    def fail_next_logins(
        self, count: int, *, status: int = 503, body: object = None, raw: bytes | None = None
    ) -> None:
        """Reply the next ``count`` logins with ``status`` and ``body`` (JSON) or ``raw`` bytes."""
        reply = Reply(status, body, raw, "text/html" if raw is not None else JSON_TYPE)
        self._login_failures.extend([reply] * count)

    def pause_logins(self) -> LoginPause:
        """Hold every login at the door until ``release()`` on the returned pause."""
        self._pause = LoginPause()
        return self._pause

    def lock_account(self, username: str) -> None:
        """Lock ``username`` out: its logins fail as WXM's do for a locked account."""
        self._accounts.locked.add(username)

    def api_key(self, username: str) -> str:
        """Return ``username``'s API key, generating one if it has none."""
        return self._accounts.api_key(username)

    def fail_next(
        self,
        count: int = 1,
        *,
        route: str | None = None,
        status: int = 503,
        retry_after: float | datetime | None = None,
        body: object = None,
        raw: bytes | None = None,
    ) -> None:
        """Reply the next ``count`` requests to ``route`` with an error status.

        Args:
            count: How many requests to answer so.
            route: Which routes: None for every route but the login, or a method and a
                path or template, glob allowed, case ignored: ``"GET /api/Questions/Active"``,
                ``"POST /api/answers/page/{page}/{rows}"``, ``"/api/answers*"``.
            status: The status, e.g. 429, 500, 502, 503.
            retry_after: A ``Retry-After`` header: seconds (rounded up) or a datetime
                (sent as an HTTP date); None sends none.
            body: The JSON body; default ``{"message": ...}`` in WXM's words.
            raw: Bytes to send as ``text/html`` instead of a JSON body.
        """
        reply = status_reply(status, retry_after_value=retry_after, body=body, raw=raw)
        self._faults.add(route, Fault("status", reply), count)

    def drop_next(self, count: int = 1, *, route: str | None = None) -> None:
        """Drop the connection of the next ``count`` requests to ``route`` instead of answering.

        The request is counted but not handled. In process the client's request raises
        ``httpx.RemoteProtocolError``; over a socket the fake sends the status line and
        headers, then closes, and reading the body raises ``httpx.RemoteProtocolError``.
        ``route`` is as for ``fail_next``.
        """
        self._faults.add(route, Fault("drop"), count)

    def slow_next(
        self, count: int = 1, *, route: str | None = None, chunk_size: int = 16, delay: float = 0.05
    ) -> None:
        """Send the next ``count`` answers of ``route`` slowly: ``chunk_size`` bytes per ``delay`` seconds.

        ``route`` is as for ``fail_next``. In process, httpx collects the whole body before
        returning, so the client sees the delay but not the chunks.
        """
        self._faults.add(route, Fault("slow", chunk_size=chunk_size, delay=delay), count)

    def delay_next(self, count: int = 1, *, route: str | None = None, seconds: float) -> None:
        """Wait ``seconds`` before handling each of the next ``count`` requests to ``route``.

        Works in process and over a socket; for logins, ``route="POST /api/LoginToken"``.
        ``route`` is otherwise as for ``fail_next``.
        """
        self._faults.add(route, Fault("delay", delay=seconds), count)

    def clear_faults(self) -> None:
        """Forget every fault queued by ``fail_next``, ``drop_next``, ``slow_next``, ``delay_next``."""
        self._faults.clear()

    # -- ASGI -------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope."""
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request = Request(scope["method"], scope["path"], headers, body)
        fault: Fault | None = None
        found = find_route(self._routes, request)
        if isinstance(found, Reply):
            reply = found
        else:
            route, params = found
            self.requests[route.key] += 1
            fault = self._faults.take(route, request.path)
            if fault is not None and fault.kind == "delay":
                await anyio.sleep(fault.delay)
                fault = None
            if fault is not None and fault.kind == "status":
                assert fault.reply is not None
                reply = fault.reply
            elif fault is not None and fault.kind == "drop":
                reply = Reply(200, None)
            else:
                reply = await self._handle(route, params, request)
        await emit(send, reply, fault, in_process=bool(scope.get(_IN_PROCESS)))

    async def _handle(self, route: Route, params: dict[str, str], request: Request) -> Reply:
        if route.protected:
            user = self._authenticate(request)
            if user is None:
                self.denied += 1
                return Reply(401, {"message": DENIED_MESSAGE})
            limit = self.rate_limit
            if limit is not None:
                wait = self._limiter.wait(limit, user, self._clock())
                if wait is not None:
                    self.rate_limited += 1
                    return rate_limited(limit, wait)
            request = Request(request.method, request.path, request.headers, request.body, user)
        try:
            reply = route.handler(request, **params)
            return await reply if isinstance(reply, Awaitable) else reply
        except (Invalid, NotFound) as problem:
            return problem.reply()

    def _authenticate(self, request: Request) -> str | None:
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if not credentials:
            self.unauthenticated += 1
            return None
        return self._accounts.user_of(scheme, credentials, self._clock())

    # -- the login ----------------------------------------------------------------------

    async def _login_route(self, request: Request) -> Reply:
        self.login_attempts += 1
        if self._pause is not None:
            await self._pause.wait()
        if self._login_failures:
            return self._login_failures.pop(0)
        user = self._accounts.check_login(
            request, two_factor_code=self.two_factor_code, bad_login_status=self.bad_login_status
        )
        if isinstance(user, Reply):
            return user
        self.logins += 1
        return ok(self._accounts.issue(user, lifetime=self.token_lifetime, now=self._clock()))
