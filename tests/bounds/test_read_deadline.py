"""The time an answer's body may take, against a real HTTP/1.1 server on 127.0.0.1.

The capped reader bounds the whole body by the read timeout. It puts no deadline of
its own on the reads httpx's transport already bounds (the first read; the end of a
body whose Content-Length has all come); these tests hold it to the promise through
httpcore and a socket, where a server can stall, trickle, or keep the connection open.
"""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
from anyio.abc import SocketStream

from wxm_async import APITimeoutError
from wxm_async._body import read_capped

from ..helpers import Trickle
from ._hostile import ANSWER, answering, response_head, serving, wxm_client

pytestmark = pytest.mark.anyio


def _length(body: bytes) -> str:
    return f"Content-Length: {len(body)}"


async def test_a_body_trickling_past_the_read_timeout_is_given_up_on() -> None:
    """Each byte comes well within the read timeout; the whole body gets that long only."""

    async def trickle(stream: SocketStream) -> None:
        await stream.send(response_head("Content-Length: 1000000") + b"[")
        while True:
            await anyio.sleep(0.02)  # the server's pace, not a wait for the test
            await stream.send(b" ")

    async with serving(answering(trickle)) as (url, _), wxm_client(url) as client:
        with anyio.fail_after(10), pytest.raises(APITimeoutError):  # a guard against a hang
            await client.questions.active()


@pytest.mark.parametrize("length", [_length(ANSWER), "Connection: close"])
async def test_a_body_that_never_starts_is_given_up_on(length: str) -> None:
    """Headers, then silence: the first read is httpx's, bounded by its read timeout."""

    async def stall(stream: SocketStream) -> None:
        await stream.send(response_head(length))
        await anyio.sleep_forever()

    async with serving(answering(stall)) as (url, _), wxm_client(url) as client:
        with anyio.fail_after(10), pytest.raises(APITimeoutError):
            await client.questions.active()


async def test_a_body_that_stalls_half_way_is_given_up_on() -> None:
    """Half the promised length, then silence: no read after the first goes unbounded."""

    async def half(stream: SocketStream) -> None:
        await stream.send(response_head(_length(ANSWER)) + ANSWER[:10])
        await anyio.sleep(0.05)  # the server's pace
        await stream.send(ANSWER[10:20])
        await anyio.sleep_forever()

    async with serving(answering(half)) as (url, _), wxm_client(url) as client:
        with anyio.fail_after(10), pytest.raises(APITimeoutError):
            await client.questions.active()


@pytest.mark.parametrize("coding", [None, "gzip"])
async def test_a_whole_body_on_an_open_connection_ends_the_read(coding: str | None) -> None:
    """A body whose length has all come is read to its end at once, and the connection kept.

    The server never closes: a reader that waited for more would time out; one that
    stopped short of the end would make httpx drop the connection.
    """
    body = gzip.compress(ANSWER) if coding else ANSWER
    extra = [f"Content-Encoding: {coding}"] if coding else []

    async def whole(stream: SocketStream) -> None:
        await stream.send(response_head(_length(body), *extra) + body)

    async with serving(answering(whole)) as (url, seen), wxm_client(url) as client:
        with anyio.fail_after(10):
            for _ in range(3):
                questions = await client.questions.active()
                assert [q.id for q in questions] == ["q1"]
    assert seen.count(b"connection") == 1  # the login and every call on one connection


async def test_a_body_in_pieces_within_the_time_is_read_whole() -> None:
    """A body sent in three pieces, a little apart, is read whole: the deadline is for all."""

    async def pieces(stream: SocketStream) -> None:
        await stream.send(response_head(_length(ANSWER)) + ANSWER[:5])
        for piece in (ANSWER[5:15], ANSWER[15:]):
            await anyio.sleep(0.01)  # the server's pace
            await stream.send(piece)

    async with serving(answering(pieces)) as (url, _), wxm_client(url) as client:
        with anyio.fail_after(10):
            assert [q.id for q in await client.questions.active()] == ["q1"]


class _Silent(httpx.AsyncByteStream):
    """A body that never sends a byte (a transport that does not bound its reads)."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        await anyio.sleep_forever()
        yield b""  # pragma: no cover - never reached


@pytest.mark.parametrize("read_timeout", [10.0, None])
async def test_a_deadline_shorter_than_the_read_timeout_bounds_the_first_read(
    read_timeout: float | None,
) -> None:
    """``within`` below the request's read timeout (the login's 30 s) bounds every read."""
    request = httpx.Request(
        "GET",
        "https://wxm.test/api/x",
        extensions={"timeout": httpx.Timeout(5.0, read=read_timeout).as_dict()},
    )
    response = httpx.Response(200, stream=_Silent(), request=request)
    with anyio.fail_after(10), pytest.raises(httpx.ReadTimeout, match="did not end within"):
        await read_capped(response, 1024, what="the answer", within=0.1)


async def test_a_response_built_by_hand_times_out_without_a_request() -> None:
    """A response with no request (one built by hand) still ends in httpx.ReadTimeout."""
    response = httpx.Response(200, stream=_Silent())
    with anyio.fail_after(10), pytest.raises(httpx.ReadTimeout, match="did not end within"):
        await read_capped(response, 1024, what="the answer", within=0.1)


async def test_a_read_timeout_shorter_than_the_deadline_asked_for_wins() -> None:
    """``within`` (a 401's 2 s, the login's 30 s) never outlasts the request's read timeout."""
    request = httpx.Request(
        "GET",
        "https://wxm.test/api/x",
        extensions={"timeout": httpx.Timeout(5.0, read=0.1).as_dict()},
    )
    response = httpx.Response(200, stream=Trickle(), request=request)
    with anyio.fail_after(10), pytest.raises(httpx.ReadTimeout, match=r"within 0\.1 s"):
        await read_capped(response, 1024 * 1024, what="the answer", within=30)
