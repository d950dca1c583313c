"""Long queries are not cut short: a long default read timeout, and a longer one per call."""

from __future__ import annotations

import pytest

from wxm_async import APITimeoutError, RetryPolicy, WXMAuth, WXMClient
from wxm_async.defaults import DEFAULT_TIMEOUT
from wxm_async.testing import FakeWXM, serve

from ..conftest import PASSWORD, USERNAME

pytestmark = pytest.mark.anyio


def test_the_default_read_timeout_is_wxms_own_and_connect_stays_short() -> None:
    """360 s to read, as WXM's .NET client allows; 10 s to connect."""
    client = WXMClient(auth=WXMAuth(USERNAME, PASSWORD))
    assert (client.http.timeout.read, client.http.timeout.connect) == (360.0, 10.0)
    assert DEFAULT_TIMEOUT.read == 360.0


async def test_one_call_can_wait_longer_than_the_clients_read_timeout() -> None:
    """A client reading for 0.05 s times out on a slow summary; timeout=5 on the call waits.

    Over loopback: httpx's timeouts apply to sockets, not to in-process transports.
    """
    fake = FakeWXM()
    async with (
        serve(fake) as base_url,
        WXMClient(
            auth=WXMAuth(USERNAME, PASSWORD),
            base_url=base_url,
            timeout=0.05,
            retries=RetryPolicy.off(),
        ) as client,
    ):
        await client.account.profile()  # log in first: the login is not slow
        fake.delay_next(route="POST /api/summary", seconds=0.2)
        with pytest.raises(APITimeoutError):
            await client.analytics.summary()
        for call in (
            client.analytics.summary,
            client.analytics.nps,
            client.responses.list,
            client.responses.count,
        ):
            fake.delay_next(route="POST /api/*", seconds=0.2)
            await call(timeout=5)
