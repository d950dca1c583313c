"""An outside review: no password or token in what a hostile server's answer makes fail.

Whatever fails (a trickle, a stall, a close mid-body, a login cut short), neither the
exception (str, repr, args, its cause and context, their requests) nor the logs hold
a secret. The servers are ``_hostile``'s, raw sockets on 127.0.0.1.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import anyio
import httpx
import pytest
from anyio.abc import SocketStream

from wxm_async import APIConnectionError, APIStatusError, WXMAuth

from ._hostile import (
    LOGIN,
    PASSWORD,
    TIMEOUT,
    TOKEN,
    USER,
    Handler,
    answering,
    forever,
    response_head,
    serving,
    trickle,
    trickling_call,
    wxm_client,
)

pytestmark = pytest.mark.anyio


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
            for secret in (PASSWORD, TOKEN, "Bearer"):
                assert secret not in text, (type(exc).__name__, text)
    for secret in (PASSWORD, TOKEN):
        assert secret not in logs


async def _stalls(stream: SocketStream) -> None:
    await stream.send(response_head("Content-Length: 9"))
    await anyio.sleep_forever()


async def _closes(stream: SocketStream) -> None:
    await stream.send(response_head("Content-Length: 9") + b"[")
    await stream.aclose()


async def _chunk_header_trickles(stream: SocketStream) -> None:
    await stream.send(response_head("Transfer-Encoding: chunked"))
    await trickle(stream, b"1;" + forever(b"x"))


_FAILURES: dict[str, Handler] = {
    "call-trickles": trickling_call(),
    "call-stalls": answering(_stalls),
    "call-closes": answering(_closes),
    "call-chunk-header-trickles": answering(_chunk_header_trickles),
}


@pytest.mark.parametrize("case", list(_FAILURES))
async def test_no_secret_in_a_failed_read(case: str, caplog: pytest.LogCaptureFixture) -> None:
    """No password or token in the error's chain, its requests, or the logs."""
    caplog.set_level(logging.DEBUG)
    async with serving(_FAILURES[case]) as (url, _), wxm_client(url) as client:
        with anyio.fail_after(5), pytest.raises(APIConnectionError) as caught:
            await client.questions.active()
    _assert_no_secret(caught.value, caplog.text)


async def test_no_secret_in_a_login_that_fails_its_read(caplog: pytest.LogCaptureFixture) -> None:
    """A login answer cut mid-body: neither the password nor the half-sent token shows."""
    caplog.set_level(logging.DEBUG)

    async def handler(stream: SocketStream, head: bytes) -> None:
        await stream.send(response_head(f"Content-Length: {len(LOGIN)}") + LOGIN[:40])
        await stream.aclose()

    async with serving(handler) as (url, _), wxm_client(url) as client:
        with anyio.fail_after(5), pytest.raises((APIConnectionError, APIStatusError)) as caught:
            await client.questions.active()
    _assert_no_secret(caught.value, caplog.text)


# -- the login through plain httpx -----------------------------------------------------


async def test_a_login_answer_that_never_starts_is_given_up_on() -> None:
    """Through plain httpx with ``WXMAuth``: the login's headers, then silence."""

    async def handler(stream: SocketStream, head: bytes) -> None:
        await stream.send(response_head(f"Content-Length: {len(LOGIN)}"))
        await anyio.sleep_forever()

    async with (
        serving(handler) as (url, _),
        httpx.AsyncClient(auth=WXMAuth(USER, PASSWORD), base_url=url, timeout=TIMEOUT) as http,
    ):
        with anyio.fail_after(5), pytest.raises(httpx.ReadTimeout) as caught:
            await http.get("/api/Questions/Active")
    _assert_no_secret(caught.value)
