"""``RedisTokenStore``: one token, and one login, for a fleet of processes on many hosts.

The token is kept under a key namespaced by WXM's base URL and the user name, with a
time to live equal to its remaining life: Redis, not each host's clock, says how long
it lives. Single-flight is a lease, ``SET lease <id> NX PX <lease>``: one process at a
time holds it while it logs in; if that process dies, the lease expires and another
takes over. Waiters subscribe to the account's channel before they look, and the
holder publishes when it stores a token, a rejection, or lets the lease go: they wake
on that message, or when the lease would expire, never in a polling loop.

redis-py's asyncio client runs on asyncio only: under trio, the store raises
``ConfigurationError``.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from .._config import check_number, two_factor_parts
from .._exceptions import ConfigurationError, TokenStoreError
from ._at_rest import AtRest, StoredFailure, StoredToken
from ._failures import COUNT_KEPT
from ._protocol import DEFAULT_FAILURE_WINDOW, DEFAULT_MAX_FAILURE_WINDOW
from ._shared import MAX_RECORD_BYTES, SharedTokenStore, Snapshot

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["DEFAULT_LEASE", "MAX_TTL_MS", "RedisTokenStore"]

_log = logging.getLogger("wxm_async.store")

T = TypeVar("T")

DEFAULT_LEASE = 20.0
"""How long, in seconds, a process may hold the login lease before another takes over."""

# Drop the lease only if it is still ours: it may have expired and gone to another.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end
redis.call('publish', KEYS[2], 'released')
"""


