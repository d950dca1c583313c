"""Where the current token lives, and how concurrent requests agree on one login.

``TokenStore`` is the seam: ``WXMAuth`` asks it for the token on every request and, when
there is none worth using, asks it whose turn it is to log in. ``MemoryTokenStore`` is
the default, for one process; the stores shared between processes (``FileTokenStore``,
``RedisTokenStore``, built on ``SharedTokenStore``) plug in behind the same methods
without touching the auth flow, and keep a ``MemoryTokenStore`` in each process.

A rejected login is remembered for a failure window (``FailureWindow``): during it,
every request fails at once without asking WXM, so that a wrong password cannot make
one login attempt per request and lock the account. The window grows on each rejection
in a row and ends on a success, or when the caller clears it.
"""

from __future__ import annotations

import copy
from typing import Protocol, runtime_checkable

import anyio
from attrs import define, field, frozen

from ._config import check_number
from ._exceptions import AuthenticationError, WXMError
from ._models import AccessToken

__all__ = [
    "DEFAULT_FAILURE_WINDOW",
    "DEFAULT_MAX_FAILURE_WINDOW",
    "DEFAULT_REFRESH_LEEWAY",
    "REFRESH_LEEWAY_FRACTION",
    "CachedToken",
    "FailureWindow",
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
DEFAULT_FAILURE_WINDOW = 30.0
"""How long, in seconds, a rejected login is remembered after the first rejection."""
DEFAULT_MAX_FAILURE_WINDOW = 600.0
"""The longest failure window: it doubles on each rejection in a row, up to this."""


@frozen
class FailureWindow:
    """How long a rejected login is remembered: ``first`` seconds, doubling up to ``longest``.

    During the window every request fails with a fresh copy of the rejection, without
    asking WXM: WXM locks accounts after repeated failed logins, and a busy app with a
    wrong or rotated key would otherwise try once per incoming request.

    Attributes:
        first: The window after a first rejection, in seconds; ``0`` remembers a
            rejection only for the requests already waiting on that login.
        longest: The cap, in seconds, as the window doubles on each rejection in a row.
    """

    first: float = DEFAULT_FAILURE_WINDOW
    longest: float = DEFAULT_MAX_FAILURE_WINDOW

    def __attrs_post_init__(self) -> None:
        check_number("failure_window", self.first, at_least=0)
        check_number("max_failure_window", self.longest, at_least=self.first)

    def after(self, rejections: int) -> float:
        """The window, in seconds, after ``rejections`` rejected logins in a row (1, 2, ...)."""
        if self.first == 0:
            return 0.0
        return min(self.longest, self.first * 2.0 ** min(rejections - 1, 64))


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
        requested_at: When the login that got it was sent; ``None`` for a token
            another process obtained.
    """

    token: AccessToken
    authorization: str = field(repr=False)
    refresh_at: float
    expires_at: float
    requested_at: float | None = None


def cache_token(
    token: AccessToken,
    *,
    received_at: float,
    max_leeway: float,
    requested_at: float | None = None,
) -> CachedToken:
    """Work out a token's deadlines from when its login answer was received.

    Args:
        token: WXM's login answer.
        received_at: When it arrived, in seconds on the monotonic clock.
        max_leeway: The most time before expiry, in seconds, at which to refresh.
        requested_at: When the login was sent, on the same clock.

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
        requested_at=requested_at,
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
    - A failed login is shared with the requests waiting on it. A *rejected* login
      (``AuthenticationError``) is also shared with everyone who asks within the
      failure window (see ``FailureWindow``), so that a wrong password is not tried
      once per request; ``clear_failure()`` ends the window.
    - No lock is held between ``claim()`` and ``settle()`` that only the claiming task
      could release: the holder of a turn may be cancelled, or closed from another
      task, at any point in between. (A shared store holds a cross-process lock, a file
      lock or a Redis lease, which ``settle()`` releases from any task.)
    - ``claim()`` may do I/O and wait for a login in another process; ``current()`` and
      ``discard()`` never do I/O.
    - A shared store also shares a rejected login with the other processes, so that a
      wrong password is tried once per window for a whole fleet. If the caller's
      ``stale`` token still works, it gets that token instead.
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

    def clear_failure(self) -> None:
        """Forget rejected logins, so that the next request that needs a token logs in.

        For when the credentials were fixed (the account unlocked, the key re-enabled).
        Never does I/O.
        """
        ...


@define(eq=False)
class _Login(LoginTurn):
    """One login in flight in a ``MemoryTokenStore``."""

    claimed_at: float
    done: anyio.Event = field(factory=anyio.Event)
    token: CachedToken | None = None
    error: WXMError | None = None


@frozen
class _Rejection:
    """A rejected login, remembered until ``until`` on the auth's monotonic clock."""

    error: AuthenticationError
    until: float


class MemoryTokenStore:
    """The default ``TokenStore``: the token lives in this process's memory.

    Single-flight: the first request that finds no usable token gets the turn to log
    in; the others wait on an ``anyio.Event`` for its outcome. Each decision is taken
    without an ``await`` in between, so it needs no lock, and the store works on
    whichever event loop calls it (asyncio, trio, one after the other).

    A rejected login (``AuthenticationError``: a wrong password, a two-factor code
    needed, a locked account) is remembered for a failure window: ``failure_window``
    seconds after the first rejection, doubling on each rejection in a row up to
    ``max_failure_window``, counted from when the login began. During it ``claim()``
    raises a fresh copy without a login; a success or ``clear_failure()`` ends it.

    Args:
        failure_window: The first window, in seconds; ``0`` shares a rejection only
            with the requests already waiting on that login.
        max_failure_window: The longest window, in seconds.

    Raises:
        ConfigurationError: A window is negative, NaN or infinite, or the longest is
            shorter than the first.
    """

    def __init__(
        self,
        *,
        failure_window: float = DEFAULT_FAILURE_WINDOW,
        max_failure_window: float = DEFAULT_MAX_FAILURE_WINDOW,
    ) -> None:
        self._window = FailureWindow(failure_window, max_failure_window)
        self._token: CachedToken | None = None
        self._login: _Login | None = None
        self._rejection: _Rejection | None = None
        self._rejections = 0  # rejected logins in a row

    def __repr__(self) -> str:
        return (
            f"MemoryTokenStore(has_token={self._token is not None}, "
            f"logging_in={self._login is not None}, rejected={self._rejection is not None})"
        )

    @property
    def window(self) -> FailureWindow:
        """How long rejected logins are remembered."""
        return self._window

    @property
    def rejections(self) -> int:
        """How many logins in a row were rejected; ``0`` after a success or a clear."""
        return self._rejections

    def current(self) -> CachedToken | None:
        """Return the current token, or ``None``."""
        return self._token

    async def claim(self, stale: CachedToken | None, now: float) -> CachedToken | LoginTurn | None:
        """Return a token to use, the turn to log in, or ``None`` after an abandoned login.

        See ``TokenStore.claim``.

        Raises:
            AuthenticationError: A login was rejected within the failure window, or
                the login waited on was rejected; a fresh copy.
            WXMError: The login waited on failed otherwise.
        """
        token = self._token
        if token is not None and token is not stale and now < token.expires_at:
            return token  # another request logged in meanwhile
        still_valid = stale is not None and stale is token and now < stale.expires_at
        rejection = self._rejection if self._rejection and now < self._rejection.until else None
        if still_valid and (self._login is not None or rejection is not None):
            return stale  # a refresh is under way, or was rejected: the old token works
        if rejection is not None:
            raise copy.copy(rejection.error)  # a copy each: one instance raised in many tasks
        login = self._login
        if login is None:
            self._login = _Login(claimed_at=now)
            return self._login
        await login.done.wait()
        if login.error is not None:
            raise copy.copy(login.error)
        return login.token

    async def settle(
        self, turn: LoginTurn, outcome: CachedToken | WXMError | None, *, remember: bool = True
    ) -> None:
        """Record a login's outcome and wake its waiters. See ``TokenStore.settle``.

        Args:
            turn: The turn ``claim()`` handed out.
            outcome: The new token, the login's failure, or ``None`` if abandoned.
            remember: Whether a rejection opens this store's failure window; a shared
                store passes ``False`` for a rejection it read from the shared record,
                whose own window governs.
        """
        if not isinstance(turn, _Login):
            raise TypeError(f"not a turn of this store: {turn!r}")
        if self._login is turn:
            self._login = None
        if isinstance(outcome, CachedToken):
            turn.token = self._token = outcome
            self.clear_failure()
        elif outcome is not None:
            turn.error = outcome
            if isinstance(outcome, AuthenticationError) and remember:
                self._rejections += 1
                window = self._window.after(self._rejections)
                if window > 0:
                    self._rejection = _Rejection(outcome, turn.claimed_at + window)
        turn.done.set()

    def discard(self, token: CachedToken) -> None:
        """Forget ``token`` if it is still the current one."""
        if self._token is token:
            self._token = None

    def clear_failure(self) -> None:
        """Forget the rejected logins: the next request that needs a token logs in."""
        self._rejection = None
        self._rejections = 0
