"""Every answer the library reads is capped in its decoded size: no compression bombs."""

from __future__ import annotations

import functools
import gzip
import tracemalloc
import zlib

import anyio
import httpx
import pytest

from wxm_async import (
    DecodeError,
    ResponseTooLargeError,
    RetryPolicy,
    WXMAuth,
    WXMBearerAuth,
    WXMClient,
)
from wxm_async._body import read_capped

from ..conftest import PASSWORD, USERNAME
from ..helpers import Chunks, Trickle, is_login

pytestmark = pytest.mark.anyio

MiB = 1024 * 1024


@functools.cache
def bomb(inflated: int = 256 * MiB) -> bytes:
    """``inflated`` zero bytes, gzipped twice: a few kilobytes (``Content-Encoding: gzip, gzip``)."""
    inner = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(MiB)
    once = b"".join(inner.compress(block) for _ in range(inflated // MiB)) + inner.flush()
    return gzip.compress(once, 9)


def streamed(status: int, data: bytes, encoding: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if encoding is not None:
        headers["Content-Encoding"] = encoding
    return httpx.Response(status, headers=headers, stream=Chunks(data))


def client_answering(response: httpx.Response, **options: object) -> WXMClient:
    async def handle(request: httpx.Request) -> httpx.Response:
        return response

    return WXMClient(
        auth=WXMBearerAuth("t"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy.off(),
        **options,  # type: ignore[arg-type]
    )


async def test_a_compression_bomb_stops_at_the_cap_in_bounded_memory() -> None:
    """256 MiB behind gzip, gzip raises ResponseTooLargeError, with memory near the 1 MiB cap."""
    body = bomb()
    assert len(body) < 64 * 1024
    client = client_answering(streamed(200, body, "gzip, gzip"), max_answer_bytes=MiB)
    tracemalloc.start()
    try:
        async with client:
            with pytest.raises(
                ResponseTooLargeError, match=r"1,048,576 bytes \(WXMClient's max_answer_bytes\)"
            ) as caught:
                await client.responses.count()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.limit == MiB
    assert caught.value.request is not None
    assert "authorization" not in caught.value.request.headers
    assert peak < 8 * MiB


async def test_a_bomb_in_an_error_body_stops_at_the_cap() -> None:
    """An error status whose body inflates past the cap raises ResponseTooLargeError too."""
    client = client_answering(streamed(503, bomb(), "gzip, gzip"), max_answer_bytes=MiB)
    async with client:
        with pytest.raises(ResponseTooLargeError, match="GET /api/Questions/Active"):
            await client.questions.active()


async def test_a_login_answer_has_a_small_cap_of_its_own() -> None:
    """A login answer past 64 KiB decoded raises ResponseTooLargeError naming the login."""

    async def handle(request: httpx.Request) -> httpx.Response:
        assert is_login(request)
        return streamed(200, bomb(), "gzip, gzip")

    async with httpx.AsyncClient(
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        auth=WXMAuth(USERNAME, PASSWORD),
    ) as http:
        with pytest.raises(
            ResponseTooLargeError, match="LoginToken answer is larger than 65,536"
        ) as caught:
            await http.get("/api/Questions/Active")
    assert caught.value.limit == 64 * 1024


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        (None, lambda b: b),
        ("identity", lambda b: b),
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send
        ("gzip, deflate", lambda b: zlib.compress(gzip.compress(b))),
    ],
)
async def test_answers_under_the_cap_decode(encoding: str | None, encode: object) -> None:
    """Plain, gzip, deflate (zlib or raw) and stacked codings decode as before."""
    data = encode(b"[" + b"1," * 50_000 + b"2]")  # type: ignore[operator]
    async with client_answering(streamed(200, data, encoding)) as client:
        response = await client._sender.send("GET", "/api/x", idempotent=True)
    assert response.json()[-1] == 2
    assert len(response.json()) == 50_001


@pytest.mark.parametrize(("size", "fits"), [(1000, True), (1001, False)])
async def test_the_cap_is_the_decoded_size(size: int, fits: bool) -> None:
    """An answer of exactly max_answer_bytes is read; one byte more is refused."""
    data = b'"' + b"a" * (size - 2) + b'"'
    async with client_answering(
        streamed(200, gzip.compress(data), "gzip"), max_answer_bytes=1000
    ) as client:
        if fits:
            assert await client.account.api_key() == "a" * (size - 2)
        else:
            with pytest.raises(ResponseTooLargeError):
                await client.account.api_key()


@pytest.mark.parametrize(
    ("encoding", "data", "message"),
    [
        ("br", b"\x0b\x02\x80[]\x03", "Content-Encoding 'br' is not one"),
        ("gzip", b"\x1f\x8b not gzip at all", "Content-Encoding is corrupt"),
        ("gzip, gzip, gzip, gzip", b"", "4 content codings"),
    ],
)
async def test_codings_we_cannot_decode_are_decode_errors(
    encoding: str, data: bytes, message: str
) -> None:
    """An unknown coding, a corrupt one, or too many of them raise DecodeError, not httpx's error."""
    async with client_answering(streamed(200, data, encoding)) as client:
        with pytest.raises(DecodeError, match=message):
            await client.questions.active()


async def test_the_client_asks_for_the_codings_it_decodes() -> None:
    """Every call sends Accept-Encoding: gzip, deflate, whatever httpx would advertise."""
    seen: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=3)

    async with (
        httpx.AsyncClient(
            base_url="https://wxm.test",
            transport=httpx.MockTransport(handle),
            auth=WXMBearerAuth("t"),
        ) as http,
        WXMClient(http_client=http) as client,
    ):
        assert await client.responses.count() == 3
    assert seen[0].headers["accept-encoding"] == "gzip, deflate"


async def test_the_capped_reader_bounds_the_whole_body_in_time() -> None:
    """read_capped(within=...): a body that trickles forever ends in httpx.ReadTimeout."""
    response = httpx.Response(
        200, stream=Trickle(), request=httpx.Request("GET", "https://wxm.test/api/x")
    )
    with anyio.fail_after(20), pytest.raises(httpx.ReadTimeout, match="did not end within"):
        await read_capped(response, 1024 * 1024, what="the answer", within=0.2)