class RedisTokenStore(SharedTokenStore[str]):
    """Share one token, and one login, between processes on any number of hosts, in Redis.

    Needs the ``redis`` extra (redis-py 5 or newer; see Install in the docs)
    and asyncio: redis-py's asyncio client does not run under trio.

    Keys, below ``{key_prefix}:{base_url}:{username}``: ``:token`` (the token, with a
    time to live equal to its remaining life), ``:lease`` (who is logging in),
    ``:failure`` (the last rejected login, shared until the record's ``until``, and
    the count of rejections in a row; the key lives a day longer than its window, so
    that the next rejection doubles the window, and a success deletes it) and the
    pub/sub channel ``:events``. They hold the token, never the password; protect them
    as a secret (a Redis ACL for these keys, TLS with ``rediss://``).

    Within a process, requests share one in-memory copy of the token: a request with a
    valid token does not touch Redis.

    Args:
        redis: A ``redis.asyncio.Redis`` client, or a URL (``redis://``, ``rediss://``)
            to make one that ``aclose()`` closes.
        base_url: WXM's base URL, as the clients use it; part of the keys.
        username: The WXM user name the auths log in as; part of the keys. A
            two-factor code after ``#`` is left out of them.
        lease: How long, in seconds, a process may take to log in before another
            takes over. Longer than a login takes; a crashed process delays the others
            by at most this much.
        failure_window: How long, in seconds, a login WXM rejected is shared: for that
            long every process raises the same ``AuthenticationError`` without
            trying. ``0`` turns this off.
        max_failure_window: The longest failure window, in seconds: the window doubles
            on each rejection in a row, up to this.
        key_prefix: The first part of every key.
        encryption_key: A Fernet key to encrypt the stored token with (``encryption``
            extra); default the ``WXM_TOKEN_KEY`` environment variable, else no
            encryption. Every process of the fleet needs the same key.
        wall_clock: The wall clock, in seconds since the epoch; replace it only in tests.

    Raises:
        ConfigurationError: redis-py is not installed, the Redis URL is not one it
            accepts, an argument is empty or not positive, or the encryption key is not a Fernet key (or ``cryptography``
            is missing).

    Example:
        ```python
        store = RedisTokenStore(
            "rediss://wxm-tokens.internal:6379/0", base_url=BASE_URL, username="api-user"
        )
        auth = WXMAuth.from_env(store=store)
        ```
    """

    def __init__(
        self,
        redis: Redis | str,
        *,
        base_url: str,
        username: str,
        lease: float = DEFAULT_LEASE,
        failure_window: float = DEFAULT_FAILURE_WINDOW,
        max_failure_window: float = DEFAULT_MAX_FAILURE_WINDOW,
        key_prefix: str = "wxm_async",
        encryption_key: str | bytes | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        try:
            from redis.asyncio import Redis
        except ImportError:
            raise ConfigurationError(
                "RedisTokenStore needs redis-py: pip install 'wxm-async[redis]'"
            ) from None
        if not base_url or not username:
            raise ConfigurationError("RedisTokenStore needs a base_url and a username")
        check_number("lease", lease, more_than=0)
        super().__init__(
            failure_window=failure_window,
            max_failure_window=max_failure_window,
            encryption_key=encryption_key,
            wall_clock=wall_clock,
        )
        self._owns_client = isinstance(redis, str)
        try:
            self._redis: Redis = Redis.from_url(redis) if isinstance(redis, str) else redis
        except ValueError as error:  # never the URL itself: it may hold a password
            raise ConfigurationError(
                f"RedisTokenStore cannot use that Redis URL: {error}"
            ) from None
        # A two-factor code ("user#123456") is a secret, and changes at every login:
        # keyed on the user name alone, as WXMAuth.username is.
        username = two_factor_parts(username)[0]
        if not username:
            raise ConfigurationError("RedisTokenStore needs a username")
        namespace = f"{key_prefix}:{base_url.rstrip('/')}:{username}"
        self._namespace = namespace
        self._token_key = f"{namespace}:token"
        self._lease_key = f"{namespace}:lease"
        self._failure_key = f"{namespace}:failure"
        self._channel = f"{namespace}:events"
        self._lease_ms = max(1, round(lease * 1000))
        self._release_script = self._redis.register_script(_RELEASE)

    @property
    def namespace(self) -> str:
        """The prefix of this store's keys and channel."""
        return self._namespace

    def __repr__(self) -> str:
        return f"RedisTokenStore({self._namespace!r}, has_token={self.current() is not None})"

    async def aclose(self) -> None:
        """Close the Redis client, if the store made it from a URL."""
        if self._owns_client:
            await self._redis.aclose()

    async def __aenter__(self) -> RedisTokenStore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _read(self) -> Snapshot:
        _require_asyncio()

        async def read() -> list[Any]:
            async with self._redis.pipeline(transaction=False) as pipe:
                # At most one byte past the cap: a larger record is ignored unread.
                pipe.getrange(self._token_key, 0, MAX_RECORD_BYTES)
                pipe.pttl(self._token_key)
                pipe.getrange(self._failure_key, 0, MAX_RECORD_BYTES)
                pipe.pttl(self._failure_key)
                return await pipe.execute(raise_on_error=False)

        answers = [self._readable(answer) for answer in await self._run("read", read)]
        token_data, token_ttl, failure_data, failure_ttl = answers
        token = self._decode(token_data if token_ttl != -2 else None)
        kept = self._decode(failure_data if failure_ttl != -2 else None)
        failure = kept.failure if kept is not None else None
        # The failure key outlives its window (for its count): the window is the
        # record's own, and ends at the latest with the key.
        remaining = min(failure.until - self._wall_clock(), failure_ttl / 1000) if failure else 0.0
        return Snapshot(
            token=token.token if token is not None else None,
            remaining=token_ttl / 1000 if token_ttl > 0 else 0.0,
            failure=failure,
            failure_remaining=remaining if failure_ttl > 0 else 0.0,
        )

    async def _acquire_lease(
        self, ready: Callable[[Snapshot], bool]
    ) -> tuple[str | None, Snapshot]:
        _require_asyncio()
        lease = secrets.token_hex(16)
        pubsub = self._redis.pubsub()
        try:
            # Subscribed before looking, so that a message sent after the look is not
            # missed: the server's confirmation says the subscription is in place.
            await self._reconnecting(lambda: pubsub.subscribe(self._channel))
            await pubsub.get_message(timeout=self._lease_ms / 1000)
            while True:
                if await self._reconnecting(lambda: self._try_acquire_lease(lease)):
                    try:
                        return lease, await self._read()
                    except BaseException:
                        with anyio.CancelScope(shield=True):
                            await self._release_lease(lease)
                        raise
                snapshot = await self._read()
                if ready(snapshot):
                    return None, snapshot
                ttl = await self._reconnecting(lambda: self._redis.pttl(self._lease_key))
                if ttl == -2:
                    continue  # let go between our SET and now: try again at once
                if ttl == -1 or ttl > self._lease_ms:
                    # A lease without expiry, or longer than ours (planted, or a peer's
                    # misconfigured), would block every process for as long: give it one
                    # lease's life. At worst a slow peer's login overlaps ours (harmless).
                    await self._reconnecting(
                        lambda: self._redis.pexpire(self._lease_key, self._lease_ms)
                    )
                    ttl = self._lease_ms
                # Wake on the holder's message, or when its lease would run out.
                wait = ttl / 1000 if ttl > 0 else self._lease_ms / 1000
                await pubsub.get_message(ignore_subscribe_messages=True, timeout=wait + 0.01)
        except _redis_errors() as error:
            raise self._error("wait for the login lease of", error) from None
        finally:
            with anyio.CancelScope(shield=True):
                try:
                    await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py
                except _redis_errors() as error:
                    _log.debug("could not close a Redis subscription: %s", error)

    async def _try_acquire_lease(self, lease: str) -> bool:
        if await self._redis.set(self._lease_key, lease, nx=True, px=self._lease_ms):
            return True
        # A SET whose answer a dropped connection lost may have taken it for us.
        try:
            return await self._redis.get(self._lease_key) == lease.encode()
        except _wrong_type() as error:
            if not _is_wrong_type(error):
                raise
            return False  # a key of another kind is not our lease; it lapses (see above)

    def _readable(self, answer: Any) -> Any:
        """A pipeline's answer; ``None`` for a key of another kind, which is replaced.

        A key that holds a list or a hash where a record belongs (written by someone
        else) would otherwise fail every read, and so every login, of the fleet.

        Raises:
            RedisError: Any other failure.
        """
        if isinstance(answer, Exception):
            if not _is_wrong_type(answer):
                raise answer
            _log.warning(
                "a key of %r in Redis is not a string; ignoring it, the next login replaces it",
                self._namespace,
            )
            return None
        return answer

    async def _reconnecting(self, operation: Callable[[], Awaitable[T]]) -> T:
        """Run ``operation``; if the connection was closed, reconnect and run it once more.

        A restarted Redis leaves the pool's idle connections closed: the first command
        on each fails with "Connection closed by server". The pool's idle connections
        are dropped before the second try, so that it gets a fresh one. Every
        operation here is safe to repeat.
        """
        from redis.exceptions import ConnectionError as RedisConnectionError

        try:
            return await operation()
        except (RedisConnectionError, ConnectionError) as error:
            _log.info("the Redis connection failed (%s); reconnecting once", error)
            await self._redis.connection_pool.disconnect(inuse_connections=False)
            return await operation()

    async def _run(self, what: str, operation: Callable[[], Awaitable[T]]) -> T:
        """Run one ``operation`` (``_reconnecting``); a Redis failure is a store error.

        Raises:
            TokenStoreError: Redis failed; the message says what could not be done.
        """
        try:
            return await self._reconnecting(operation)
        except _redis_errors() as error:
            raise self._error(what, error) from None

    async def _release_lease(self, lease: str) -> None:
        await self._run(
            "release the login lease of",
            lambda: self._release_script(keys=[self._lease_key, self._channel], args=[lease]),
        )

    async def _put_token(self, record: StoredToken, remaining: float) -> None:
        sealed = self._seal(AtRest(token=record))

        async def put() -> None:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(self._token_key, sealed, px=_ttl_ms(remaining))
                pipe.delete(self._failure_key)
                pipe.publish(self._channel, "token")
                await pipe.execute()

        await self._run("store the token of", put)

    async def _put_failure(self, record: StoredFailure, window: float) -> None:
        sealed = self._seal(AtRest(failure=record))

        async def put() -> None:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(self._failure_key, sealed, px=_ttl_ms(window + COUNT_KEPT))
                pipe.publish(self._channel, "failure")
                await pipe.execute()

        await self._run("store the failed login of", put)

    def _decode(self, data: object) -> AtRest | None:
        if not isinstance(data, bytes):
            return None
        return self._unseal(data, what=f"the Redis record of {self._namespace!r}")

    def _error(self, what: str, error: BaseException) -> TokenStoreError:
        # redis-py quotes the start of a failed pipeline command in its message, and a
        # SET's value is the token record: keep only Redis's own reason.
        reason = str(error).rpartition(" of pipeline caused error: ")[2]
        return TokenStoreError(f"could not {what} {self._namespace!r} in Redis: {reason}")


#: The longest time to live given to a key: 10 years. Redis refuses a PX that overflows
#: its clock (an ``expires_in`` of 1e30); a token outliving this is simply fetched again.
MAX_TTL_MS = 10 * 365 * 24 * 3600 * 1000


def _ttl_ms(seconds: float) -> int:
    """A PX for a key that should live ``seconds``: at least 1 ms, at most ``MAX_TTL_MS``."""
    if not seconds > 0:  # NaN too
        return 1
    return max(1, min(MAX_TTL_MS, int(min(seconds, MAX_TTL_MS / 1000) * 1000)))


def _require_asyncio() -> None:
    """Refuse to run under trio, where redis-py's asyncio client does not work."""
    try:
        import sniffio
    except ImportError:  # pragma: no cover - trio needs sniffio, so this is asyncio
        return
    library = sniffio.current_async_library()
    if library != "asyncio":
        raise ConfigurationError(
            f"RedisTokenStore runs on asyncio only: redis-py's asyncio client does not run "
            f"under {library}. Use FileTokenStore (processes of one host) or the default "
            "MemoryTokenStore under trio"
        )


def _wrong_type() -> type[BaseException]:
    from redis.exceptions import ResponseError

    return ResponseError


def _is_wrong_type(error: BaseException) -> bool:
    return isinstance(error, _wrong_type()) and str(error).startswith("WRONGTYPE")


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import RedisError

    return (RedisError, OSError)
