"""An outside review of the read deadline: a hostile HTTP/1.1 server on 127.0.0.1.

The promise: an answer's whole body arrives within the request's read timeout, whatever
the server does (stall, trickle, lie about its length, frame it in chunks, compress it,
or keep the connection open after a whole body, which must then be reused); and no
password or token shows in whatever error results. Every server here is raw sockets,
so that it can send what no well-behaved framework would.
"""

from __future__ import annotations

import gzip
import json
import logging
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager

import anyio
import httpx
import pytest
from anyio.abc import SocketAttribute, SocketStream

from wxm_async import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    RetryPolicy,
    WXMAuth,
    WXMClient,
)

pytestmark = pytest.mark.anyio

#: A request's first line and headers, lower-cased; the handler answers from it.
Handler = Callable[[SocketStream, bytes], Awaitable[None]]

_ANSWER = json.dumps([{"id": "q1", "text": "How likely?"}]).encode()
_USER = "reviewer@example.test"
_PASSWORD = "Pa55-word-SECRET-7f3a"
_TOKEN = "TOKEN-SECRET-9c1e5b"
_LOGIN = json.dumps(
    {"access_token": _TOKEN, "token_type": "bearer", "expires_in": 43199, "userName": _USER}
).encode()
_TIMEOUT = httpx.Timeout(5.0, read=0.3)


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


