"""A hostile HTTP/1.1 server on 127.0.0.1, raw sockets, for the outside review's tests.

It sends what no well-behaved framework would: trickled framing, lying lengths, stalls.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import anyio
import httpx
from anyio.abc import SocketAttribute, SocketStream

from wxm_async import RetryPolicy, WXMAuth, WXMClient

#: A request's first line and headers, lower-cased; the handler answers from it.
Handler = Callable[[SocketStream, bytes], Awaitable[None]]

ANSWER = json.dumps([{"id": "q1", "text": "How likely?"}]).encode()
USER = "reviewer@example.test"
PASSWORD = "Pa55-word-SECRET-7f3a"
TOKEN = "TOKEN-SECRET-9c1e5b"
LOGIN = json.dumps(
    {"access_token": TOKEN, "token_type": "bearer", "expires_in": 43199, "userName": USER}
).encode()
TIMEOUT = httpx.Timeout(5.0, read=0.3)


async def _read_request(stream: SocketStream) -> bytes | None:
    """Read one request (head and Content-Length body); its head lower-cased, or None."""
    seen = b""
    while b"\r\n\r\n" not in seen:
        try:
            seen += await stream.receive()
        except (anyio.EndOfStream, anyio.BrokenResourceError):
            return None
    head, _, body = seen.partition(b"\r\n\r\n")
    head = head.lower()
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip() == b"content-length":
            length = int(value)
    while len(body) < length:
        body += await stream.receive()
    return head


def response_head(*headers: str, status: str = "200 OK", version: str = "HTTP/1.1") -> bytes:
    lines = [f"{version} {status}", "Content-Type: application/json", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


async def trickle(stream: SocketStream, data: bytes) -> None:
    """Send ``data`` a byte at a time, each well within the read timeout; then stall."""
    for byte in data:
        await anyio.sleep(0.02)  # the server's pace, not a wait for the test
        await stream.send(bytes([byte]))
    await anyio.sleep_forever()


def forever(filler: bytes) -> bytes:
    """Enough of ``filler`` to outlast any bound (the trickle is cut before its end)."""
    return filler * 10_000


@asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[tuple[str, list[bytes]]]:
    """A server answering each request with ``handler``; its URL and the requests seen.

    ``seen`` holds one ``b"connection"`` per accepted connection and each request's head.
    """
    seen: list[bytes] = []
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")

    async def handle(stream: SocketStream) -> None:
        seen.append(b"connection")
        async with stream:
            try:
                while (head := await _read_request(stream)) is not None:
                    seen.append(head)
                    await handler(stream, head)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                pass  # the client gave up, or the handler closed the connection

    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, handle)
        port = listener.extra(SocketAttribute.local_port)
        yield f"http://127.0.0.1:{port}", seen
        tg.cancel_scope.cancel()


def wxm_client(url: str, **options: object) -> WXMClient:
    options.setdefault("timeout", TIMEOUT)
    options.setdefault("retries", RetryPolicy.off())
    return WXMClient(auth=WXMAuth(USER, PASSWORD), base_url=url, **options)  # type: ignore[arg-type]


def answering(call: Callable[[SocketStream], Awaitable[None]]) -> Handler:
    """A handler that logs in properly, and answers the call with ``call``."""

    async def handler(stream: SocketStream, head: bytes) -> None:
        if b"/api/logintoken" in head.split(b"\r\n")[0]:
            await stream.send(response_head(f"Content-Length: {len(LOGIN)}") + LOGIN)
        else:
            await call(stream)

    return handler


def trickling_call(status: str = "200 OK") -> Handler:
    """A handler whose call's answer promises 100,000 bytes and trickles them."""

    async def call(stream: SocketStream) -> None:
        await stream.send(response_head("Content-Length: 100000", status=status) + b"[")
        await trickle(stream, forever(b" "))

    return answering(call)
