"""``FileTokenStore``: one token for every process on a host, in a file.

For a web app served by several worker processes (``uvicorn --workers 4``) or
several jobs on one machine. Single-flight across processes is a lease, an OS file
lock (``fcntl.flock``) on a lock file beside the token file, held only while one
process logs in. The kernel releases it when that process exits or is killed, so a crashed
login never blocks the others.

``flock`` blocks, so the wait for it runs in a worker thread (``anyio.to_thread``): the
kernel wakes the waiter the moment the lock is free, without polling, and the event
loop is never blocked. A waiter that is cancelled leaves its thread behind to take the
lock and release it at once.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import anyio

from .._exceptions import ConfigurationError, TokenStoreError
from ._at_rest import AtRest, StoredFailure, StoredToken
from ._protocol import DEFAULT_FAILURE_WINDOW, DEFAULT_MAX_FAILURE_WINDOW
from ._shared import MAX_RECORD_BYTES, SharedTokenStore, Snapshot

__all__ = ["FileTokenStore"]

_log = logging.getLogger("wxm_async.store")

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


class FileTokenStore(SharedTokenStore["_FileLease"]):
    """Share one token, and one login, between the processes of one host, in a file.

    Give every process's ``WXMAuth`` a ``FileTokenStore`` on the same path: the first
    request that needs a token takes an OS file lock and logs in; the other processes
    wait for the lock, then read the token it wrote. Within a process, requests share
    one in-memory copy: a request with a valid token reads no file.

    The token file is written whole to a temporary file and renamed into place, so a
    crash mid-write leaves the old file or the new one, never half of one. It is
    created readable by its owner only (mode ``0o600``); it holds the token, never the
    password. A file that cannot be decoded, or larger than 64 KiB, is ignored with a
    warning, and replaced at the next login.

    Like ssh with a private key, the store refuses (``TokenStoreError``) a token or
    lock file that is a symbolic link, not a regular file, owned by another user, or
    readable or writable by group or others, and a directory that everyone may write
    to without the sticky bit: such a token may have leaked or been planted.

    Needs ``fcntl.flock``: Linux, macOS and the BSDs. On Windows the constructor raises
    ``ConfigurationError``. The lock is advisory and local: do not put the file on a
    network file system shared between hosts (use ``RedisTokenStore`` for a fleet).

    Args:
        path: The token file. Its directory must exist; the lock file is ``path`` with
            ``.lock`` appended. One file per account and WXM host.
        failure_window: How long, in seconds, a login WXM rejected is shared: for that
            long the other processes raise the same ``AuthenticationError`` without
            trying, so a wrong password costs one attempt, not one per process.
            ``0`` turns this off.
        max_failure_window: The longest failure window, in seconds: the window doubles
            on each rejection in a row, up to this.
        encryption_key: A Fernet key to encrypt the file with (``encryption`` extra);
            default the ``WXM_TOKEN_KEY`` environment variable, else no encryption.
            Every process sharing the file needs the same key.
        wall_clock: The wall clock, in seconds since the epoch; replace it only in tests.

    Raises:
        ConfigurationError: There is no ``fcntl`` (Windows); ``path`` names no file
            (empty, ``/``, a NUL character); or the encryption key is not a Fernet
            key, or ``cryptography`` is missing.

    Example:
        ```python
        store = FileTokenStore("/run/myapp/wxm-token")
        auth = WXMAuth.from_env(store=store)
        ```
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        failure_window: float = DEFAULT_FAILURE_WINDOW,
        max_failure_window: float = DEFAULT_MAX_FAILURE_WINDOW,
        encryption_key: str | bytes | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if fcntl is None:  # pragma: no cover - Windows
            raise ConfigurationError(
                "FileTokenStore needs fcntl.flock, which Windows lacks: use RedisTokenStore "
                "or the default MemoryTokenStore there"
            )
        super().__init__(
            failure_window=failure_window,
            max_failure_window=max_failure_window,
            encryption_key=encryption_key,
            wall_clock=wall_clock,
        )
        self._path = Path(path)
        if not self._path.name or "\0" in str(self._path):
            raise ConfigurationError(
                "FileTokenStore needs the path of a file: not empty, not a directory such as "
                "'/', without a NUL character"
            )
        self._lock_path = self._path.with_name(self._path.name + ".lock")

    @property
    def path(self) -> Path:
        """The token file."""
        return self._path

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self._path)!r}, has_token={self.current() is not None})"

    async def _read(self) -> Snapshot:
        return self._snapshot(await anyio.to_thread.run_sync(self._load))

    async def _acquire_lease(
        self, ready: Callable[[Snapshot], bool]
    ) -> tuple[_FileLease | None, Snapshot]:
        lease = await anyio.to_thread.run_sync(self._open_lease)
        if not lease.try_acquire():
            try:
                await anyio.to_thread.run_sync(lease.acquire, abandon_on_cancel=True)
            except BaseException:
                lease.release()
                raise
        try:
            return lease, await self._read()
        except BaseException:
            lease.release()
            raise

    async def _release_lease(self, lease: _FileLease) -> None:
        lease.release()

    async def _put_token(self, record: StoredToken, remaining: float) -> None:
        await anyio.to_thread.run_sync(self._store, AtRest(token=record))

    async def _put_failure(self, record: StoredFailure, window: float) -> None:
        def keep_token_store_failure() -> None:
            self._store(AtRest(token=self._load().token, failure=record))

        await anyio.to_thread.run_sync(keep_token_store_failure)

    # -- blocking helpers, run in worker threads ---------------------------------------

    def _load(self) -> AtRest:
        self._check_directory()
        try:
            fd = os.open(self._path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return AtRest()
        except OSError as error:
            raise _open_error("the token file", self._path, error) from None
        try:
            file = os.fdopen(fd, "rb")
        except OSError as error:  # a directory planted at the path, say
            os.close(fd)
            raise _open_error("the token file", self._path, error) from None
        with file:
            _check_private(os.fstat(fd), "the token file", self._path)
            try:
                data = file.read(MAX_RECORD_BYTES + 1)
            except OSError as error:
                raise TokenStoreError(
                    f"could not read the token file {str(self._path)!r}: {error.strerror}"
                ) from None
        return self._unseal(data, what=f"the token file {str(self._path)!r}") or AtRest()

    def _check_directory(self) -> None:
        """Refuse a directory where anyone may replace the files (world-writable, not sticky)."""
        directory = self._path.parent
        try:
            mode = os.stat(directory).st_mode
        except OSError:
            return  # a missing directory fails, with its reason, where the file is opened
        if mode & stat.S_IWOTH and not mode & stat.S_ISVTX:
            raise TokenStoreError(
                f"refusing the token file {str(self._path)!r}: its directory is writable by "
                "everyone without the sticky bit, so anyone could replace the token. Use a "
                "directory only your user can write to"
            )

    def _store(self, record: AtRest) -> None:
        data = self._seal(record)
        tmp: str | None = None
        try:
            # mkstemp creates the file with mode 0o600, in the same directory, so that
            # the rename is atomic.
            fd, tmp = tempfile.mkstemp(
                dir=self._path.parent, prefix=f".{self._path.name}.", suffix=".tmp"
            )
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(tmp, self._path)
            tmp = None
        except OSError as error:
            raise TokenStoreError(
                f"could not write the token file {str(self._path)!r}: {error.strerror}"
            ) from None
        finally:
            if tmp is not None:
                _unlink_quietly(tmp)

    def _open_lease(self) -> _FileLease:
        """Open the lock file whose ``flock`` is the lease, not yet acquired."""
        self._check_directory()
        try:
            fd = os.open(
                self._lock_path,
                os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                0o600,
            )
        except OSError as error:
            raise _open_error("the lock file", self._lock_path, error) from None
        try:
            _check_private(os.fstat(fd), "the lock file", self._lock_path)
        except BaseException:
            os.close(fd)
            raise
        return _FileLease(fd, str(self._lock_path))


def _open_error(what: str, path: Path, error: OSError) -> TokenStoreError:
    if error.errno == errno.ELOOP:
        return TokenStoreError(
            f"refusing {what} {str(path)!r}: it is a symbolic link, which the store never "
            "follows (someone may have planted it to make the store write elsewhere). "
            "Remove it"
        )
    return TokenStoreError(f"could not open {what} {str(path)!r}: {error.strerror}")


def _check_private(info: os.stat_result, what: str, path: Path) -> None:
    """Refuse a file that is not a regular file of ours, readable by us alone.

    Like ssh with a private key: a token file that others can read may have leaked,
    and one that others can write (or that another user owns) may hold a token they
    planted, which would send this app's calls to their account.

    Raises:
        TokenStoreError: The file is not ours, not a regular file, or not private.
    """
    if not stat.S_ISREG(info.st_mode):
        raise TokenStoreError(f"refusing {what} {str(path)!r}: it is not a regular file")
    if info.st_uid != os.geteuid():
        raise TokenStoreError(
            f"refusing {what} {str(path)!r}: it belongs to another user (uid {info.st_uid}); "
            "the store only uses files its own user created. Remove it"
        )
    if info.st_mode & 0o077:
        raise TokenStoreError(
            f"refusing {what} {str(path)!r}: group or others may read or write it (mode "
            f"{stat.S_IMODE(info.st_mode):04o}), so its token may have leaked or been "
            f"planted. Remove it (the next login writes a new one, mode 0600), or, if you "
            f"are sure no one else touched it, `chmod 600` it"
        )


class _FileLease:
    """A ``FileTokenStore``'s lease: an exclusive ``flock`` any task or thread may release.

    ``acquire`` blocks (call it in a worker thread). If the waiter is cancelled first,
    ``release`` asks the thread to let the lock go as soon as it gets it; once held,
    ``release`` lets it go at once. Closing the file is what releases the lock.
    """

    def __init__(self, fd: int, name: str) -> None:
        self._fd = fd
        self._name = name
        self._mutex = threading.Lock()
        self._state = "waiting"  # then "held" or "released" (while waiting), and "closed"

    def try_acquire(self) -> bool:
        """Take the lock if it is free, without blocking."""
        assert fcntl is not None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as error:
            self._close()
            raise TokenStoreError(f"could not lock {self._name!r}: {error.strerror}") from None
        self._state = "held"
        return True

    def acquire(self) -> None:
        """Block until the lock is ours; let it go at once if released meanwhile."""
        assert fcntl is not None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError as error:
            with self._mutex:
                self._close()
            raise TokenStoreError(f"could not lock {self._name!r}: {error.strerror}") from None
        with self._mutex:
            if self._state == "released":
                self._close()
            else:
                self._state = "held"

    def release(self) -> None:
        """Let the lock go if held; if still waiting for it, let it go when it comes."""
        with self._mutex:
            if self._state == "waiting":
                self._state = "released"
            else:
                self._close()

    def _close(self) -> None:
        if self._state != "closed":
            self._state = "closed"
            os.close(self._fd)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError as error:
        _log.warning("could not remove the temporary file %r: %s", path, error.strerror)