def _head(*headers: str, status: str = "200 OK", version: str = "HTTP/1.1") -> bytes:
    lines = [f"{version} {status}", "Content-Type: application/json", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


async def _trickle(stream: SocketStream, data: bytes) -> None:
    """Send ``data`` a byte at a time, each well within the read timeout; then stall."""
    for byte in data:
        await anyio.sleep(0.02)  # the server's pace, not a wait for the test
        await stream.send(bytes([byte]))
    await anyio.sleep_forever()


def _forever(filler: bytes) -> bytes:
    """Enough of ``filler`` to outlast any bound (the trickle is cut before its end)."""
    return filler * 10_000


@asynccontextmanager
async def _server(handler: Handler) -> AsyncIterator[tuple[str, list[bytes]]]:
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


def _client(url: str, **options: object) -> WXMClient:
    options.setdefault("timeout", _TIMEOUT)
    options.setdefault("retries", RetryPolicy.off())
    return WXMClient(auth=WXMAuth(_USER, _PASSWORD), base_url=url, **options)  # type: ignore[arg-type]


def _answering(call: Callable[[SocketStream], Awaitable[None]]) -> Handler:
    """A handler that logs in properly, and answers the call with ``call``."""

    async def handler(stream: SocketStream, head: bytes) -> None:
        if b"/api/logintoken" in head.split(b"\r\n")[0]:
            await stream.send(_head(f"Content-Length: {len(_LOGIN)}") + _LOGIN)
        else:
            await call(stream)

    return handler


# -- the body's framing: a server that lies or trickles ------------------------------


_CHUNKED_TRICKLES = {
    # Content-Length that h11 ignores (chunked wins), matched by the first chunk: the
    # rest must not be read as if the body had ended.
    "content-length-and-chunked": (
        ["Content-Length: 1", "Transfer-Encoding: chunked"],
        _chunk(b"[") + b"1;" + _forever(b"x"),
    ),
    # The first chunk's header never ends: no byte of the body comes at all.
    "first-chunk-header": (["Transfer-Encoding: chunked"], b"1;" + _forever(b"x")),
    # A whole body, then a trailer that never ends.
    "trailer": (
        ["Transfer-Encoding: chunked"],
        _chunk(_ANSWER) + b"0\r\nX-Trailer: " + _forever(b"x"),
    ),
}


@pytest.mark.parametrize("case", list(_CHUNKED_TRICKLES))
async def test_a_chunked_body_whose_framing_trickles_is_given_up_on(case: str) -> None:
    """Chunk headers or trailers a byte at a time never keep a call past its read timeout."""
    headers, rest = _CHUNKED_TRICKLES[case]

    async def call(stream: SocketStream) -> None:
        await stream.send(_head(*headers))
        await _trickle(stream, rest)

    async with _server(_answering(call)) as (url, _), _client(url) as client:
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.questions.active()


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
async def test_a_compressed_body_that_trickles_is_given_up_on(coding: str) -> None:
    """Compressed bytes a byte at a time: the deadline counts bytes received, not decoded."""
    compress = gzip.compress if coding == "gzip" else zlib.compress
    body = compress(b"[" + b" " * 1_000_000 + b"]")

    async def call(stream: SocketStream) -> None:
        await stream.send(_head(f"Content-Length: {len(body)}", f"Content-Encoding: {coding}"))
        await _trickle(stream, body)

    async with _server(_answering(call)) as (url, _), _client(url) as client:
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.questions.active()


async def test_an_http_1_0_body_without_length_that_trickles_is_given_up_on() -> None:
    """HTTP/1.0 with no length ends at the close: a trickle that never closes times out."""

    async def call(stream: SocketStream) -> None:
        await stream.send(_head(version="HTTP/1.0") + b"[")
        await _trickle(stream, _forever(b" "))

    async with _server(_answering(call)) as (url, _), _client(url) as client:
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.questions.active()


@pytest.mark.parametrize("length", ["+5", "-1", "5, 6", "0x5", "5 5"])
async def test_a_malformed_content_length_fails_at_once(length: str) -> None:
    """A Content-Length no parser can trust is a connection error, not a wait."""

    async def call(stream: SocketStream) -> None:
        await stream.send(_head(f"Content-Length: {length}") + _ANSWER)
        await anyio.sleep_forever()

    async with _server(_answering(call)) as (url, _), _client(url) as client:
        with anyio.fail_after(5), pytest.raises(APIConnectionError) as caught:
            await client.questions.active()
    assert not isinstance(caught.value, APITimeoutError)


async def test_a_connection_closed_mid_body_fails_at_once() -> None:
    """Half the promised bytes, then the close: a connection error, not a timeout."""

    async def call(stream: SocketStream) -> None:
        await stream.send(_head(f"Content-Length: {len(_ANSWER)}") + _ANSWER[:7])
        await stream.aclose()

    async with _server(_answering(call)) as (url, _), _client(url) as client:
        with anyio.fail_after(5), pytest.raises(APIConnectionError) as caught:
            await client.questions.active()
    assert not isinstance(caught.value, APITimeoutError)


_WHOLE_BODIES = {
    "leading-zero-length": ([f"Content-Length: 0{len(_ANSWER)}"], _ANSWER),
    "two-equal-lengths": ([f"Content-Length: {len(_ANSWER)}"] * 2, _ANSWER),
    "chunked": (
        ["Transfer-Encoding: chunked"],
        _chunk(_ANSWER[:9]) + _chunk(_ANSWER[9:]) + b"0\r\n\r\n",
    ),
    "length-and-chunked": (
        [f"Content-Length: {len(_ANSWER)}", "Transfer-Encoding: chunked"],
        _chunk(_ANSWER) + b"0\r\n\r\n",
    ),
    "deflate": (
        [f"Content-Length: {len(zlib.compress(_ANSWER))}", "Content-Encoding: deflate"],
        zlib.compress(_ANSWER),
    ),
}


@pytest.mark.parametrize("case", list(_WHOLE_BODIES))
async def test_a_whole_body_on_an_open_connection_is_read_and_the_connection_reused(
    case: str,
) -> None:
    """However a whole body is framed, the call ends without waiting and the next reuses it."""
    headers, body = _WHOLE_BODIES[case]

    async def call(stream: SocketStream) -> None:
        await stream.send(_head(*headers) + body)  # and the connection stays open

    async with _server(_answering(call)) as (url, seen), _client(url) as client:
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
            _head(f"Content-Length: {len(body)}", status="503 Service Unavailable") + body
        )

    retries = RetryPolicy(attempts=3, wait_initial=0.01, wait_max=0.01, wait_jitter=0.0)
    async with _server(_answering(call)) as (url, seen), _client(url, retries=retries) as client:
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
            await stream.send(_head("Content-Length: 100000") + b"[")
            await _trickle(stream, _forever(b" "))
        await stream.send(_head(f"Content-Length: {len(_ANSWER)}") + _ANSWER)

    timeout = httpx.Timeout(5.0, read=60.0, pool=1.0)
    limits = httpx.Limits(max_connections=1)
    async with (
        _server(_answering(call)) as (url, _),
        _client(url, timeout=timeout, limits=limits) as client,
    ):
        with anyio.move_on_after(0.3) as cancelled:  # the caller's own deadline
            await client.questions.active()
        assert cancelled.cancelled_caught
        with anyio.fail_after(5):
            assert [q.id for q in await client.questions.active()] == ["q1"]


# -- the timeout each call is given ---------------------------------------------------


def _trickling_call(status: str = "200 OK") -> Handler:
    async def call(stream: SocketStream) -> None:
        await stream.send(_head("Content-Length: 100000", status=status) + b"[")
        await _trickle(stream, _forever(b" "))

    return _answering(call)


async def test_a_per_call_timeout_bounds_the_body() -> None:
    """``timeout=`` on one call bounds its body (``POST /api/FlashNPS``), under a client read timeout of a minute."""
    async with (
        _server(_trickling_call()) as (url, _),
        _client(url, timeout=httpx.Timeout(60.0)) as client,
    ):
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.analytics.nps(timeout=httpx.Timeout(5.0, read=0.3))


