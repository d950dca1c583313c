"""The contract between ``WXMAuth`` and a token store: a turn to log in, and a failure window.

``TokenStore`` is the seam: ``WXMAuth`` asks it for the token on every request and, when
there is none worth using, asks it whose turn it is to log in (claim, turn, settle).

A rejected login is remembered for a failure window (``FailureWindow``): during it,
every request fails at once without asking WXM, so that a wrong password cannot make
one login attempt per request and lock the account. The window grows on each rejection
in a row and ends on a success, or when the caller clears it.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from attrs import frozen

from .._config import check_number
from .._exceptions import WXMError
from ._token import CachedToken

__all__ = [
    "DEFAULT_FAILURE_WINDOW",
    "DEFAULT_MAX_FAILURE_WINDOW",
    "FailureWindow",
    "LoginTurn",
    "TokenStore",
]

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
      task, at any point in between. (A shared store holds a cross-process lease, a
      file lock or a Redis key, which ``settle()`` releases from any task.)
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
