"""Token stores: where ``WXMAuth`` keeps its token, and how to write your own.

Pass one as ``WXMAuth(..., store=...)``:

- ``MemoryTokenStore`` (the default): one process.
- ``FileTokenStore``: the processes of one host share one token and one login.
- ``RedisTokenStore``: a fleet of hosts does (the ``redis`` extra).

A store is anything that follows the ``TokenStore`` protocol, which hands out
``CachedToken`` and ``LoginTurn`` objects. To share the token through another database,
subclass ``SharedTokenStore``, as ``FileTokenStore`` and ``RedisTokenStore`` do: it
brings the single-flight login, the in-process layer, the shared failure window and
encryption at rest, and asks five methods of you. They start with an underscore because
they are for subclasses to provide, not for callers to use. ``SharedTokenStore[L]`` is
generic in ``L``, the lease your storage hands out (a lock object, a lease id):

- ``async _read() -> Snapshot``: read the shared record.
- ``async _acquire_lease(ready) -> (L | None, Snapshot)``: wait for the lease one
  process at a time holds while it logs in, and read the record under it; or return
  ``(None, snapshot)`` as soon as ``ready(snapshot)`` says the lease is needless.
- ``async _release_lease(lease)``: release it.
- ``async _put_token(record, remaining)``: store a ``StoredToken`` that lives
  ``remaining`` seconds more, clearing any failure.
- ``async _put_failure(record, window)``: store a ``StoredFailure`` for ``window``
  seconds, keeping the token.

``self._seal(AtRest(...)) -> bytes`` and ``self._unseal(data, what=...) -> AtRest | None``
encode the record for storage (encrypted when the store has a key), and
``self._snapshot(record) -> Snapshot`` reads a record's wall-clock deadlines as remaining
lives. Raise ``TokenStoreError`` when the storage fails; the message must not contain
the token.
"""

from ._exceptions import TokenStoreError
from ._public import publish as _publish
from ._stores._at_rest import AtRest, StoredFailure, StoredToken
from ._stores._file import FileTokenStore
from ._stores._memory import MemoryTokenStore
from ._stores._protocol import LoginTurn, TokenStore
from ._stores._redis import RedisTokenStore
from ._stores._shared import SharedTokenStore, Snapshot
from ._stores._token import CachedToken

__all__ = [
    "AtRest",
    "CachedToken",
    "FileTokenStore",
    "LoginTurn",
    "MemoryTokenStore",
    "RedisTokenStore",
    "SharedTokenStore",
    "Snapshot",
    "StoredFailure",
    "StoredToken",
    "TokenStore",
    "TokenStoreError",
]

_publish(__name__, globals())
