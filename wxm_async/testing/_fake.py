"""The fake WXM: an ASGI app that answers like WXM, with controls for tests.

It serves WXM's auth surface as the project's API reference describes it, and a few
authenticated routes to call. Where WXM's documentation is silent, the choice made here
is listed in ``docs/reference/fake-wxm.md``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs

import anyio
import httpx
from attrs import define, field, frozen

__all__ = ["DENIED_MESSAGE", "FakeWXM", "LoginPause"]

DENIED_MESSAGE = "Authorization has been denied for this request."
"""WXM's message in the 401 answer to a request without valid credentials."""
_TWO_FACTOR_REQUIRED = "Valid Two Factor Secure Code Required, Enter Code Received"
_TWO_FACTOR_INVALID = "Invalid Two Factor Secure Code, Check For Code Sent To Your Email/Phone Or Contact Your Administrator"
_LOCKED_OUT = (
    "Your account has been locked out. Please contact your administrator for a fresh password "
    "or try reset password"
)
_BAD_CREDENTIALS = "The user name or password is incorrect."

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


@frozen
class _Answer:
    status: int
    body: object = None
    raw: bytes | None = None  # sent as it is, instead of body as JSON
    content_type: str = "application/json; charset=utf-8"

    def encoded(self) -> bytes:
        return self.raw if self.raw is not None else json.dumps(self.body).encode()


@frozen
class _Request:
    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    user: str | None = None  # who the credentials belong to, once checked


@frozen
class _Route:
    method: str
    template: str
    handler: Callable[..., _Answer | Awaitable[_Answer]]
    protected: bool = True
    pattern: re.Pattern[str] = field(init=False)

    def __attrs_post_init__(self) -> None:
        # WXM's routing ignores case.
        pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template), re.IGNORECASE)
        object.__setattr__(self, "pattern", pattern)


@frozen
class _IssuedToken:
    username: str
    expires_at: float


@define
class LoginPause:
    """Logins held at the door of the fake, for tests of what happens meanwhile.

    ``arrived`` is set when the first login reaches the pause; ``release()`` lets every
    held login through. Works in process (``FakeWXM.transport()``), where the fake runs
    in the test's own event loop.
    """

    arrived: anyio.Event = field(factory=anyio.Event)
    _released: anyio.Event = field(factory=anyio.Event)

    def release(self) -> None:
        """Let the held logins, and all later ones, through."""
        self._released.set()

    async def wait(self) -> None:
        """Wait, as a login, until ``release()``."""
        self.arrived.set()
        await self._released.wait()


