"""``MemoryTokenStore``: the default store, one process's token in its memory.

The stores shared between processes (``FileTokenStore``, ``RedisTokenStore``, built on
``SharedTokenStore`` in ``_shared``) keep a ``MemoryTokenStore`` in each process and plug
in behind the same ``TokenStore`` methods without touching the auth flow.
"""

from __future__ import annotations

import copy

import anyio
from attrs import define, field, frozen

from .._exceptions import AuthenticationError, WXMError
from ._protocol import (
    DEFAULT_FAILURE_WINDOW,
    DEFAULT_MAX_FAILURE_WINDOW,
    FailureWindow,
    LoginTurn,
)
from ._token import CachedToken

__all__ = ["MemoryTokenStore"]


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
        if token is not None and token is not stale and not token.expired(now):
            return token  # another request logged in meanwhile
        still_valid = stale is not None and stale.still_serves(current=token, now=now)
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
