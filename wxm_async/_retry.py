"""When ``WXMClient`` tries a request again, and how long it waits first.

A declared policy, in the manner of stamina: named transient failures, ``Retry-After``
honoured, jittered exponential backoff, bounded attempts and total time, and a switch
that removes the waiting in tests. ``RetryPolicy.retrying()`` yields the tries at one
call; ``classify()`` says what a failed try was; ``RetryPolicy.wait_before_retry()``
decides from that alone. The decisions are pure functions, so they are tested without
I/O. (stamina itself would be a fifth runtime dependency; the core keeps to httpx,
anyio, attrs and cattrs.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import anyio
import httpx
from attrs import define, evolve, field, frozen

from ._config import check_number, number
from ._exceptions import APIStatusError, ConfigurationError, RateLimitedError
from ._retry_after import retry_after_of

__all__ = [
    "DEFAULT_RETRY_STATUSES",
    "Attempt",
    "Attempts",
    "Failure",
    "RetryPolicy",
    "classify",
]

DEFAULT_RETRY_STATUSES = frozenset({429, 502, 503, 504})
"""Statuses that say "not now" rather than "no": worth another try."""

#: Transport failures that happen before the request reached WXM: safe to retry always.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _statuses(statuses: Iterable[int]) -> frozenset[int]:
    """The statuses retried, as a set: typed, so ``statuses={429}`` passes mypy.

    Raises:
        ConfigurationError: It is a string, or holds other than statuses (100 to 599).
    """
    name = "RetryPolicy.statuses"
    if isinstance(statuses, str | bytes) or not isinstance(statuses, Iterable):
        raise ConfigurationError(f"{name} must be a set of statuses, e.g. {{429, 503}}")
    found = frozenset(statuses)  # once: a generator is read only once
    for status in found:
        check_number(name, status, at_least=100, whole=True)
        if status > 599:
            raise ConfigurationError(f"{name} must hold HTTP statuses (100 to 599)")
    return found


@frozen(kw_only=True)
class Failure:
    """A failed try at a call, classified: what went wrong, and what WXM asked for.

    Attributes:
        status: The status WXM answered (to the call, or to its login), or ``None``
            when no answer came.
        error: The transport failure, when no answer came.
        login: The call's login failed, so the call itself was never sent.
        retry_after: The wait WXM asked for (``Retry-After``), in seconds, if any.
    """

    status: int | None = None
    error: httpx.TransportError | None = None
    login: bool = False
    retry_after: float | None = None

    @property
    def unsent(self) -> bool:
        """Whether WXM cannot have acted on the call: it never left, or never arrived."""
        return self.login or isinstance(self.error, _NOT_SENT)

    @property
    def kind(self) -> str:
        """What went wrong, in no words a server chose: ``status 503``, ``ConnectError``."""
        if self.error is not None:
            return type(self.error).__name__  # not its message: it may name a host
        return f"login status {self.status}" if self.login else f"status {self.status}"

    @property
    def reason(self) -> str:
        """What went wrong, in a few words: ``status 503``, ``ConnectError: refused``."""
        if self.error is not None:
            detail = str(self.error)
            return f"{self.kind}: {detail}" if detail else self.kind
        return f"the login answered {self.status}" if self.login else self.kind


def classify(
    outcome: httpx.Response | httpx.TransportError | APIStatusError, *, login: bool = False
) -> Failure:
    """Say what a failed try was, from its outcome alone (no I/O).

    Args:
        outcome: WXM's answer (with an error status), the transport failure, or the
            error of the login that failed before the call was sent.
        login: A transport failure is the login's: the call itself was never sent.
    """
    if isinstance(outcome, httpx.TransportError):
        return Failure(error=outcome, login=login)
    if isinstance(outcome, APIStatusError):
        retry_after = outcome.retry_after if isinstance(outcome, RateLimitedError) else None
        return Failure(status=outcome.status_code, login=True, retry_after=retry_after)
    return Failure(status=outcome.status_code, retry_after=retry_after_of(outcome))


@frozen(kw_only=True)
class RetryPolicy:
    """Which failures ``WXMClient`` retries, how often, and how long it waits between.

    Retried: the statuses in ``statuses`` and transport failures (connection refused,
    reset or dropped, timeouts). Requests that are not idempotent (creating a survey
    token, adding a note) are retried only when WXM cannot have acted on them: a 429,
    a connection that never opened, or a login before them that failed. Reads, and
    WXM's read-only POSTs (the response filters, counts and summaries), are retried on
    every listed failure.

    The wait before retry ``n`` (1, 2, ...) is ``wait_initial * wait_exp_base ** (n -
    1)`` plus up to ``wait_jitter`` seconds at random, and never more than ``wait_max``,
    the jitter included (see ``backoff()``); a ``Retry-After`` from WXM replaces it. No
    retry starts after ``timeout`` seconds from the first attempt, or when the wait
    would end after it.

    A 429 means WXM's quota is used up, and WXM's quota is per unit of time (a minute
    fits what is known): so a 429 has budgets of its own, long enough to ride out a
    per-minute window. It is retried up to ``rate_limit_attempts`` tries in all,
    within ``rate_limit_timeout`` seconds of the first attempt, waiting 1 s, 2 s, 4 s,
    8 s, then ``rate_limit_wait_max`` (15 s) each time, jitter included, or longer if
    ``Retry-After`` asks more (up to ``max_retry_after``): a ``Retry-After`` of 0, or a
    date past, does not use the budget's tries up in a moment. WXM's own .NET client
    waits 1 s then 15 s, six times (about 76 s in all).

    Attributes:
        attempts: Tries in all, the first included; 1 turns retries off.
        timeout: Seconds from the first attempt after which no retry starts.
        wait_initial: The first backoff, in seconds.
        wait_max: The longest backoff, in seconds.
        wait_jitter: The most random time added to a backoff, in seconds.
        wait_exp_base: How much each backoff grows over the one before.
        max_retry_after: The longest ``Retry-After`` honoured, in seconds; a 429 asking
            for more fails at once with ``RateLimitedError``.
        rate_limit_attempts: Tries in all when WXM answers 429 (its quota is used up).
        rate_limit_timeout: Seconds from the first attempt after which no retry of a
            429 starts: at least a minute's window and some.
        rate_limit_wait_initial: The first wait after a 429 (longer if ``Retry-After``
            asks more).
        rate_limit_wait_max: The longest wait after a 429 (longer if ``Retry-After``
            asks more).
        statuses: The statuses retried.
        wait: ``False`` retries without waiting at all: for tests (see
            ``without_waiting()``).

    Raises:
        ConfigurationError: A number is NaN, infinite or out of range; the message
            names it.
    """

    attempts: int = field(default=4, validator=number(at_least=1, whole=True))
    timeout: float = field(default=60.0, validator=number(at_least=0))
    wait_initial: float = field(default=0.5, validator=number(at_least=0))
    wait_max: float = field(default=10.0, validator=number(at_least=0))
    wait_jitter: float = field(default=0.5, validator=number(at_least=0))
    wait_exp_base: float = field(default=2.0, validator=number(at_least=1))
    max_retry_after: float = field(default=60.0, validator=number(at_least=0))
    rate_limit_attempts: int = field(default=12, validator=number(at_least=1, whole=True))
    rate_limit_timeout: float = field(default=120.0, validator=number(at_least=0))
    rate_limit_wait_initial: float = field(default=1.0, validator=number(at_least=0))
    rate_limit_wait_max: float = field(default=15.0, validator=number(at_least=0))
    statuses: frozenset[int] = field(default=DEFAULT_RETRY_STATUSES, converter=_statuses)
    wait: bool = True

    @classmethod
    def off(cls) -> RetryPolicy:
        """Return a policy that never retries, not even a 429."""
        return cls(attempts=1, rate_limit_attempts=1)

    def without_waiting(self) -> RetryPolicy:
        """Return this policy with every wait removed: retries happen at once (for tests)."""
        return evolve(self, wait=False)

    def retrying(
        self,
        *,
        idempotent: bool,
        clock: Callable[[], float],
        random: Callable[[], float],
    ) -> Attempts:
        """Return the tries at one call, as this policy allows them.

        Args:
            idempotent: Whether the call may safely be sent twice.
            clock: Seconds, monotonic: the policy's ``timeout`` is measured with it.
            random: A source of floats in ``[0, 1)`` for the jitter.
        """
        return Attempts(policy=self, idempotent=idempotent, clock=clock, random=random)

    def backoff(self, retry: int, random: Callable[[], float]) -> float:
        """Return the wait, in seconds, before retry number ``retry`` (1, 2, ...).

        It is ``wait_initial * wait_exp_base ** (retry - 1)`` plus the jitter, and never
        more than ``wait_max``: the jitter included, however many retries came before.

        Args:
            retry: Which retry this is; the first is 1.
            random: A source of floats in ``[0, 1)`` for the jitter.
        """
        exponential = _capped_exponential(
            self.wait_initial, self.wait_exp_base, self.wait_max, retry
        )
        return min(self.wait_max, exponential + self.wait_jitter * random())

    def wait_before_retry(
        self,
        *,
        attempt: int,
        elapsed: float,
        idempotent: bool,
        failure: Failure,
        random: Callable[[], float],
    ) -> float | None:
        """Decide whether to retry after a failed attempt, and how long to wait first.

        Args:
            attempt: The attempt that just failed; the first is 1.
            elapsed: Seconds since the first attempt started.
            idempotent: Whether the request may be sent twice.
            failure: What went wrong (see ``classify``).
            random: A source of floats in ``[0, 1)`` for the jitter.

        Returns:
            The wait in seconds (0 when waiting is switched off), or ``None``: give up.
        """
        if self.attempts == 1 or not self._retryable(failure, idempotent):
            return None
        retry_after = failure.retry_after
        if retry_after is not None and retry_after > self.max_retry_after:
            return None
        if failure.status == 429:
            attempts, timeout = self.rate_limit_attempts, self.rate_limit_timeout
            backoff = self._rate_limit_backoff(attempt, random)
            # A quota is ridden out over the budget's time, not its count: a Retry-After
            # of 0 (or a date past) says nothing of when the quota resets.
            if retry_after is not None:
                retry_after = max(retry_after, backoff)
        else:
            attempts, timeout = self.attempts, self.timeout
            backoff = self.backoff(attempt, random)
        if attempt >= attempts:
            return None
        wait = retry_after if retry_after is not None else backoff
        if elapsed + wait > timeout:
            return None
        return wait if self.wait else 0.0

    def _rate_limit_backoff(self, retry: int, random: Callable[[], float]) -> float:
        """The wait before retrying a 429: doubling, within ``rate_limit_wait_max``."""
        cap = self.rate_limit_wait_max
        exponential = _capped_exponential(self.rate_limit_wait_initial, 2.0, cap, retry)
        return min(cap, exponential + self.wait_jitter * random())

    def _retryable(self, failure: Failure, idempotent: bool) -> bool:
        may_send_again = idempotent or failure.unsent
        if failure.status is None:  # no answer: a transport failure
            return may_send_again
        # A login failing with any 5xx says WXM is busy, as a 503 does.
        busy = failure.login and failure.status >= 500 and 503 in self.statuses
        if failure.status not in self.statuses and not busy:
            return False
        return may_send_again or failure.status == 429  # a 429 was not acted on


@define
class Attempt:
    """One try at a call, as ``RetryPolicy.retrying()`` yields them.

    After a failed try, ``retry(failure)`` asks the policy whether another try follows
    and how long to wait first; the iterator waits before it yields the next one.

    Attributes:
        number: Which try this is; the first is 1.
        failure: What went wrong, once ``retry()`` was told; ``None`` until then.
        wait: The wait before the next try, in seconds, once one is scheduled; ``None``
            while none is.
    """

    number: int
    _calls: Attempts = field(repr=False, alias="calls")
    failure: Failure | None = None
    wait: float | None = None

    @property
    def elapsed(self) -> float:
        """Seconds since the first try at the call started."""
        return self._calls.clock() - self._calls.started

    def retry(self, failure: Failure) -> bool:
        """Record this try's failure; return whether another try follows after ``wait``."""
        calls = self._calls
        self.failure = failure
        self.wait = calls.policy.wait_before_retry(
            attempt=self.number,
            elapsed=self.elapsed,
            idempotent=calls.idempotent,
            failure=failure,
            random=calls.random,
        )
        return self.wait is not None


