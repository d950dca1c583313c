"""The token stores: where ``WXMAuth`` keeps its token, and who logs in when it is due.

One module per concept; the public names are re-exported by ``wxm_async.stores``. This
package imports nothing above it but the library's foundations (config, errors, models,
the converter), and nothing here is imported on ``import wxm_async`` beyond what the
auth needs (``_token``, ``_protocol``, ``_memory``).

- ``_token``: ``CachedToken``, a token with its deadlines on the monotonic clock, and the
  rules on them (due, expired, still serving, ``Bearer`` header).
- ``_protocol``: the ``TokenStore`` contract (claim, turn, settle), ``LoginTurn`` and the
  ``FailureWindow`` a rejected login is remembered for.
- ``_memory``: ``MemoryTokenStore``, the default, single-flight within one process.
- ``_shared``: ``SharedTokenStore``, the base of stores shared between processes: a
  ``MemoryTokenStore`` per process, and across processes a lease acquired and released
  around one login; ``Snapshot``, what a subclass reads.
- ``_file``: ``FileTokenStore``, the lease an OS file lock.
- ``_redis``: ``RedisTokenStore``, the lease a Redis key with a time to live.
- ``_failures``: whether a rejected login read from the shared record is honoured
  (forgiven, planted, over), and the fleet's count of rejections in a row, bounded.
- ``_at_rest``: the record a shared store keeps (``AtRest``, ``StoredToken``,
  ``StoredFailure``), its versioned encoding, and a rejected login rebuilt from it.
- ``_cipher``: Fernet encryption of that record (the ``encryption`` extra).
"""
