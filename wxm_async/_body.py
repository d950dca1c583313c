"""Reading an answer's body with a cap on its decoded size, in bounded steps.

httpx decodes ``Content-Encoding`` one network chunk at a time but without a bound on
what one chunk inflates to: 1,827 bytes sent as ``gzip, gzip`` become 1 GiB in a single
step. So the library reads the raw bytes and inflates them itself, at most ``_STEP``
bytes at a time through each coding, and stops as soon as the decoded size passes the
cap: memory stays near the cap whatever the server sends.
"""

from __future__ import annotations

import json
import math
import time
import zlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import anyio
import httpx

from ._exceptions import DecodeError, ResponseTooLargeError
from ._redact import redacted

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_ANSWER_BYTES",
    "LOGIN_ANSWER_LIMIT",
    "error_body",
    "json_body",
    "read_capped",
    "was_read",
]

DEFAULT_MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""64 MiB: the decoded size of an answer ``WXMClient`` reads, unless told otherwise.

A page of 1,000 survey responses is about 0.7 MB, so this leaves room for pages of
tens of thousands; ``responses.list()`` of a whole large account may need more.
"""
LOGIN_ANSWER_LIMIT = 64 * 1024
"""64 KiB: the decoded size of a login answer; WXM's is about 1 KB."""
ACCEPT_ENCODING = "gzip, deflate"
"""The codings the library asks for (as WXM's own SDK does) and decodes in steps."""

#: The most bytes one decoding step yields.
_STEP = 64 * 1024
#: The most codings one answer may stack (``gzip, gzip`` is two).
_MAX_CODINGS = 3


async def read_capped(
    response: httpx.Response,
    limit: int,
    *,
    what: str,
    limit_name: str | None = None,
    request: httpx.Request | None = None,
    within: float | None = None,
) -> bytes:
    """Read ``response``'s body, decoded, refusing to hold more than ``limit`` bytes.

    The body then is ``response.content``, as after ``aread()``; one already read is
    only measured. The response is closed whatever happens. ``within`` bounds the
    whole body's time: one that trickles in never trips httpx's per-read timeout.

    Args:
        response: A response whose body has not been read, or has.
        limit: The most decoded bytes to accept.
        what: What the body is, for messages (``"the answer to GET /api/answers"``).
        limit_name: The option that sets ``limit``, for the message, if there is one.
        request: The request for the errors to carry (without its secrets).
        within: The most seconds the whole body may take to arrive, never more than the
            request's read timeout, which is the default (none: no bound).

    Returns:
        The decoded body.

    Raises:
        ResponseTooLargeError: The decoded body is larger than ``limit``.
        DecodeError: A coding the library does not decode, or a corrupt one.
        httpx.ReadTimeout: The body did not end within ``within`` seconds.
        httpx.TransportError: The connection failed while reading.
    """
    if was_read(response):
        if len(response.content) > limit:
            raise _too_large(what, limit, limit_name, request)
        return response.content
    body = _CappedBody(limit, lambda: _too_large(what, limit, limit_name, request))
    raws = _raw(response)
    try:
        pipeline = _pipeline(response, what=what, request=request)
        sent = _request_of(response)
        per_read = _read_timeout(sent)
        within = per_read if within is None else min(within, per_read)
        deadline = time.monotonic() + within
        # The reads httpx's transport already bounds within ``within`` (each read gets
        # ``per_read``) go without a cancel scope: one costs more than all the rest of
        # reading a small answer.
        if per_read > within or not await _read_known_ends(raws, pipeline, body, response):
            with anyio.move_on_after(deadline - time.monotonic()) as reading:
                async for raw in raws:
                    body.add(pipeline.feed(raw))
            if reading.cancelled_caught:
                raise _too_slow(what, within, sent)
        body.add(pipeline.end())
    except zlib.error:
        message = f"could not decode {what}: its Content-Encoding is corrupt"
        raise DecodeError(message, request=request) from None
    finally:
        if isinstance(raws, AsyncGenerator):
            await raws.aclose()
        await response.aclose()
    return body.hand_to(response)