class FakeWXM:
    """A fake WXM server: an ASGI app with WXM's login, its answers and its errors.

    Run it in process with ``transport()``, or on a loopback socket with
    ``wxm_async.testing.serve``. Tokens it issues expire on its own monotonic clock.

    Args:
        accounts: User names and their passwords. Default: one account, ``demo`` with
            password ``demo-password``.
        token_lifetime: How long issued tokens live, in whole seconds (WXM: 43,200).
        bad_login_status: The status of a login with wrong credentials; WXM's own is
            not documented (400, OWIN's ``invalid_grant``, or 401).
        clock: A monotonic clock in seconds; replace it only in tests.

    Attributes:
        logins: Successful logins so far.
        login_attempts: Logins tried so far, successful or not.
        requests: Requests per route, keyed like ``"GET /api/Questions/Active"``.
        unauthenticated: Requests to protected routes that came without credentials.
        denied: Requests answered 401 for missing, wrong, revoked or expired credentials.
        token_lifetime: The lifetime of tokens issued from now on, in seconds.
        two_factor_code: When set, logins need ``"<user>#<code>"`` as the user name.
    """

    def __init__(
        self,
        *,
        accounts: Mapping[str, str] | None = None,
        token_lifetime: int = 43_200,
        bad_login_status: int = 400,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._passwords = dict(accounts if accounts is not None else {"demo": "demo-password"})
        self._api_keys: dict[str, str] = {}
        self._locked: set[str] = set()
        self._tokens: dict[str, _IssuedToken] = {}
        self._user_data: dict[tuple[str, str], str] = {}
        self._login_failures: list[_Answer] = []
        self._pause: LoginPause | None = None
        self._clock = clock
        self.token_lifetime = token_lifetime
        self.bad_login_status = bad_login_status
        self.two_factor_code: str | None = None
        self.logins = 0
        self.login_attempts = 0
        self.requests: Counter[str] = Counter()
        self.unauthenticated = 0
        self.denied = 0
        self._routes = [
            _Route("POST", "/api/LoginToken", self._login_route, protected=False),
            _Route("GET", "/api/GetAPIKey", self._get_api_key),
            _Route("GET", "/api/GenerateAPIKey", self._generate_api_key),
            _Route("GET", "/api/account/logout", self._logout),
            _Route("GET", "/api/Questions/Active", self._questions),
            _Route("GET", "/api/Profile", self._profile),
            _Route("GET", "/api/UserData/{key}", self._get_user_data),
            _Route("POST", "/api/UserData/{key}", self._set_user_data),
        ]

    def __repr__(self) -> str:
        return f"FakeWXM(accounts={sorted(self._passwords)!r}, logins={self.logins})"

    # -- controls ---------------------------------------------------------------------

    def transport(self) -> httpx.ASGITransport:
        """Return an httpx transport that sends requests to this fake, in process."""
        return httpx.ASGITransport(app=self)

    def revoke_all_tokens(self) -> None:
        """Make every token issued so far invalid, as if WXM revoked them."""
        self._tokens.clear()

    def fail_next_logins(
        self, count: int, *, status: int = 503, body: object = None, raw: bytes | None = None
    ) -> None:
        """Answer the next ``count`` logins with ``status`` and ``body`` (JSON) or ``raw`` bytes."""
        answer = _Answer(
            status, body, raw, "text/html" if raw is not None else "application/json; charset=utf-8"
        )
        self._login_failures.extend([answer] * count)

    def pause_logins(self) -> LoginPause:
        """Hold every login at the door until ``release()`` on the returned pause."""
        self._pause = LoginPause()
        return self._pause

    def lock_account(self, username: str) -> None:
        """Lock ``username`` out: its logins fail as WXM's do for a locked account."""
        self._locked.add(username)

    def api_key(self, username: str) -> str:
        """Return ``username``'s API key, generating one if it has none."""
        return self._api_keys.setdefault(username, secrets.token_urlsafe(24))

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
        request = _Request(scope["method"], scope["path"], headers, body)
        answer = await self._dispatch(request)
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [(b"content-type", answer.content_type.encode())],
            }
        )
        await send({"type": "http.response.body", "body": answer.encoded()})

    async def _dispatch(self, request: _Request) -> _Answer:
        matches = [
            (route, m) for route in self._routes if (m := route.pattern.fullmatch(request.path))
        ]
        if not matches:
            return _Answer(
                404,
                {
                    "message": f"No HTTP resource was found that matches the request URI '{request.path}'."
                },
            )
        found = [(route, m) for route, m in matches if route.method == request.method]
        if not found:
            return _Answer(
                405,
                {
                    "message": f"The requested resource does not support http method '{request.method}'."
                },
            )
        route, match = found[0]
        self.requests[f"{route.method} {route.template}"] += 1
        if route.protected:
            user = self._authenticate(request)
            if user is None:
                self.denied += 1
                return _Answer(401, {"message": DENIED_MESSAGE})
            request = _Request(request.method, request.path, request.headers, request.body, user)
        answer = route.handler(request, **match.groupdict())
        return await answer if isinstance(answer, Awaitable) else answer

    def _authenticate(self, request: _Request) -> str | None:
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if not credentials:
            self.unauthenticated += 1
            return None
        if scheme.lower() == "bearer":
            issued = self._tokens.get(credentials)
            if issued is None or self._clock() >= issued.expires_at:
                return None
            return issued.username
        if scheme.lower() == "basic":
            try:
                username, _, password = (
                    base64.b64decode(credentials, validate=True).decode().partition(":")
                )
            except (binascii.Error, UnicodeDecodeError):
                return None
            return username if self._password_ok(username, password) else None
        return None

    def _password_ok(self, username: str, password: str) -> bool:
        expected = self._passwords.get(username)
        key = self._api_keys.get(username)
        return (expected is not None and secrets.compare_digest(password, expected)) or (
            key is not None and secrets.compare_digest(password, key)
        )

    # -- routes -----------------------------------------------------------------------

    async def _login_route(self, request: _Request) -> _Answer:
        self.login_attempts += 1
        if self._pause is not None:
            await self._pause.wait()
        if self._login_failures:
            return self._login_failures.pop(0)
        return self._login(request)

    def _login(self, request: _Request) -> _Answer:
        if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return _Answer(400, {"error": "unsupported_grant_type"})
        try:
            form = {
                k: v[0] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()
            }
        except UnicodeDecodeError:
            return _Answer(400, {"error": "invalid_request"})
        if form.get("grant_type") != "password":
            return _Answer(400, {"error": "unsupported_grant_type"})
        username, _, code = form.get("username", "").partition("#")
        if username in self._locked:
            return _Answer(401, {"error": "Authorization Error", "error_description": _LOCKED_OUT})
        if not self._password_ok(username, form.get("password", "")):
            return _Answer(
                self.bad_login_status,
                {"error": "invalid_grant", "error_description": _BAD_CREDENTIALS},
            )
        if self.two_factor_code is not None and code != self.two_factor_code:
            description = _TWO_FACTOR_INVALID if code else _TWO_FACTOR_REQUIRED
            return _Answer(401, {"error": "two_factor", "error_description": description})
        return self._issue_token(username)

    def _issue_token(self, username: str) -> _Answer:
        self.logins += 1
        token = secrets.token_urlsafe(32)
        lifetime = self.token_lifetime
        self._tokens[token] = _IssuedToken(username, self._clock() + lifetime)
        issued = datetime.now(UTC).replace(microsecond=0)
        return _Answer(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": max(lifetime - 1, 0),
                "userName": username,
                "email": f"{username}@example.com",
                "primaryRole": "MasterAdmin",
                "managedBy": username,
                "preview": "False",
                "station": "uswest",
                "hash": secrets.token_hex(16),
                ".issued": format_datetime(issued, usegmt=True),
                ".expires": format_datetime(issued + timedelta(seconds=lifetime), usegmt=True),
            },
        )

    def _get_api_key(self, request: _Request) -> _Answer:
        assert request.user is not None
        return _Answer(200, self.api_key(request.user))

    def _generate_api_key(self, request: _Request) -> _Answer:
        assert request.user is not None
        self._api_keys.pop(request.user, None)
        return _Answer(200, self.api_key(request.user))

    def _logout(self, request: _Request) -> _Answer:
        _, _, token = request.headers.get("authorization", "").partition(" ")
        self._tokens.pop(token, None)
        return _Answer(200, True)

    def _questions(self, request: _Request) -> _Answer:
        return _Answer(200, [_question(n) for n in range(1, 4)])

    def _profile(self, request: _Request) -> _Answer:
        return _Answer(200, {"user": request.user, "name": request.user, "timeZoneOffset": 0})

    def _get_user_data(self, request: _Request, key: str) -> _Answer:
        assert request.user is not None
        return _Answer(200, self._user_data.get((request.user, key)))

    def _set_user_data(self, request: _Request, key: str) -> _Answer:
        assert request.user is not None
        try:
            value = json.loads(request.body)["value"]
        except (ValueError, KeyError, TypeError):
            return _Answer(400, {"message": "The request is invalid."})
        if not isinstance(value, str):
            return _Answer(400, {"message": "The request is invalid."})
        self._user_data[(request.user, key)] = value
        return _Answer(200, True)


def _question(n: int) -> dict[str, object]:
    return {
        "id": f"q{n}",
        "user": "demo",
        "setName": "Main",
        "sequence": n,
        "text": ["How likely are you to recommend us?", "What did you like?", "Your email"][n - 1],
        "displayType": ["Scale", "MultilineText", "Text"][n - 1],
        "isRequired": n == 1,
        "isRetired": False,
        "questionTags": ["NPS"] if n == 1 else [],
    }
