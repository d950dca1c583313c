"""Small builders for tests that talk to an ``httpx.MockTransport`` instead of the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import httpx

from wxm_async import WXMError

Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


def token_answer(access_token: Any = "tok-1", **overrides: Any) -> dict[str, Any]:
    """A login answer shaped like WXM's documented example."""
    answer: dict[str, Any] = {
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": 43199,
        "userName": "acme-admin",
        "email": "admin@acme.example",
        "primaryRole": "MasterAdmin",
        "managedBy": "acme-admin",
        "preview": "True",
        "station": "uswest",
        "hash": "0f3c9a",
        ".issued": "Sun, 22 Nov 2026 10:00:00 GMT",
        ".expires": "Sun, 22 Nov 2026 22:00:00 GMT",
    }
    answer.update(overrides)
    return answer


def is_login(request: httpx.Request) -> bool:
    return request.url.path.lower().endswith("/api/logintoken")


def is_probe(request: httpx.Request) -> bool:
    """Whether ``request`` is the auth's probe of a token that met 401."""
    return request.extensions.get("wxm_async.role") == "probe"


def recording(handler: Handler) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A MockTransport that runs ``handler`` and keeps every request it saw."""
    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> httpx.Response:
        # A copy as it arrived: the auth drops the login's body once the login is over.
        content = await request.aread()
        seen.append(
            httpx.Request(
                request.method,
                request.url,
                headers=request.headers,
                content=content,
                extensions=request.extensions,
            )
        )
        return await handler(request)

    return httpx.MockTransport(record), seen


def api_with_tokens(valid: set[str], login_answers: list[dict[str, Any]]) -> Handler:
    """A small WXM: logins hand out ``login_answers`` in turn; the API accepts ``valid``."""

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            answer = login_answers.pop(0)
            valid.add(answer["access_token"])
            return httpx.Response(200, json=answer)
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token in valid:
            return httpx.Response(200, json=["ok"])
        return httpx.Response(
            401, json={"message": "Authorization has been denied for this request."}
        )

    return handle


async def storm(http: httpx.AsyncClient, n: int, path: str = "/api/Questions/Active") -> list[int]:
    """Send ``n`` concurrent GETs to ``path`` and return their status codes."""
    statuses: list[int] = []

    async def call() -> None:
        statuses.append((await http.get(path)).status_code)

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(call)
    return statuses


async def outcomes(
    http: httpx.AsyncClient, n: int, path: str = "/api/Profile"
) -> list[BaseException | int]:
    """Send ``n`` concurrent GETs; return each one's status, or the error it raised.

    Only a ``WXMError`` or an ``httpx.TransportError`` is returned; anything else fails
    the test.
    """
    results: list[BaseException | int] = []

    async def call() -> None:
        try:
            results.append((await http.get(path)).status_code)
        except (WXMError, httpx.TransportError) as exc:
            results.append(exc)

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(call)
    return results


class Chunks(httpx.AsyncByteStream):
    """A body sent in small chunks, as a server streams it (nothing read up front)."""

    def __init__(self, data: bytes, size: int = 16 * 1024) -> None:
        self._data = data
        self._size = size
        self._at = 0

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        # Not a generator: one left unfinished would warn when collected, under trio.
        if self._at >= len(self._data):
            raise StopAsyncIteration
        self._at += self._size
        return self._data[self._at - self._size : self._at]


class Trickle(httpx.AsyncByteStream):
    """A body that never ends, a byte every 10 ms: each read comes in time, the whole never."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            yield b" "
            await anyio.sleep(0.01)  # the server's pace, not a wait for the test
