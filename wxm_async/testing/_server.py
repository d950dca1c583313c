"""Serve an ASGI app (the fake WXM) on a real loopback socket, with uvicorn."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx

from .._exceptions import ConfigurationError

__all__ = ["serve"]


@asynccontextmanager
async def serve(app: Any, *, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[httpx.URL]:
    """Serve ``app`` with uvicorn on ``host`` and ``port``, for the ``async with`` block.

    The server runs in its own thread and asyncio loop, so it works the same whether the
    caller runs on asyncio or trio. It is listening before the block starts and stopped
    when it ends.

    Args:
        app: An ASGI app, such as a ``FakeWXM``.
        host: A loopback address.
        port: The port; 0 (the default) picks a free one.

    Yields:
        The server's base URL, e.g. ``http://127.0.0.1:53124``.

    Raises:
        ConfigurationError: uvicorn is not installed (the ``testing`` extra).
        OSError: ``port`` is taken, or not ours to listen on.
    """
    _uvicorn()  # before binding: without uvicorn, no socket is opened
    sock = _listening_socket(host, port)
    port = sock.getsockname()[1]
    ready = threading.Event()
    failure: list[BaseException] = []
    server, thread = _server_thread(app, sock, ready, failure)
    thread.start()
    try:
        await anyio.to_thread.run_sync(ready.wait)
        if failure or not server.started:
            raise RuntimeError(f"the server on {host}:{port} did not start") from (
                failure[0] if failure else None
            )
        yield httpx.URL(f"http://{host}:{port}")
    finally:
        server.should_exit = True
        await anyio.to_thread.run_sync(thread.join)
        sock.close()


def _server_thread(
    app: Any, sock: socket.socket, ready: threading.Event, failure: list[BaseException]
) -> tuple[Any, threading.Thread]:
    """A uvicorn server for ``app`` on ``sock``, and the thread that will run it.

    ``ready`` is set once the server listens, or once it failed to (the error then in
    ``failure``), so that the caller never waits for a server that will not come.
    """
    import uvicorn  # serve() checked that it is installed

    class _Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            ready.set()

    server = _Server(
        uvicorn.Config(
            app, log_level="warning", lifespan="off", access_log=False, timeout_keep_alive=30
        )
    )

    def run() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # reported to the caller
            failure.append(exc)
        finally:
            ready.set()  # never leave the caller waiting

    port = sock.getsockname()[1]
    return server, threading.Thread(target=run, name=f"wxm-fake-{port}", daemon=True)


def _uvicorn() -> Any:
    """The uvicorn module, or a ConfigurationError naming the extra that installs it."""
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - depends on the environment
        raise ConfigurationError(
            "serve() needs uvicorn: pip install 'wxm-async[testing]'"
        ) from None
    return uvicorn


def _listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host`` and ``port``, ready to hand to uvicorn."""
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on sockets whose proto says
    # TCP, and without it every small response waits ~40 ms for the peer's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock
