"""The time an answer's body may take, against a real HTTP/1.1 server on 127.0.0.1.

The capped reader bounds the whole body by the read timeout. It puts no deadline of
its own on the reads httpx's transport already bounds (the first read; the end of a
body whose Content-Length has all come); these tests hold it to the promise through
httpcore and a socket, where a server can stall, trickle, or keep the connection open.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import anyio
import httpx
import pytest
from anyio.abc import SocketStream

from wxm_async import APITimeoutError, RetryPolicy, WXMBearerAuth, WXMClient
from wxm_async._body import read_capped

pytestmark = pytest.mark.anyio

Reply = Callable[[SocketStream], Awaitable[None]]

_ANSWER = json.dumps([{"id": "q1", "text": "How likely?"}]).encode()


async def _read_request(stream: SocketStream) -> bool:
    """Read one request's head (the calls here send no body); False at the end."""
    seen = b""
    while b"\r\n\r\n" not in seen:
        try:
            seen += await stream.receive()
        except (anyio.EndOfStream, anyio.BrokenResourceError):
            return False
    return True


def _head(length: int | None, *extra: str) -> bytes:
    lines = ["HTTP/1.1 200 OK", "Content-Type: application/json", *extra]
    lines.append(f"Content-Length: {length}" if length is not None else "Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@asynccontextmanager
async def serving(reply: Reply) -> AsyncIterator[tuple[WXMClient, list[int]]]:
    """A server answering every request on a connection with ``reply``; a client to it.

    Yields the client (read timeout 0.3 s, no retries) and the list of connections the
    server accepted (one number per connection).
    """
    connections: list[int] = []
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")

    async def handle(stream: SocketStream) -> None:
        connections.append(len(connections))
        async with stream:
            while await _read_request(stream):
                await reply(stream)

    async with listener, anyio.create_task_group() as tg:  # the server stops, then closes
        tg.start_soon(listener.serve, handle)
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        async with WXMClient(
            auth=WXMBearerAuth("t"),
            base_url=f"http://127.0.0.1:{port}",
            timeout=httpx.Timeout(5.0, read=0.3),
            retries=RetryPolicy.off(),
        ) as client:
            yield client, connections
        tg.cancel_scope.cancel()


async def test_a_body_trickling_past_the_read_timeout_is_given_up_on() -> None:
    """Each byte comes well within the read timeout; the whole body gets that long only."""

    async def trickle(stream: SocketStream) -> None:
        await stream.send(_head(1_000_000) + b"[")
        while True:
            await anyio.sleep(0.02)  # the server's pace, not a wait for the test
            await stream.send(b" ")

    async with serving(trickle) as (client, _):
        with anyio.fail_after(10), pytest.raises(APITimeoutError):  # a guard against a hang
            await client.questions.active()


@pytest.mark.parametrize("length", [len(_ANSWER), None], ids=["content-length", "until-close"])
async def test_a_body_that_never_starts_is_given_up_on(length: int | None) -> None:
    """Headers, then silence: the first read is httpx's, bounded by its read timeout."""

    async def stall(stream: SocketStream) -> None:
        await stream.send(_head(length))
        await anyio.sleep_forever()

    async with serving(stall) as (client, _):
        with anyio.fail_after(10), pytest.raises(APITimeoutError):
            await client.questions.active()


async def test_a_body_that_stalls_half_way_is_given_up_on() -> None:
    """Half the promised length, then silence: no read after the first goes unbounded."""

    async def half(stream: SocketStream) -> None:
        await stream.send(_head(len(_ANSWER)) + _ANSWER[:10])
        await anyio.sleep(0.05)
        await stream.send(_ANSWER[10:20])
        await anyio.sleep_forever()

    async with serving(half) as (client, _):
        with anyio.fail_after(10), pytest.raises(APITimeoutError):
            await client.questions.active()


@pytest.mark.parametrize("coding", [None, "gzip"])
async def test_a_whole_body_on_an_open_connection_ends_the_read(coding: str | None) -> None:
    """A body whose length has all come is read to its end at once, and the connection kept.

    The server never closes: a reader that waited for more would time out; one that
    stopped short of the end would make httpx drop the connection.
    """
    body = gzip.compress(_ANSWER) if coding else _ANSWER
    extra = [f"Content-Encoding: {coding}"] if coding else []

    async def whole(stream: SocketStream) -> None:
        await stream.send(_head(len(body), *extra) + body)

    async with serving(whole) as (client, connections):
        with anyio.fail_after(10):
            for _ in range(3):
                questions = await client.questions.active()
                assert [q.id for q in questions] == ["q1"]
    assert connections == [0]  # one connection, reused by every call


async def test_a_body_in_pieces_within_the_time_is_read_whole() -> None:
    """A body sent in three pieces, a little apart, is read whole: the deadline is for all."""

    async def pieces(stream: SocketStream) -> None:
        await stream.send(_head(len(_ANSWER)) + _ANSWER[:5])
        for start in (5, 15):
            await anyio.sleep(0.01)
            await stream.send(_ANSWER[start : start + 10 if start == 5 else None])

    async with serving(pieces) as (client, _):
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


class _Trickle(httpx.AsyncByteStream):
    """A body that comes a byte at a time, never quite stalling."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            yield b" "
            await anyio.sleep(0.01)  # the server's pace, not a wait for the test


async def test_a_read_timeout_shorter_than_the_deadline_asked_for_wins() -> None:
    """``within`` (a 401's 2 s, the login's 30 s) never outlasts the request's read timeout."""
    request = httpx.Request(
        "GET",
        "https://wxm.test/api/x",
        extensions={"timeout": httpx.Timeout(5.0, read=0.1).as_dict()},
    )
    response = httpx.Response(200, stream=_Trickle(), request=request)
    with anyio.fail_after(10), pytest.raises(httpx.ReadTimeout, match=r"within 0\.1 s"):
        await read_capped(response, 1024 * 1024, what="the answer", within=30)
