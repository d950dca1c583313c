"""An outside review of the read deadline: a hostile HTTP/1.1 server on 127.0.0.1.

The promise: an answer's whole body arrives within the request's read timeout, whatever
the server does (stall, trickle, lie about its length, frame it in chunks, compress it,
or keep the connection open after a whole body, which must then be reused). Every
server here is raw sockets (``_hostile``), so that it can send what no well-behaved
framework would.
"""

from __future__ import annotations

import gzip
import zlib

import anyio
import httpx
import pytest
from anyio.abc import SocketStream

from wxm_async import APIConnectionError, APIStatusError, APITimeoutError, RetryPolicy

from ._hostile import (
    ANSWER,
    answering,
    chunk,
    forever,
    response_head,
    serving,
    trickle,
    trickling_call,
    wxm_client,
)

pytestmark = pytest.mark.anyio


# -- the body's framing: a server that lies or trickles ------------------------------


_CHUNKED_TRICKLES = {
    # Content-Length that h11 ignores (chunked wins), matched by the first chunk: the
    # rest must not be read as if the body had ended.
    "content-length-and-chunked": (
        ["Content-Length: 1", "Transfer-Encoding: chunked"],
        chunk(b"[") + b"1;" + forever(b"x"),
    ),
    # The first chunk's header never ends: no byte of the body comes at all.
    "first-chunk-header": (["Transfer-Encoding: chunked"], b"1;" + forever(b"x")),
    # A whole body, then a trailer that never ends.
    "trailer": (
        ["Transfer-Encoding: chunked"],
        chunk(ANSWER) + b"0\r\nX-Trailer: " + forever(b"x"),
    ),
}


@pytest.mark.parametrize("case", list(_CHUNKED_TRICKLES))
async def test_a_chunked_body_whose_framing_trickles_is_given_up_on(case: str) -> None:
    """Chunk headers or trailers a byte at a time never keep a call past its read timeout."""
    headers, rest = _CHUNKED_TRICKLES[case]

    async def call(stream: SocketStream) -> None:
        await stream.send(response_head(*headers))
        await trickle(stream, rest)

    async with serving(answering(call)) as (url, _), wxm_client(url) as client:
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.questions.active()


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
async def test_a_compressed_body_that_trickles_is_given_up_on(coding: str) -> None:
    """Compressed bytes a byte at a time: the deadline counts bytes received, not decoded."""
    compress = gzip.compress if coding == "gzip" else zlib.compress
    body = compress(b"[" + b" " * 1_000_000 + b"]")

    async def call(stream: SocketStream) -> None:
        await stream.send(
            response_head(f"Content-Length: {len(body)}", f"Content-Encoding: {coding}")
        )
        await trickle(stream, body)

    async with serving(answering(call)) as (url, _), wxm_client(url) as client:
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.questions.active()


async def test_an_http_1_0_body_without_length_that_trickles_is_given_up_on() -> None:
    """HTTP/1.0 with no length ends at the close: a trickle that never closes times out."""

    async def call(stream: SocketStream) -> None:
        await stream.send(response_head(version="HTTP/1.0") + b"[")
        await trickle(stream, forever(b" "))

    async with serving(answering(call)) as (url, _), wxm_client(url) as client:
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.questions.active()


@pytest.mark.parametrize("length", ["+5", "-1", "5, 6", "0x5", "5 5"])
async def test_a_malformed_content_length_fails_at_once(length: str) -> None:
    """A Content-Length no parser can trust is a connection error, not a wait."""

    async def call(stream: SocketStream) -> None:
        await stream.send(response_head(f"Content-Length: {length}") + ANSWER)
        await anyio.sleep_forever()

    async with serving(answering(call)) as (url, _), wxm_client(url) as client:
        with anyio.fail_after(5), pytest.raises(APIConnectionError) as caught:
            await client.questions.active()
    assert not isinstance(caught.value, APITimeoutError)


async def test_a_connection_closed_mid_body_fails_at_once() -> None:
    """Half the promised bytes, then the close: a connection error, not a timeout."""

    async def call(stream: SocketStream) -> None:
        await stream.send(response_head(f"Content-Length: {len(ANSWER)}") + ANSWER[:7])
        await stream.aclose()

    async with serving(answering(call)) as (url, _), wxm_client(url) as client:
        with anyio.fail_after(5), pytest.raises(APIConnectionError) as caught:
            await client.questions.active()
    assert not isinstance(caught.value, APITimeoutError)


