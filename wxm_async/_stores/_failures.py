"""How a shared store judges the rejected login it reads from the shared record.

The record comes from another process, or from whoever could write it. A failure is
honoured only while its window lasts, unless ``clear_failure()`` forgave it, or it
claims a window longer than any process of ours opens (planted, or a clock went back).
Its count of rejections in a row outlives the window, for ``COUNT_KEPT`` after it, so
that the next rejection, whichever process meets it, doubles the window for the whole
fleet; a success deletes it. A planted count is bounded: it can neither shrink a window
below the first nor stretch it past the longest.
"""

from __future__ import annotations

import logging

from ._at_rest import StoredFailure
from ._protocol import FailureWindow

__all__ = ["COUNT_KEPT", "MAX_REJECTIONS", "rejections_before", "shared_failure"]

_log = logging.getLogger("wxm_async.store")

MAX_REJECTIONS = 64
"""The most rejections in a row counted: the window stopped doubling long before."""

COUNT_KEPT = 24 * 3600.0
"""How long, in seconds, a failure's count outlives its window: a day without a login
attempt starts the count over (Redis expires the key then)."""


def _forgiven(failure: StoredFailure, cleared_at: float) -> bool:
    """Whether ``clear_failure()``, called at ``cleared_at`` (wall clock), forgave ``failure``.

    A ``since`` of NaN is no moment: such a failure is never honoured.
    """
    return failure.since is not None and not failure.since > cleared_at


def rejections_before(failure: StoredFailure | None, cleared_at: float, now: float) -> int:
    """How many rejections in a row the record counts, before the next login at ``now``.

    A failure without a count (written by an older version) counts as one; one whose
    window ended more than ``COUNT_KEPT`` ago (or at NaN), as none. The count is
    bounded to ``0..MAX_REJECTIONS``: a negative one would shrink the window.
    """
    if failure is None or _forgiven(failure, cleared_at):
        return 0
    if not failure.until + COUNT_KEPT >= now:
        return 0
    count = failure.rejections if failure.rejections is not None else 1
    return min(max(count, 0), MAX_REJECTIONS)


def shared_failure(
    failure: StoredFailure | None, remaining: float, cleared_at: float, window: FailureWindow
) -> StoredFailure | None:
    """The failure to raise without a login, or ``None``: forgiven, planted or over.

    Args:
        failure: The record's failure, if any.
        remaining: How long it is still shared, in seconds.
        cleared_at: When ``clear_failure()`` was last called, on the wall clock.
        window: This store's failure window.
    """
    if failure is None or _forgiven(failure, cleared_at) or not remaining > 0:
        return None
    if remaining > window.longest + 1:
        # No process of ours shares a rejection longer than the longest window: this
        # record was planted, or the clock went back. Trusting it would hold every
        # process back without a login for as long as it claims.
        _log.warning(
            "the shared record's rejected login claims to last longer than the longest "
            "failure window (%g s); ignoring it, a login is tried",
            window.longest,
        )
        return None
    return failure
