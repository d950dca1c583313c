"""Receive WXM's notifications in FastAPI: acknowledge at once, hand the work off.

WXM posts ``{"notification": "<rule name>", "answer": {...}}`` to the target of a
notification rule. This app answers ``202 Accepted`` as soon as the body is read and
decoded, and leaves the work (a ticket, a message, a database write) to a few workers
in the background, so a slow handler never makes WXM wait.

WXM documents no signature on these posts, so the app checks what it can instead: a
long random secret in the target's path, compared in constant time, and (optionally)
the sender's address against an allow-list. Treat a notification's content as a hint:
before acting on it, read the response again with ``client.responses.get(id)``.

Run it, in a checkout of wxm_async, with a secret of 32 characters or more::

    pip install -e . fastapi uvicorn
    export WXM_WEBHOOK_SECRET=$(python3 -c "import secrets; print(secrets.token_urlsafe(32))")
    uvicorn examples.webhook_receiver:app --no-access-log

and give WXM's notification rule ``https://<your host>/wxm/notifications/<the secret>``.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import aclosing, asynccontextmanager

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream
from fastapi import FastAPI, HTTPException, Request, Response

from wxm_async import DecodeError
from wxm_async.webhooks import MAX_NOTIFICATION_BYTES, Notification, parse_notification

Handler = Callable[[Notification], Awaitable[None]]

SECRET_VARIABLE = "WXM_WEBHOOK_SECRET"
MIN_SECRET_LENGTH = 32  # characters: secrets.token_urlsafe(32) gives 43
QUEUE_SIZE = 1_000  # notifications waiting for a worker; more are answered 503
WORKERS = 4

log = logging.getLogger("webhook_receiver")


async def log_notification(notification: Notification) -> None:
    """The default work: log the rule and the response's id (not its answers).

    Both come from the body, which anyone may post: ``%r`` keeps a newline in them
    from forging another log line.
    """
    log.info("%r fired for response %r", notification.rule, notification.response.id)


def create_app(
    handle: Handler = log_notification,
    *,
    secret: str | None = None,
    allowed_networks: Iterable[str] | None = None,
    queue_size: int = QUEUE_SIZE,
    workers: int = WORKERS,
) -> FastAPI:
    """Build the receiver.

    Args:
        handle: The work for each notification, run by a worker after WXM got its 202.
        secret: The secret of the target's path; default the environment's
            ``WXM_WEBHOOK_SECRET``, read when the app starts.
        allowed_networks: The networks posts may come from (``"203.0.113.0/24"``);
            default any.
        queue_size: How many notifications may wait for a worker.
        workers: How many notifications are handled at once.
    """
    networks = (
        None
        if allowed_networks is None
        else [ipaddress.ip_network(network) for network in allowed_networks]
    )

    async def work(notifications: MemoryObjectReceiveStream[Notification]) -> None:
        async with notifications:
            async for notification in notifications:
                try:
                    await handle(notification)
                except Exception:  # one failed notification must not stop the worker
                    log.exception("handling response %r failed", notification.response.id)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        expected = secret if secret is not None else os.environ.get(SECRET_VARIABLE, "")
        if len(expected) < MIN_SECRET_LENGTH:
            raise RuntimeError(
                f"the webhook secret needs {MIN_SECRET_LENGTH} characters or more "
                f"(set {SECRET_VARIABLE})"
            )
        app.state.secret = expected.encode()
        send, receive = anyio.create_memory_object_stream[Notification](queue_size)
        async with anyio.create_task_group() as workers_group:
            with receive:
                for _ in range(workers):
                    workers_group.start_soon(work, receive.clone())
            async with send:
                app.state.queue = send
                yield
            # The queue is closed: the workers finish what is queued, then stop.

    app = FastAPI(title="WXM notifications", lifespan=lifespan)

    @app.post("/wxm/notifications/{secret_in_path}", status_code=202)
    async def receive_notification(secret_in_path: str, request: Request) -> Response:
        # Constant time, so the time taken does not tell how much of a guess was right.
        if not hmac.compare_digest(secret_in_path.encode(), request.app.state.secret):
            raise HTTPException(status_code=404)
        if networks is not None and not _allowed(request, networks):
            raise HTTPException(status_code=403)
        body = await _read_capped(request, MAX_NOTIFICATION_BYTES)
        try:
            notification = parse_notification(body)
        except DecodeError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        try:
            request.app.state.queue.send_nowait(notification)
        except anyio.WouldBlock:
            log.warning("queue full: response %r dropped", notification.response.id)
            raise HTTPException(status_code=503) from None
        return Response(status_code=202)

    return app


def _allowed(
    request: Request, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> bool:
    """Whether the peer's address is in one of ``networks``.

    Behind a proxy or load balancer, the peer is the proxy: check the allow-list there,
    or run uvicorn with ``--forwarded-allow-ips`` set to the proxy's address only.
    """
    if request.client is None:
        return False
    try:
        address = ipaddress.ip_address(request.client.host)
    except ValueError:
        return False
    return any(address in network for network in networks)


async def _read_capped(request: Request, limit: int) -> bytes:
    """The body, or 413 as soon as it grows past ``limit`` bytes (whatever its length says)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(status_code=413)
    body = bytearray()
    async with aclosing(request.stream()) as chunks:  # closed now, not by the GC
        async for chunk in chunks:
            body += chunk
            if len(body) > limit:
                raise HTTPException(status_code=413)
    return bytes(body)


# The secret is read when the app starts, not when this module is imported.
app = create_app()
