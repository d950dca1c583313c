"""Header values from the server are parsed so that only the library's errors come out."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from wxm_async import RateLimitedError, RetryPolicy, ServerError, WXMAuth, WXMBearerAuth, WXMClient
from wxm_async._retry_after import parse_retry_after

from ..conftest import PASSWORD, USERNAME

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)

#: Values that str.isdigit() or float() take but that are not delay-seconds. (An overlong
#: run of ASCII digits is delay-seconds, a very long wait: see test_outside_review_15.)
NOT_DELAY_SECONDS = ["²", "¹²", "١٢", "1_0", "1e3", "+5", "0x10", "1.5.2", "\x00"]


@pytest.mark.parametrize("value", NOT_DELAY_SECONDS)
def test_retry_after_takes_ascii_digits_only(value: str) -> None:
    """Unicode digits, underscores, exponents and overlong numbers are no advice, not ValueError."""
    assert parse_retry_after(value, now=NOW) is None


@pytest.mark.parametrize(
    "value",
    ["Sun, 06 Nov 99999 08:49:37 GMT", "Mon, 31 Feb 2026 00:00:00 GMT"],
)
def test_retry_after_dates_out_of_range_are_no_advice(value: str) -> None:
    """An HTTP-date that does not exist, or does not fit, is no advice."""
    assert parse_retry_after(value, now=NOW) is None


def test_retry_after_far_in_the_future_is_finite() -> None:
    """The latest date there is gives a finite wait, which the policy then refuses."""
    wait = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now=NOW)
    assert wait is not None
    assert wait < float("inf")


@pytest.mark.anyio
async def test_a_429_with_a_superscript_retry_after_is_rate_limited() -> None:
    """Retry-After: ² on a 429 gives RateLimitedError without advice, not ValueError."""

    async def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={b"Retry-After": "²".encode()}, json={"message": "slow"})

    async with WXMClient(
        auth=WXMBearerAuth("t"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy(attempts=2).without_waiting(),
    ) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.questions.active()
    assert caught.value.retry_after is None


@pytest.mark.anyio
async def test_a_503_login_with_a_superscript_retry_after_is_a_server_error() -> None:
    """Retry-After: ² on a 503 login gives ServerError, not ValueError."""

    async def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={b"Retry-After": "²".encode()}, text="down")

    async with httpx.AsyncClient(
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        auth=WXMAuth(USERNAME, PASSWORD),
    ) as http:
        with pytest.raises(ServerError, match="503"):
            await http.get("/api/Questions/Active")