_WHOLE_BODIES = {
    "leading-zero-length": ([f"Content-Length: 0{len(ANSWER)}"], ANSWER),
    "two-equal-lengths": ([f"Content-Length: {len(ANSWER)}"] * 2, ANSWER),
    "chunked": (
        ["Transfer-Encoding: chunked"],
        chunk(ANSWER[:9]) + chunk(ANSWER[9:]) + b"0\r\n\r\n",
    ),
    "length-and-chunked": (
        [f"Content-Length: {len(ANSWER)}", "Transfer-Encoding: chunked"],
        chunk(ANSWER) + b"0\r\n\r\n",
    ),
    "deflate": (
        [f"Content-Length: {len(zlib.compress(ANSWER))}", "Content-Encoding: deflate"],
        zlib.compress(ANSWER),
    ),
}


@pytest.mark.parametrize("case", list(_WHOLE_BODIES))
async def test_a_whole_body_on_an_open_connection_is_read_and_the_connection_reused(
    case: str,
) -> None:
    """However a whole body is framed, the call ends without waiting and the next reuses it."""
    headers, body = _WHOLE_BODIES[case]

    async def call(stream: SocketStream) -> None:
        await stream.send(response_head(*headers) + body)  # and the connection stays open

    async with serving(answering(call)) as (url, seen), wxm_client(url) as client:
        with anyio.fail_after(5):
            for _ in range(3):
                assert [q.id for q in await client.questions.active()] == ["q1"]
    assert seen.count(b"connection") == 1
    assert len(seen) == 1 + 4  # the login and three calls


async def test_a_whole_error_body_on_an_open_connection_is_read_and_the_connection_reused() -> None:
    """A 503's whole body ends its read at once; each retry goes on the same connection."""
    body = b'{"message": "try later"}'

    async def call(stream: SocketStream) -> None:
        await stream.send(
            response_head(f"Content-Length: {len(body)}", status="503 Service Unavailable") + body
        )

    retries = RetryPolicy(attempts=3, wait_initial=0.01, wait_max=0.01, wait_jitter=0.0)
    async with serving(answering(call)) as (url, seen), wxm_client(url, retries=retries) as client:
        with anyio.fail_after(5), pytest.raises(APIStatusError) as caught:
            await client.questions.active()
    assert caught.value.status_code == 503
    assert seen.count(b"connection") == 1
    assert len(seen) == 1 + 4  # the login and three tries


async def test_a_call_cancelled_mid_body_gives_its_connection_back() -> None:
    """A caller's cancel in the middle of a trickle frees the pool's only connection."""
    calls = 0

    async def call(stream: SocketStream) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            await stream.send(response_head("Content-Length: 100000") + b"[")
            await trickle(stream, forever(b" "))
        await stream.send(response_head(f"Content-Length: {len(ANSWER)}") + ANSWER)

    timeout = httpx.Timeout(5.0, read=60.0, pool=1.0)
    limits = httpx.Limits(max_connections=1)
    async with (
        serving(answering(call)) as (url, _),
        wxm_client(url, timeout=timeout, limits=limits) as client,
    ):
        with anyio.move_on_after(0.3) as cancelled:  # the caller's own deadline
            await client.questions.active()
        assert cancelled.cancelled_caught
        with anyio.fail_after(5):
            assert [q.id for q in await client.questions.active()] == ["q1"]


# -- the timeout each call is given ---------------------------------------------------


async def test_a_per_call_timeout_bounds_the_body() -> None:
    """``timeout=`` on one call bounds its body (``POST /api/FlashNPS``), under a client read timeout of a minute."""
    async with (
        serving(trickling_call()) as (url, _),
        wxm_client(url, timeout=httpx.Timeout(60.0)) as client,
    ):
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.analytics.nps(timeout=httpx.Timeout(5.0, read=0.3))


async def test_with_options_timeout_bounds_the_body() -> None:
    """``with_options(timeout=...)`` bounds the body, under a client read timeout of a minute."""
    async with (
        serving(trickling_call()) as (url, _),
        wxm_client(url, timeout=httpx.Timeout(60.0)) as client,
    ):
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.with_options(timeout=httpx.Timeout(5.0, read=0.3)).questions.active()


@pytest.mark.parametrize("status", ["500 Internal Server Error", "404 Not Found"])
async def test_an_error_body_that_trickles_is_given_up_on(status: str) -> None:
    """An error's body is bounded like an answer's, on each try of a GET (it timed out: retried)."""
    retries = RetryPolicy(attempts=2, wait_initial=0.01, wait_max=0.01, wait_jitter=0.0)
    async with (
        serving(trickling_call(status)) as (url, seen),
        wxm_client(url, retries=retries) as client,
    ):
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.questions.active()
    calls = [head for head in seen if head.startswith(b"get /api/questions/active ")]
    assert len(calls) == 2
