"""Bounds an outside review found open: parsed size, trickling bodies, huge ints, odd files."""

from __future__ import annotations

import math
import os
from pathlib import Path

import anyio
import httpx
import pytest

from wxm_async import (
    APITimeoutError,
    ConfigurationError,
    DecodeError,
    RequestRate,
    RetryPolicy,
    TokenStoreError,
    WXMBearerAuth,
    WXMClient,
)
from wxm_async.stores import FileTokenStore
from wxm_async.testing import FakeWXM

from ..conftest import store_client
from ..helpers import Trickle

pytestmark = pytest.mark.anyio


def client_answering(handler: httpx.MockTransport, **options: object) -> WXMClient:
    return WXMClient(
        auth=WXMBearerAuth("t"),
        base_url="https://wxm.test",
        transport=handler,
        retries=RetryPolicy.off(),
        **options,  # type: ignore[arg-type]
    )


async def test_json_that_would_parse_into_millions_of_objects_is_refused() -> None:
    """8 MiB of [{},{},...] (under the size cap) is a DecodeError, not gigabytes of dicts."""
    body = b"[" + b"{}," * (8 * 2**20 // 3) + b"{}]"
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=body))
    async with client_answering(transport) as client:
        with pytest.raises(DecodeError, match="more objects and lists"):
            await client.questions.all()


async def test_a_body_that_trickles_in_forever_times_out() -> None:
    """Each byte comes before the read timeout; the whole body gets that long, no longer."""
    transport = httpx.MockTransport(lambda r: httpx.Response(200, stream=Trickle()))
    async with client_answering(transport, timeout=httpx.Timeout(5.0, read=0.3)) as client:
        with anyio.fail_after(20), pytest.raises(APITimeoutError):  # a guard against a hang
            await client.questions.all()


@pytest.mark.parametrize(
    "options",
    [
        {"requests": math.nan},
        {"requests": -1},
        {"requests": "5"},
        {"requests": 1.5},
        {"requests": True},
        {"requests": 10, "per": math.inf},
        {"requests": 10, "burst": 1.5},
    ],
)
def test_a_request_rate_is_checked_like_every_option(options: dict[str, object]) -> None:
    """RequestRate refuses NaN, infinities, fractions, bools and strings by name."""
    with pytest.raises(ConfigurationError):
        RequestRate(**options)  # type: ignore[arg-type]


def test_an_int_of_thousands_of_digits_is_a_configuration_error() -> None:
    """An option of 5,000 digits: ConfigurationError, not Python's int-to-str ValueError."""
    with pytest.raises(ConfigurationError, match="thousands of digits"):
        RetryPolicy(timeout=10**5000)


async def test_a_directory_planted_at_the_token_file_is_a_store_error(
    fake: FakeWXM, tmp_path: Path
) -> None:
    """A directory where the token file should be: TokenStoreError, not IsADirectoryError."""
    path = tmp_path / "token"
    os.mkdir(path, 0o700)
    async with store_client(fake, FileTokenStore(path)) as http:
        with pytest.raises(TokenStoreError):
            await http.get("/api/Profile")