async def test_with_options_timeout_bounds_the_body() -> None:
    """``with_options(timeout=...)`` bounds the body, under a client read timeout of a minute."""
    async with (
        _server(_trickling_call()) as (url, _),
        _client(url, timeout=httpx.Timeout(60.0)) as client,
    ):
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.with_options(timeout=httpx.Timeout(5.0, read=0.3)).questions.active()


@pytest.mark.parametrize("status", ["500 Internal Server Error", "404 Not Found"])
async def test_an_error_body_that_trickles_is_given_up_on(status: str) -> None:
    """An error's body is bounded like an answer's, on each try of a GET (it timed out: retried)."""
    retries = RetryPolicy(attempts=2, wait_initial=0.01, wait_max=0.01, wait_jitter=0.0)
    async with (
        _server(_trickling_call(status)) as (url, seen),
        _client(url, retries=retries) as client,
    ):
        with anyio.fail_after(5), pytest.raises(APITimeoutError):
            await client.questions.active()
    calls = [head for head in seen if head.startswith(b"get /api/questions/active ")]
    assert len(calls) == 2


# -- the login -----------------------------------------------------------------------


async def test_a_login_answer_that_never_starts_is_given_up_on() -> None:
    """Through plain httpx with ``WXMAuth``: the login's headers, then silence."""

    async def handler(stream: SocketStream, head: bytes) -> None:
        await stream.send(_head(f"Content-Length: {len(_LOGIN)}"))
        await anyio.sleep_forever()

    async with (
        _server(handler) as (url, _),
        httpx.AsyncClient(auth=WXMAuth(_USER, _PASSWORD), base_url=url, timeout=_TIMEOUT) as http,
    ):
        with anyio.fail_after(5), pytest.raises(httpx.ReadTimeout) as caught:
            await http.get("/api/Questions/Active")
    _assert_no_secret(caught.value)


# -- no secret in what fails ---------------------------------------------------------


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [error]
    while todo:
        exc = todo.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        yield exc
        todo += [e for e in (exc.__cause__, exc.__context__) if e is not None]
        todo += list(getattr(exc, "exceptions", ()))


def _assert_no_secret(error: BaseException, logs: str = "") -> None:
    for exc in _chain(error):
        texts = [str(exc), repr(exc), repr(exc.args)]
        try:
            request = exc.request  # type: ignore[attr-defined]
        except (AttributeError, RuntimeError):
            request = None
        if request is not None:
            texts += [repr(request.headers.multi_items()), str(request.url)]
            if isinstance(request.stream, httpx.ByteStream):
                texts.append(repr(request.content))
        for text in texts:
            for secret in (_PASSWORD, _TOKEN, "Bearer"):
                assert secret not in text, (type(exc).__name__, text)
    for secret in (_PASSWORD, _TOKEN):
        assert secret not in logs


async def _stalls(stream: SocketStream) -> None:
    await stream.send(_head("Content-Length: 9"))
    await anyio.sleep_forever()


async def _closes(stream: SocketStream) -> None:
    await stream.send(_head("Content-Length: 9") + b"[")
    await stream.aclose()


async def _chunk_header_trickles(stream: SocketStream) -> None:
    await stream.send(_head("Transfer-Encoding: chunked"))
    await _trickle(stream, b"1;" + _forever(b"x"))


_FAILURES: dict[str, Handler] = {
    "call-trickles": _trickling_call(),
    "call-stalls": _answering(_stalls),
    "call-closes": _answering(_closes),
    "call-chunk-header-trickles": _answering(_chunk_header_trickles),
}


@pytest.mark.parametrize("case", list(_FAILURES))
async def test_no_secret_in_a_failed_read(case: str, caplog: pytest.LogCaptureFixture) -> None:
    """No password or token in the error's chain, its requests, or the logs."""
    caplog.set_level(logging.DEBUG)
    async with _server(_FAILURES[case]) as (url, _), _client(url) as client:
        with anyio.fail_after(5), pytest.raises(APIConnectionError) as caught:
            await client.questions.active()
    _assert_no_secret(caught.value, caplog.text)


async def test_no_secret_in_a_login_that_fails_its_read(caplog: pytest.LogCaptureFixture) -> None:
    """A login answer cut mid-body: neither the password nor the half-sent token shows."""
    caplog.set_level(logging.DEBUG)

    async def handler(stream: SocketStream, head: bytes) -> None:
        await stream.send(_head(f"Content-Length: {len(_LOGIN)}") + _LOGIN[:40])
        await stream.aclose()

    async with _server(handler) as (url, _), _client(url) as client:
        with anyio.fail_after(5), pytest.raises((APIConnectionError, APIStatusError)) as caught:
            await client.questions.active()
    _assert_no_secret(caught.value, caplog.text)
