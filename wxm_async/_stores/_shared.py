"""What the token stores shared between processes (a file, Redis) have in common.

A shared store has two layers:

- In this process, a ``MemoryTokenStore``: ``current()`` answers from memory, so a
  request with a valid token does no I/O, and concurrent requests of this process send
  one representative to the shared layer instead of one each.
- Across processes, the shared record (the token, and the last rejected login while it
  is shared) and a lease that one process at a time holds while it logs in: an OS file
  lock, or a Redis key.

The representative reads the shared record; uses the token found there if it is not
the one this process cannot use; raises the shared failure if there is one; otherwise
acquires the lease, reads again under it (another process may have logged in
meanwhile) and, only if there is still nothing to use, takes the turn to log in. When
the turn is settled, the token (or the rejection) is written, the lease released, and
this process's waiters woken.

Monotonic deadlines mean nothing to another process: the record keeps the expiry on
the wall clock (or, in Redis, as the key's time to live), and each reader turns the
remaining life into deadlines on its own monotonic clock.
"""

from __future__ import annotations

import copy
import logging
import math
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Generic, TypeVar

import anyio
from attrs import define, frozen

from .._config import token_key_from_env
from .._exceptions import AuthenticationError, DecodeError, TokenStoreError, WXMError
from .._models._token import unusable
from ._at_rest import (
    AtRest,
    StoredFailure,
    StoredToken,
    decode_at_rest,
    encode_at_rest,
    failure_error,
    failure_record,
)
from ._cipher import cipher, decrypt
from ._memory import MemoryTokenStore
from ._protocol import DEFAULT_FAILURE_WINDOW, DEFAULT_MAX_FAILURE_WINDOW, LoginTurn
from ._token import CachedToken

__all__ = ["MAX_RECORD_BYTES", "LeaseT", "SharedTokenStore", "Snapshot"]

_log = logging.getLogger("wxm_async.store")

LeaseT = TypeVar("LeaseT")
"""What a shared store holds while one process logs in: a file lock, a Redis lease id."""

MAX_RECORD_BYTES = 64 * 1024
"""The largest shared record read, in bytes: a token record is about 2 KB, encrypted 3."""


@frozen(kw_only=True)
class Snapshot:
    """What a shared store holds at one moment, with remaining lives in seconds.

    Attributes:
        token: The stored token, or ``None``.
        remaining: How long the token still lives, in seconds.
        failure: The last rejected login, or ``None``.
        failure_remaining: How long it is still shared, in seconds.
    """

    token: StoredToken | None = None
    remaining: float = 0.0
    failure: StoredFailure | None = None
    failure_remaining: float = 0.0


@define(eq=False)
class _SharedTurn(LoginTurn, Generic[LeaseT]):
    """The turn to log in, held by one request of one process, with the shared lease."""

    local: LoginTurn
    lease: LeaseT
    # The same moment on the auth's monotonic clock and on the wall clock, so that the
    # new token's monotonic expiry can be written as a wall-clock one.
    now: float
    wall: float


