"""Where the current token lives, and how concurrent requests agree on one login.

``TokenStore`` is the seam: ``WXMAuth`` asks it for the token on every request and, when
there is none worth using, asks it whose turn it is to log in. ``MemoryTokenStore`` is
the default, for one process; the stores shared between processes (``FileTokenStore``,
``RedisTokenStore``, in ``_shared``) plug in behind the same four methods without
touching the auth flow.
"""

from __future__ import annotations

import copy
from typing import Protocol, runtime_checkable

import anyio
from attrs import define, field, frozen

from ._exceptions import WXMError
from ._models import AccessToken

__all__ = [
    "DEFAULT_REFRESH_LEEWAY",
    "REFRESH_LEEWAY_FRACTION",
    "CachedToken",
    "LoginTurn",
    "MemoryTokenStore",
    "TokenStore",
    "cache_token",
]

DEFAULT_REFRESH_LEEWAY = 300.0
"""The most time, in seconds, before expiry at which a token is refreshed."""
REFRESH_LEEWAY_FRACTION = 0.1
"""The leeway never exceeds this share of a token's lifetime, so that short-lived tokens
(an account may set seconds) are still used for 90% of their life."""


@frozen(kw_only=True)
class CachedToken:
    """A token as the auth holds it: WXM's answer and its deadlines.

    The deadlines are on the process's monotonic clock (``time.monotonic()`` unless the
    auth was given another), counted from when the login answer arrived. They are never
    compared with WXM's wall-clock dates.

    Attributes:
        token: WXM's login answer.
        authorization: The ``Authorization`` header value; left out of ``repr()``.
        refresh_at: From this moment on, the next request refreshes the token.
        expires_at: From this moment on, the token is no longer sent.
    """

    token: AccessToken
    authorization: str = field(repr=False)
    refresh_at: float
    expires_at: float


def cache_token(token: AccessToken, *, received_at: float, max_leeway: float) -> CachedToken:
    """Work out a token's deadlines from when its login answer was received.

    Args:
        token: WXM's login answer.
        received_at: When it arrived, in seconds on the monotonic clock.
        max_leeway: The most time before expiry, in seconds, at which to refresh.

    Returns:
        The token with ``expires_at = received_at + lifetime`` and a refresh that comes
        ``min(max_leeway, 10% of the lifetime)`` before that.
    """
    lifetime = token.lifetime
    leeway = min(max_leeway, lifetime * REFRESH_LEEWAY_FRACTION)
    return CachedToken(
        token=token,
        authorization=f"Bearer {token.access_token}",
        refresh_at=received_at + lifetime - leeway,
        expires_at=received_at + lifetime,
    )


class LoginTurn:
    """Handed to the one request whose turn it is to log in; a store subclasses it.

    The holder logs in and then settles the turn exactly once, with the new token, the
    failure, or ``None`` if it gave up (it was cancelled, or its login request failed in
    transport).
    """


@runtime_checkable
class TokenStore(Protocol):
    """Holds the current token and decides who logs in when it is missing or stale.

    The contract a store keeps:

    - ``current()`` is synchronous and cheap: ``WXMAuth`` calls it on every request,
      on its lock-free fast path.
    - ``claim()`` hands out at most one ``LoginTurn`` at a time; everyone else waits for
      that login's outcome instead of starting their own.
    - A failed login is shared with the requests that asked before it failed, and with
      nobody who asks after: their ``claim()`` may start a new login.
    - No lock is held between ``claim()`` and ``settle()`` that only the claiming task
      could release: the holder of a turn may be cancelled, or closed from another
      task, at any point in between. (A shared store holds a cross-process lock, a file
      lock or a Redis lease, which ``settle()`` releases from any task.)
    - ``claim()`` may do I/O and wait for a login in another process; ``current()`` and
      ``discard()`` never do I/O.
    - A shared store may also share a *rejected* login with everyone who asks within
      a failure window (raising a copy of its ``AuthenticationError``), so that a wrong
      password is tried once per window for a whole fleet. If the caller's ``stale``
      token still works, it gets that token instead.
    """

    def current(self) -> CachedToken | None:
        """Return the newest token this store knows, or ``None``, without waiting."""
        ...

    async def claim(self, stale: CachedToken | None, now: float) -> CachedToken | LoginTurn | None:
        """Return a token to use, or the turn to log in.

        Args:
            stale: The token the caller cannot use (due for refresh, expired or
                rejected by WXM), or ``None`` if it had none.
            now: The current time on the auth's monotonic clock.

        Returns:
            A token newer than ``stale``; or ``stale`` itself while another request
            refreshes it and it has not expired; or a ``LoginTurn`` when the caller
            must log in; or ``None`` when a login was abandoned after the caller asked
            (the caller may claim again).

        Raises:
            WXMError: The login the caller waited on failed, or (shared stores) a login
                another process saw rejected within the failure window; a fresh copy of
                that error. ``TokenStoreError`` if a shared store cannot be used.
        """
        ...

    async def settle(self, turn: LoginTurn, outcome: CachedToken | WXMError | None) -> None:
        """Record the outcome of a login and wake the requests waiting on it.

        Args:
            turn: The turn ``claim()`` handed out.
            outcome: The new token, the login's failure, or ``None`` if abandoned.
        """
        ...

    def discard(self, token: CachedToken) -> None:
        """Forget ``token`` if it is still the current one: WXM rejected it."""
        ...