async def _read_known_ends(
    raws: AsyncIterator[bytes], pipeline: _Pipeline, body: _CappedBody, response: httpx.Response
) -> bool:
    """Read the first chunk, and the end of a body whose Content-Length has all come.

    Returns whether that was the whole body; if not, the rest is the caller's to read.
    These reads wait at most httpx's read timeout each; the end of a body that has all
    come, none (HTTP/1.1 knows the end from the length, without the network). Any other
    body is all the caller's, its first read included: a chunked one's (Transfer-Encoding
    beats Content-Length), whose chunk headers may trickle in a byte at a time, and an
    HTTP/2 one's, where frames without body (PING) pass the time and a flag ends it.
    """
    length = response.headers.get("content-length")
    if (
        length is None
        or "transfer-encoding" in response.headers
        or not response.http_version.startswith("HTTP/1.")
    ):
        return False
    received = 0
    async for raw in raws:
        received += len(raw)
        body.add(pipeline.feed(raw))
        if str(received) != length:  # more may come, when the server pleases
            return False
    return True


def _request_of(response: httpx.Response) -> httpx.Request | None:
    """The request ``response`` answers; ``None`` for a response built by hand."""
    try:
        return response.request
    except RuntimeError:
        return None


def _read_timeout(request: httpx.Request | None) -> float:
    """The time httpx's transport gives each read of ``request``'s answer: its read timeout.

    httpcore applies it to every read; a transport of one's own is to do the same.
    """
    if request is None:  # a response built by hand: nothing bounds its reads
        return math.inf
    timeout = request.extensions.get("timeout", {})
    read = timeout.get("read") if isinstance(timeout, dict) else None
    return float(read) if isinstance(read, int | float) else math.inf


def was_read(response: httpx.Response) -> bool:
    """Whether ``response``'s body was read into memory (``.content`` would not raise).

    Where httpx keeps a read body, as ``hand_to`` below sets it; asked without the
    exception ``.content`` raises, which costs more than the question.
    """
    return hasattr(response, "_content")


def _too_slow(what: str, within: float, request: httpx.Request | None) -> httpx.ReadTimeout:
    # Chained under the library's error: a copy without credentials.
    sent = redacted(request) if request is not None else None
    return httpx.ReadTimeout(f"{what} did not end within {within:g} s", request=sent)


class _CappedBody:
    """The decoded pieces of a body, refused as soon as they pass ``limit`` bytes."""

    def __init__(self, limit: int, too_large: Callable[[], Exception]) -> None:
        self.chunks: list[bytes] = []
        self._size = 0
        self._limit = limit
        self._too_large = too_large

    def add(self, pieces: Iterable[bytes]) -> None:
        for piece in pieces:
            self._size += len(piece)
            if self._size > self._limit:
                raise self._too_large()
            self.chunks.append(piece)

    def hand_to(self, response: httpx.Response) -> bytes:
        """Make the body ``response.content``, as ``aread()`` does; return it."""
        content = b"".join(self.chunks)
        # httpx has no public way to hand a response the body read for it; this is what
        # its own aread() sets, and what .content, .text and a later aread() then use.
        response._content = content
        return content


def _raw(response: httpx.Response) -> AsyncIterator[bytes]:
    """The raw (still encoded) body, as ``aiter_raw()`` gives it, and closable early.

    ``aiter_raw()`` wraps the stream's iterator in one more generator, which nothing
    closes when the reading stops half way (trio then warns as it is collected).
    """
    if response.is_stream_consumed or not isinstance(response.stream, httpx.AsyncByteStream):
        raise httpx.StreamConsumed()
    response.is_stream_consumed = True
    return aiter(response.stream)


def _too_large(
    what: str, limit: int, limit_name: str | None, request: httpx.Request | None
) -> ResponseTooLargeError:
    option = f" (WXMClient's {limit_name})" if limit_name else ""
    return ResponseTooLargeError(
        f"{what} is larger than {limit:,} bytes{option} once decoded; it was not read further",
        request=request,
        limit=limit,
    )


