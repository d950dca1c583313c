"""WXMClient past WXM's rate limit: retried, then RateLimitedError with WXM's wait."""

from __future__ import annotations

import pytest

from wxm_async import RateLimitedError, WXMClient
from wxm_async.testing import FakeWXM, RateLimit

pytestmark = pytest.mark.anyio


@pytest.fixture
def fake() -> FakeWXM:
    """A fake WXM that allows one request every five seconds."""
    return FakeWXM(rate_limit=RateLimit(requests=1, per=5))


async def test_past_the_rate_limit_the_client_retries_then_raises(
    client: WXMClient, fake: FakeWXM
) -> None:
    """Every attempt meets 429; the error carries the Retry-After WXM sent."""
    await client.account.profile()
    with pytest.raises(RateLimitedError, match="429") as caught:
        await client.account.profile()
    assert caught.value.retry_after is not None
    assert 0 < caught.value.retry_after <= 5
    assert fake.rate_limited == 12  # a 429's own budget: 12 tries (not waiting), each refused