@define(eq=False)
class _Login(LoginTurn):
    """One login in flight in a ``MemoryTokenStore``."""

    done: anyio.Event = field(factory=anyio.Event)
    token: CachedToken | None = None
    error: WXMError | None = None


class MemoryTokenStore:
    """The default ``TokenStore``: the token lives in this process's memory.

    Single-flight: the first request that finds no usable token gets the turn to log
    in; the others wait on an ``anyio.Event`` for its outcome. The decision is taken
    under an ``anyio.Lock`` that is released before anyone waits or logs in. A request
    that asked before a login failed (or was abandoned) hears of it, even if the login
    was over before its turn at the lock came.
    """

    def __init__(self) -> None:
        self._token: CachedToken | None = None
        self._login: _Login | None = None
        self._lock = anyio.Lock()
        self._settled = 0  # logins settled so far
        self._failure: tuple[int, WXMError] | None = None  # the last failure, and when
        self._abandoned = 0  # when the last login was abandoned

    def __repr__(self) -> str:
        return f"MemoryTokenStore(has_token={self._token is not None}, logging_in={self._login is not None})"

    def current(self) -> CachedToken | None:
        """Return the current token, or ``None``."""
        return self._token

    async def claim(self, stale: CachedToken | None, now: float) -> CachedToken | LoginTurn | None:
        """Return a token to use, the turn to log in, or ``None`` after an abandoned login.

        See ``TokenStore.claim``.
        """
        arrived = self._settled  # logins settled before this request asked
        async with self._lock:
            token = self._token
            if token is not None and token is not stale and now < token.expires_at:
                return token  # another request logged in meanwhile
            still_valid = stale is not None and stale is token and now < stale.expires_at
            failed = (
                self._failure if self._failure is not None and self._failure[0] > arrived else None
            )
            abandoned = self._abandoned > arrived
            if still_valid and (self._login is not None or failed is not None or abandoned):
                return stale  # a refresh is under way, or just fell through: the old token works
            if failed is not None:
                raise copy.copy(failed[1])  # it failed while this request queued for the lock
            if abandoned:
                return None  # abandoned while this request queued for the lock
            login = self._login
            if login is None:
                self._login = _Login()
                return self._login
        await login.done.wait()
        if login.error is not None:
            raise copy.copy(login.error)  # a copy each: one instance raised in many tasks
        return login.token

    async def settle(self, turn: LoginTurn, outcome: CachedToken | WXMError | None) -> None:
        """Record a login's outcome and wake its waiters. See ``TokenStore.settle``."""
        if not isinstance(turn, _Login):
            raise TypeError(f"not a turn of this store: {turn!r}")
        if self._login is turn:
            self._login = None
        self._settled += 1
        if isinstance(outcome, CachedToken):
            turn.token = self._token = outcome
        elif outcome is not None:
            turn.error = outcome
            self._failure = (self._settled, outcome)
        else:
            self._abandoned = self._settled
        turn.done.set()

    def discard(self, token: CachedToken) -> None:
        """Forget ``token`` if it is still the current one."""
        if self._token is token:
            self._token = None
