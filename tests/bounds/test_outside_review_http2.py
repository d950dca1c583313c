"""An outside review of the read deadline over HTTP/2 (``http_client`` with ``http2=True``).

HTTP/2 ends a body with a flag, not by its length, and a server may send frames that
carry no body at all (PING): no read of the body is bounded by httpx's read timeout
alone. The server is raw ``h2`` on 127.0.0.1 (prior knowledge, plain text).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import httpx
import pytest
from anyio.abc import SocketAttribute, SocketStream

from wxm_async import APITimeoutError, RetryPolicy, WXMBearerAuth, WXMClient

from ._hostile import ANSWER, TIMEOUT

h2_config = pytest.importorskip("h2.config")
h2_connection = pytest.importorskip("h2.connection")
h2_events = pytest.importorskip("h2.events")

pytestmark = pytest.mark.anyio


async def _answer(stream: SocketStream, body: bytes | None, *, end: bool) -> None:
    """Answer the first request with ``body`` (none: headers only), then PING forever."""
    conn = h2_connection.H2Connection(h2_config.H2Configuration(client_side=False))
    conn.initiate_connection()
    await stream.send(conn.data_to_send())
    stream_id = None
    while stream_id is None:
        for event in conn.receive_data(await stream.receive()):
            if isinstance(event, h2_events.RequestReceived):
                stream_id = event.stream_id
        await stream.send(conn.data_to_send())
    headers = [(":status", "200"), ("content-type", "application/json")]
    conn.send_headers(stream_id, [*headers, ("content-length", str(len(body or b"")))])
    if body is not None:
        conn.send_data(stream_id, body, end_stream=end)
    await stream.send(conn.data_to_send())
    while True:  # frames for the connection, none for the body: each read gets one
        await anyio.sleep(0.05)  # the server's pace, not a wait for the test
        conn.ping(b"keepbusy")
        await stream.send(conn.data_to_send())


@asynccontextmanager
async def _h2_client(body: bytes | None, *, end: bool) -> AsyncIterator[WXMClient]:
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")

    async def handle(stream: SocketStream) -> None:
        async with stream:
            with contextlib.suppress(
                anyio.BrokenResourceError, anyio.ClosedResourceError, anyio.EndOfStream
            ):  # the client gave up
                await _answer(stream, body, end=end)

    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, handle)
        url = f"http://127.0.0.1:{listener.extra(SocketAttribute.local_port)}"
        http = httpx.AsyncClient(
            http1=False, http2=True, auth=WXMBearerAuth("t"), base_url=url, timeout=TIMEOUT
        )
        async with http, WXMClient(http_client=http, retries=RetryPolicy.off()) as client:
            yield client
        tg.cancel_scope.cancel()


@pytest.mark.parametrize(("body", "case"), [(None, "headers-only"), (ANSWER, "whole-body-no-end")])
async def test_an_http2_body_held_open_by_pings_is_given_up_on(
    body: bytes | None, case: str
) -> None:
    """Headers (and even the whole Content-Length), then PINGs: no END_STREAM, a timeout."""
    async with _h2_client(body, end=False) as client:
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.questions.active()


async def test_an_http2_body_that_ends_is_read() -> None:
    """The same server, ending the stream: the answer is read (the harness is sound)."""
    async with _h2_client(ANSWER, end=True) as client:
        with anyio.fail_after(5):
            assert [q.id for q in await client.questions.active()] == ["q1"]