class SharedTokenStore(ABC, Generic[LeaseT]):
    """A ``TokenStore`` shared between processes; subclasses bring the storage and lease.

    In a process, requests claim, one gets the turn to log in, and it settles the turn.
    Across processes, the process whose request has the turn holds a lease (of type
    ``LeaseT``: a file lock, a Redis key) from when it is acquired until the turn is
    settled, when it is released.

    Args:
        failure_window: How long, in seconds, a login WXM rejected is remembered, in
            this process and in the others: they raise the same
            ``AuthenticationError`` without trying. It doubles on each rejection in a
            row, up to ``max_failure_window``, as in ``MemoryTokenStore``. ``0``
            shares it only with the requests already waiting for that login.
        max_failure_window: The longest failure window, in seconds.
        encryption_key: A Fernet key to encrypt the record at rest with; default the
            ``WXM_TOKEN_KEY`` environment variable, else no encryption.
        wall_clock: The wall clock, in seconds since the epoch; replace it only in tests.

    Raises:
        ConfigurationError: A window is negative or not finite, the key is not a Fernet
            key, or encryption is asked for without ``cryptography`` installed.
    """

    def __init__(
        self,
        *,
        failure_window: float = DEFAULT_FAILURE_WINDOW,
        max_failure_window: float = DEFAULT_MAX_FAILURE_WINDOW,
        encryption_key: str | bytes | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._local = MemoryTokenStore(
            failure_window=failure_window, max_failure_window=max_failure_window
        )
        key = encryption_key if encryption_key is not None else token_key_from_env(os.environ)
        self._cipher = cipher(key) if key else None
        self._wall_clock = wall_clock
        self._rejected: str | None = None  # the access token WXM last rejected here
        self._cleared_at = -math.inf  # failures recorded before this are forgiven

    # -- what a subclass provides ------------------------------------------------------

    @abstractmethod
    async def _read(self) -> Snapshot:
        """Read the shared record.

        Raises:
            TokenStoreError: The storage could not be read.
        """

    @abstractmethod
    async def _acquire_lease(
        self, ready: Callable[[Snapshot], bool]
    ) -> tuple[LeaseT | None, Snapshot]:
        """Wait for the lease that lets one process at a time log in.

        Args:
            ready: Tells whether a snapshot makes the lease needless (a usable token, a
                shared failure); a store that can watch the record while it waits
                stops waiting when it is.

        Returns:
            ``(lease, snapshot read under the lease)``, or ``(None, snapshot)`` with a
            snapshot ``ready`` accepted. Cancelled or failing, it holds nothing.

        Raises:
            TokenStoreError: The lease could not be acquired.
        """

    @abstractmethod
    async def _release_lease(self, lease: LeaseT) -> None:
        """Release what ``_acquire_lease`` returned; wake the processes waiting for it.

        Raises:
            TokenStoreError: The lease could not be released (it is logged, not raised
                to the caller).
        """

    @abstractmethod
    async def _put_token(self, record: StoredToken, remaining: float) -> None:
        """Store ``record``, which lives ``remaining`` seconds more; clear any failure.

        Called only while this process holds the lease.
        """

    @abstractmethod
    async def _put_failure(self, record: StoredFailure, window: float) -> None:
        """Store a rejected login for ``window`` seconds, keeping the token.

        Called only while this process holds the lease.
        """

    def _snapshot(self, record: AtRest) -> Snapshot:
        """What ``record`` holds now, its wall-clock deadlines turned into remaining lives.

        For a storage that keeps the record as it is; one that keeps lives itself (a
        time to live) builds the ``Snapshot`` from those instead.
        """
        if record.token is None and record.failure is None:
            return Snapshot()
        now = self._wall_clock()
        return Snapshot(
            token=record.token,
            remaining=record.token.expires - now if record.token is not None else 0.0,
            failure=record.failure,
            failure_remaining=record.failure.until - now if record.failure is not None else 0.0,
        )

    def _seal(self, record: AtRest) -> bytes:
        """Encode ``record`` for storage, encrypted if the store has a key."""
        data = encode_at_rest(record)
        return self._cipher.encrypt(data) if self._cipher is not None else data

    def _unseal(self, data: bytes, *, what: str) -> AtRest | None:
        """Decode a stored record, or ``None`` (with a warning) if it does not decode.

        Records larger than ``MAX_RECORD_BYTES`` are ignored undecoded: nothing another
        process (or an attacker) wrote can cost more than that to look at.
        """
        if len(data) > MAX_RECORD_BYTES:
            _log.warning(
                "%s is larger than %d bytes; ignoring it, the next login replaces it",
                what,
                MAX_RECORD_BYTES,
            )
            return None
        try:
            if self._cipher is not None:
                data = decrypt(self._cipher, data, what=what)
            return decode_at_rest(data, what=what)
        except DecodeError as error:
            _log.warning("%s; ignoring it, the next login replaces it", error)
            return None

    # -- the TokenStore protocol -------------------------------------------------------

    def current(self) -> CachedToken | None:
        """Return this process's copy of the token, or ``None``, without any I/O."""
        return self._local.current()

    async def claim(self, stale: CachedToken | None, now: float) -> CachedToken | LoginTurn | None:
        """Return a token to use, the turn to log in, or ``None`` after an abandoned login.

        Only one request per process at a time gets past the in-memory layer to read
        the shared record and, if need be, to wait for the lease. See
        ``TokenStore.claim``.

        Raises:
            AuthenticationError: Another process's login was rejected within the
                failure window, or the login waited on failed.
            TokenStoreError: The shared record or lease could not be used.
        """
        wall = self._wall_clock()  # the same moment as ``now``, on the wall clock
        local = await self._local.claim(stale, now)
        if not isinstance(local, LoginTurn):
            return local
        lease: LeaseT | None = None
        try:
            outcome = self._decide(await self._read(), stale, now)
            if outcome is None:
                lease, snapshot = await self._acquire_lease(
                    lambda snapshot: self._decide(snapshot, stale, now) is not None
                )
                outcome = self._decide(snapshot, stale, now)
                if outcome is None:
                    assert lease is not None  # no lease only when ready
                    return _SharedTurn(local=local, lease=lease, now=now, wall=wall)
        except BaseException as error:
            # This process's waiters hear of a store error too; a cancellation
            # abandons the turn, and one of them claims again.
            with anyio.CancelScope(shield=True):
                await self._release_if_held(lease)
                await self._local.settle(local, error if isinstance(error, WXMError) else None)
            raise
        with anyio.CancelScope(shield=True):
            await self._release_if_held(lease)
            # A rejection read from the record: its own window governs, not a local one.
            await self._local.settle(local, outcome, remember=False)
        if isinstance(outcome, WXMError):
            raise copy.copy(outcome)
        return outcome

    async def settle(self, turn: LoginTurn, outcome: CachedToken | WXMError | None) -> None:
        """Store the login's token (or its rejection), release the lease, wake the waiters.

        A failure to write is logged, not raised: the token still serves this process.
        See ``TokenStore.settle``.
        """
        if not isinstance(turn, _SharedTurn):
            raise TypeError(f"not a turn of this store: {turn!r}")
        try:
            if isinstance(outcome, CachedToken):
                expires = turn.wall + (outcome.expires_at - turn.now)
                record = StoredToken(
                    token=outcome.token,
                    expires=expires,
                    refresh_leeway=outcome.leeway,
                )
                remaining = expires - self._wall_clock()
                if remaining > 0:
                    await self._put_token(record, remaining)
            elif isinstance(outcome, AuthenticationError):
                window = self._local.window.after(self._local.rejections + 1)
                if window > 0:
                    failure = failure_record(outcome, since=self._wall_clock(), window=window)
                    await self._put_failure(failure, window)
        except TokenStoreError as error:
            _log.warning("could not share the login's outcome: %s", error)
        finally:
            try:
                await self._release_if_held(turn.lease)
            finally:
                await self._local.settle(turn.local, outcome)

    def discard(self, token: CachedToken) -> None:
        """Forget ``token`` here, and never adopt it again from the shared record."""
        self._rejected = token.token.access_token
        self._local.discard(token)

    def clear_failure(self) -> None:
        """Forget rejected logins, here and as recorded by the others until now.

        A rejection another process records later is honoured again.
        """
        self._local.clear_failure()
        self._cleared_at = self._wall_clock()

    async def aclose(self) -> None:
        """Release what the store holds open; this base holds nothing."""
        return  # a subclass that holds connections overrides it

    # -- the decisions, free of I/O ----------------------------------------------------

    def _decide(
        self, snapshot: Snapshot, stale: CachedToken | None, now: float
    ) -> CachedToken | WXMError | None:
        """What a snapshot means for a caller who cannot use ``stale``.

        Returns:
            A token to adopt; the shared failure to raise; or ``None``: log in.
        """
        stored = snapshot.token
        if stored is not None and unusable(stored.token) is not None:
            _log.warning(
                "the shared record's token cannot be sent; ignoring it, a login replaces it"
            )
            stored = None
        if stored is not None and snapshot.remaining > 0:
            access = stored.token.access_token
            if access != self._rejected and (stale is None or access != stale.token.access_token):
                return self._adopt(stored, snapshot.remaining, now)
        failure = snapshot.failure
        if failure is not None and failure.since is not None and failure.since <= self._cleared_at:
            failure = None  # forgiven by clear_failure()
        if failure is not None and snapshot.failure_remaining > 0:
            if stale is not None and stale.still_serves(current=self.current(), now=now):
                return stale  # a refresh was rejected, but the old token still works
            return failure_error(failure)
        return None

    def _adopt(self, stored: StoredToken, remaining: float, now: float) -> CachedToken:
        current = self.current()
        if current is not None and current.token.access_token == stored.token.access_token:
            return current
        return CachedToken.expiring(
            stored.token,
            expires_at=now + remaining,
            leeway=min(stored.refresh_leeway, remaining),
        )

    async def _release_if_held(self, lease: LeaseT | None) -> None:
        if lease is None:
            return
        try:
            await self._release_lease(lease)
        except TokenStoreError as error:
            _log.warning("could not release the shared login lease: %s", error)