class _Inflate:
    """One gzip or deflate coding, inflated at most ``_STEP`` bytes at a time."""

    def __init__(self, coding: str) -> None:
        self._deflate = coding == "deflate"
        # deflate should carry zlib's header, but some servers send it raw (as httpx
        # also allows): a first failure retries as raw deflate.
        wbits = zlib.MAX_WBITS if self._deflate else zlib.MAX_WBITS | 16
        self._inflater = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self._started and data:
            self._started = True
            if self._deflate:
                probe = self._inflater.copy()
                try:
                    probe.decompress(data[:2])
                except zlib.error:
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        while True:
            if self._inflater.eof:
                return  # anything after the end of the stream is ignored, as httpx does
            out = self._inflater.decompress(data, _STEP)
            data = self._inflater.unconsumed_tail
            if out:
                yield out
            if not data and len(out) < _STEP:
                return

    def end(self) -> Iterator[bytes]:
        yield from self.feed(b"")


class _Pipeline:
    """The codings of one answer, each feeding the next, in the order they undo."""

    def __init__(self, layers: list[_Inflate]) -> None:
        self._layers = layers

    def feed(self, data: bytes) -> Iterable[bytes]:
        if not self._layers:  # no coding (most answers): the bytes as they came
            return (data,)
        return self._through(0, (data,))

    def end(self) -> Iterator[bytes]:
        for index, layer in enumerate(self._layers):
            yield from self._through(index + 1, layer.end())

    def _through(self, index: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        if index == len(self._layers):
            yield from pieces
            return
        layer = self._layers[index]
        yield from self._through(index + 1, (out for piece in pieces for out in layer.feed(piece)))


def _pipeline(response: httpx.Response, *, what: str, request: httpx.Request | None) -> _Pipeline:
    """Build the decoders ``response``'s ``Content-Encoding`` asks for.

    Raises:
        DecodeError: A coding other than gzip, deflate and identity, or too many.
    """
    if "content-encoding" not in response.headers:
        return _Pipeline([])
    codings = [
        value.strip().lower()
        for value in response.headers.get_list("content-encoding", split_commas=True)
        if value.strip()
    ]
    codings = [c for c in codings if c != "identity"]
    if len(codings) > _MAX_CODINGS:
        raise DecodeError(
            f"could not decode {what}: {len(codings)} content codings, at most "
            f"{_MAX_CODINGS} are decoded",
            request=request,
        )
    for coding in codings:
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise DecodeError(
                f"could not decode {what}: its Content-Encoding {coding[:40]!r} is not one "
                f"the library decodes (it asks for {ACCEPT_ENCODING})",
                request=request,
            )
    # Codings are listed in the order they were applied: undo the last first.
    return _Pipeline([_Inflate(coding) for coding in reversed(codings)])


def json_body(response: httpx.Response, *, what: str, request: httpx.Request | None) -> Any:
    """Return a read response's body parsed as JSON.

    Raises:
        DecodeError: The body is not JSON, or is made of far more objects and lists than
            any answer of WXM's (see ``_too_dense``); the message names its content type
            and size.
    """
    content = response.content
    if _too_dense(content):
        raise DecodeError(
            f"could not decode {what}: {len(content)} bytes of JSON made of more objects and "
            "lists than any answer of WXM's (parsed, it would take many times that memory)",
            request=request,
        )
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested past the parser's depth
        pass  # raised below, outside this block: the parser's error quotes the body
    kind = response.headers.get("content-type", "no content type")
    raise DecodeError(
        f"could not decode {what}: the body is not JSON ({kind}, {len(response.content)} bytes)",
        request=request,
    )


def error_body(response: httpx.Response) -> object:
    """Return a read error response's body: decoded JSON, else its text, else ``None``.

    Never raises: an error's body is kept for the caller to look at, whatever it is.
    """
    if _too_dense(response.content):
        return response.text or None
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested past the parser's depth
        return response.text or None


#: Real answers spend far more bytes per JSON object or list (ids, texts, dates) than
#: this; ``[{},{},...]`` spends 3, and parsed, each costs about a hundred.
_MIN_BYTES_PER_CONTAINER = 32


def _too_dense(content: bytes) -> bool:
    """Whether ``content`` holds more ``{`` and ``[`` than a real answer of its size.

    Counted in C, an upper bound (brackets inside strings count too): a body that
    passes parses into objects whose memory stays within a small multiple of its size.
    """
    if len(content) < 64 * 1024:
        return False
    containers = content.count(b"{") + content.count(b"[")
    return containers > len(content) // _MIN_BYTES_PER_CONTAINER
