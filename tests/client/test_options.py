"""Every numeric option refuses NaN, infinities and values out of range, by name."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from wxm_async import ConfigurationError, RetryPolicy, WXMBearerAuth, WXMClient
from wxm_async.stores import FileTokenStore, RedisTokenStore

NAN, INF = math.nan, math.inf


def client(**options: object) -> WXMClient:
    return WXMClient(auth=WXMBearerAuth("t"), **options)  # type: ignore[arg-type]


def policy(name: str, value: object) -> RetryPolicy:
    return RetryPolicy(**{name: value})  # type: ignore[arg-type]


def redis_store(**options: object) -> RedisTokenStore:
    return RedisTokenStore(
        "redis://127.0.0.1:1/0",
        base_url="https://wxm.test",
        username="u",
        **options,  # type: ignore[arg-type]
    )


#: (the option's name in the message, how to build it with a value)
OPTIONS: dict[str, tuple[str, Callable[[object], object]]] = {
    **{
        f"RetryPolicy.{name}": (f"RetryPolicy.{name}", functools.partial(policy, name))
        for name in (
            "attempts",
            "timeout",
            "wait_initial",
            "wait_max",
            "wait_jitter",
            "wait_exp_base",
            "max_retry_after",
        )
    },
    "WXMClient max_concurrency": ("max_concurrency", lambda v: client(max_concurrency=v)),
    "WXMClient first_page": ("first_page", lambda v: client(first_page=v)),
    "WXMClient max_answer_bytes": ("max_answer_bytes", lambda v: client(max_answer_bytes=v)),
    "WXMClient timeout": ("timeout", lambda v: client(timeout=v)),
    "WXMClient timeout.read": (
        "timeout.read",
        lambda v: client(timeout=httpx.Timeout(5, read=v)),  # type: ignore[arg-type]
    ),
    "WXMClient limits.keepalive_expiry": (
        "limits.keepalive_expiry",
        lambda v: client(limits=httpx.Limits(keepalive_expiry=v)),  # type: ignore[arg-type]
    ),
    "FileTokenStore failure_window": (
        "failure_window",
        lambda v: FileTokenStore(Path("unused"), failure_window=v),  # type: ignore[arg-type]
    ),
    "RedisTokenStore lease": ("lease", lambda v: redis_store(lease=v)),
    "RedisTokenStore failure_window": ("failure_window", lambda v: redis_store(failure_window=v)),
}


@pytest.mark.parametrize("bad", [NAN, INF, -INF, -1], ids=["nan", "inf", "-inf", "-1"])
@pytest.mark.parametrize("option", OPTIONS.values(), ids=OPTIONS.keys())
def test_numeric_options_refuse_nan_infinities_and_negatives(
    option: tuple[str, Callable[[object], object]], bad: float
) -> None:
    """NaN, +-inf and -1 raise ConfigurationError naming the option, when it is made."""
    name, build = option
    with pytest.raises(ConfigurationError, match="^" + re.escape(name) + " must be"):
        build(bad)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: RetryPolicy(attempts=0), "RetryPolicy.attempts must be 1 or more"),
        (
            lambda: RetryPolicy(attempts=2.5),  # type: ignore[arg-type]
            "RetryPolicy.attempts must be a whole number",
        ),
        (
            lambda: RetryPolicy(timeout="60"),  # type: ignore[arg-type]
            "RetryPolicy.timeout must be a number, not str",
        ),
        (lambda: RetryPolicy(wait_exp_base=0.5), "RetryPolicy.wait_exp_base must be 1 or more"),
        (lambda: client(max_concurrency=0), "max_concurrency must be 1 or more"),
        (lambda: client(max_concurrency=True), "max_concurrency must be a whole number"),
        (lambda: client(max_answer_bytes=0), "max_answer_bytes must be 1 or more"),
        (lambda: client(limits=httpx.Limits(max_connections=0)), "limits.max_connections"),
        (lambda: redis_store(lease=0), "lease must be more than 0"),
    ],
)
def test_values_out_of_range_or_of_the_wrong_kind_are_refused(
    build: Callable[[], object], message: str
) -> None:
    """Zero where at least one is needed, fractions, strings and bools are refused by name."""
    with pytest.raises(ConfigurationError, match=message):
        build()


def test_a_steep_backoff_never_overflows() -> None:
    """Thousands of attempts or a huge base cap at wait_max instead of OverflowError."""
    policy = RetryPolicy(attempts=5000, wait_exp_base=1e300, wait_max=10, wait_jitter=0)
    assert policy.backoff(4000, lambda: 0.0) == 10
    assert RetryPolicy(attempts=5000).backoff(3000, lambda: 0.0) == 10


@pytest.mark.anyio
@pytest.mark.parametrize("timeout", [NAN, INF, -1.0, 0.0, "5", httpx.Timeout(5.0, read=NAN)])
async def test_a_timeout_for_one_call_or_a_derived_client_is_checked(timeout: object) -> None:
    """with_options(timeout=) and a per-call timeout refuse what the constructor refuses."""
    async with client() as c:
        with pytest.raises(ConfigurationError, match="timeout"):
            c.with_options(timeout=timeout)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="timeout"):
            await c.responses.count(timeout=timeout)  # type: ignore[arg-type]
