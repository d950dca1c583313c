"""A client-side rate limit: keep a batch job under WXM's quota instead of meeting 429s.

WXM limits requests per unit of time (its docs: "15 requ...", cut off; a per-minute
quota fits what is known). ``WXMClient(rate_limit=RequestRate(...))`` spaces the
requests out with a token bucket, so that a long job stays under the quota. The bucket
runs on anyio's primitives only, so it works on asyncio and on trio.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import anyio
from attrs import field, frozen

from ._config import number

__all__ = ["Pacer", "RequestRate"]


@frozen(kw_only=True)
class RequestRate:
    """At most ``requests`` requests every ``per`` seconds, in bursts of at most ``burst``.

    A token bucket: it holds up to ``burst`` tokens, gains one every ``per / requests``
    seconds, and each request (each retry too) takes one, waiting for it if needed.
    With ``burst=1`` (the default) no window of ``per`` seconds, wherever it starts,
    sees more than ``requests`` requests leave the client. Leave a margin below WXM's
    quota (say 5%): requests can arrive bunched a few milliseconds closer than they
    left.

    Example:
        ```python
        # WXM's quota: 1,000 requests a minute; stay a little under it.
        client = WXMClient(auth=auth, rate_limit=RequestRate(requests=950, per=60))
        ```

    Attributes:
        requests: Requests allowed every ``per`` seconds.
        per: The window, in seconds. Default 60: WXM's quota is per unit of time.
        burst: The most requests sent back to back after a quiet spell.
    """

    requests: int = field(validator=number(at_least=1, whole=True))
    per: float = field(default=60.0, validator=number(more_than=0))
    burst: int = field(default=1, validator=number(at_least=1, whole=True))

    @property
    def interval(self) -> float:
        """Seconds between two tokens: ``per / requests``."""
        return self.per / self.requests


class Pacer:
    """Paces requests as a ``RequestRate`` says (its token bucket): ``acquire()`` before each.

    Waiters are served in turn: the one holding the lock sleeps until its token is due,
    so a burst of callers leaves at the bucket's pace, first come, first served.
    """

    def __init__(
        self,
        rate: RequestRate,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        # The moment the next token is due if the bucket were empty (GCRA's "theoretical
        # arrival time"): exact arithmetic on moments, where counting fractional tokens
        # would drift by rounding errors.
        self._due = clock()
        self._lock = anyio.Lock()
        self.waited = 0.0  # seconds spent waiting for tokens, in all: for benchmarks

    def __repr__(self) -> str:
        return f"Pacer({self.rate!r})"

    async def acquire(self) -> float:
        """Take one token, waiting until one is due.

        Returns:
            The seconds this caller waited (for its turn and its token), or 0.0 if it
            took a token at once.
        """
        interval = self.rate.interval
        entered = self._clock()
        waited = self._lock.locked()  # another caller is waiting for its token: queue up
        async with self._lock:
            now = self._clock()
            due = max(self._due, now)
            start = due - (self.rate.burst - 1) * interval  # the burst may go early
            for _ in range(3):  # a clock may wake a sleeper a hair early: look again
                if start <= now:
                    break
                self.waited += start - now
                waited = True
                await self._sleep(start - now)
                now = self._clock()
            self._due = due + interval
        return self._clock() - entered if waited else 0.0