@define(kw_only=True)
class Attempts:
    """The tries at one call: ``async for attempt in policy.retrying(...)``.

    The first try comes at once; each next one only after the one before scheduled a
    retry (``Attempt.retry``), and after its wait. The iteration ends when one did not.
    """

    policy: RetryPolicy
    idempotent: bool
    clock: Callable[[], float]
    random: Callable[[], float]
    started: float = field(init=False)
    _last: Attempt | None = field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        self.started = self.clock()

    def __aiter__(self) -> Attempts:
        return self

    async def __anext__(self) -> Attempt:
        last = self._last
        if last is None:
            number = 1
        elif last.wait is None:
            raise StopAsyncIteration
        else:
            await anyio.sleep(last.wait)
            number = last.number + 1
        self._last = Attempt(number, calls=self)
        return self._last


def _capped_exponential(initial: float, base: float, cap: float, retry: int) -> float:
    """``min(cap, initial * base ** (retry - 1))``, with no huge power for a late retry.

    Logarithms say first whether the cap is reached, so the power computed (if any) is
    below ``cap / initial``: no ``OverflowError``, and no million-digit integer when
    ``base`` is an ``int``.
    """
    if initial <= 0 or initial >= cap or base == 1:
        return min(initial, cap)
    steps = retry - 1
    if steps * math.log(base) >= math.log(cap) - math.log(initial):
        return cap
    try:
        return min(cap, initial * float(base) ** steps)
    except OverflowError:  # a tiny initial wait: the power alone exceeds a float
        return min(cap, math.exp(math.log(initial) + steps * math.log(base)))
