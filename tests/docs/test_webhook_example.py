"""The webhook recipe: acknowledge at once, hand off, refuse what is not WXM's."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import httpx
import pytest

from wxm_async.webhooks import MAX_NOTIFICATION_BYTES, Notification

pytestmark = pytest.mark.anyio

pytest.importorskip("fastapi", reason="the webhook recipe needs: pip install fastapi")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webhook_receiver.py"
SECRET = "s3cr3t-" + "x" * 40
PATH = f"/wxm/notifications/{SECRET}"
BODY: dict[str, Any] = {
    "notification": "Detractor alert",
    "answer": {"id": "r-1", "responses": [{"questionId": "q1", "numberInput": 2}], "notes": None},
}


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("webhook_receiver", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def body(response_id: str = "r-1") -> bytes:
    answer: dict[str, Any] = {**BODY["answer"], "id": response_id}
    return json.dumps({**BODY, "answer": answer}).encode()


class Work:
    """A handler that records what it got, and can be held until released."""

    def __init__(self, *, hold: bool = False) -> None:
        self.started: list[Notification] = []
        self.done: list[Notification] = []
        self.release = anyio.Event()
        self.started_one = anyio.Event()
        self.finished_one = anyio.Event()
        if not hold:
            self.release.set()

    async def __call__(self, notification: Notification) -> None:
        self.started.append(notification)
        self.started_one.set()
        await self.release.wait()
        if notification.response.id == "fails":
            raise RuntimeError("the handler's own failure")
        self.done.append(notification)
        self.finished_one.set()

    async def next_done(self) -> None:
        await self.finished_one.wait()
        self.finished_one = anyio.Event()


@asynccontextmanager
async def running(
    work: Callable[[Notification], Any], *, peer: str = "127.0.0.1", **options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    app = load_example().create_app(work, secret=SECRET, **options)
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://receiver") as http,
    ):
        yield http


async def test_a_notification_is_acknowledged_before_it_is_handled() -> None:
    """WXM gets 202 while the handler is still busy; the handler then gets the notification."""
    work = Work(hold=True)
    async with running(work) as http:
        answer = await http.post(PATH, content=body())
        assert answer.status_code == 202
        await work.started_one.wait()
        assert work.done == []  # acknowledged, not yet handled
        work.release.set()
        await work.next_done()
    (notification,) = work.done
    assert notification.rule == "Detractor alert"
    assert notification.response.answers[0].number == 2


async def test_a_wrong_or_missing_secret_is_a_404_and_never_handled() -> None:
    """A guessed path (wrong, shorter, longer) is answered 404; only WXM's post is handled."""
    work = Work()
    async with running(work) as http:
        for path in ["/wxm/notifications/guess", PATH[:-1], PATH + "x", "/wxm/notifications/"]:
            assert (await http.post(path, content=body("forged"))).status_code in (404, 405)
        assert (await http.post(PATH, content=body("real"))).status_code == 202
        await work.next_done()
    assert [n.response.id for n in work.started] == ["real"]


@pytest.mark.parametrize(
    "content", [b"", b"not json", b"[]", b'{"notification": "r"}', b"[" * 100_000]
)
async def test_what_is_not_a_notification_is_a_400(content: bytes) -> None:
    """Garbage, a partial body or deep nesting is answered 400 and never handled."""
    work = Work()
    async with running(work) as http:
        answer = await http.post(PATH, content=content)
    assert answer.status_code == 400
    assert work.started == []


async def post_without_length(app: Any, path: str, chunk: bytes, count: int) -> int:
    """POST ``count`` chunks straight to the ASGI app, with no Content-Length; the status."""
    sent = 0
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        sent += 1
        return {"type": "http.request", "body": chunk, "more_body": sent < count}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"receiver")],
        "client": ("127.0.0.1", 40000),
        "server": ("receiver", 80),
    }
    await app(scope, receive, send)
    return statuses[0]


async def test_an_oversized_body_is_a_413_whatever_its_length_says() -> None:
    """A body over the cap is refused, declared or streamed without a length."""
    work = Work()
    app = load_example().create_app(work, secret=SECRET)
    count = MAX_NOTIFICATION_BYTES // 65536 + 2
    async with running(work) as http, app.router.lifespan_context(app):
        declared = await http.post(PATH, content=b" " * (MAX_NOTIFICATION_BYTES + 1))
        streamed = await post_without_length(app, PATH, b" " * 65536, count)
    assert (declared.status_code, streamed) == (413, 413)
    assert work.started == []


async def test_the_allow_list_refuses_other_addresses() -> None:
    """With allowed_networks, a post from outside them is a 403; from inside, a 202."""
    work = Work()
    async with running(work, peer="198.51.100.7", allowed_networks=["203.0.113.0/24"]) as http:
        assert (await http.post(PATH, content=body())).status_code == 403
    async with running(work, peer="203.0.113.9", allowed_networks=["203.0.113.0/24"]) as http:
        assert (await http.post(PATH, content=body())).status_code == 202
        await work.next_done()
    assert len(work.started) == 1


async def test_a_full_queue_is_a_503() -> None:
    """When the workers and the queue are full, WXM is told 503 rather than kept waiting."""
    work = Work(hold=True)
    async with running(work, queue_size=1, workers=1) as http:
        assert (await http.post(PATH, content=body("1"))).status_code == 202
        await work.started_one.wait()  # the worker holds "1"; the queue is empty
        assert (await http.post(PATH, content=body("2"))).status_code == 202
        assert (await http.post(PATH, content=body("3"))).status_code == 503
        work.release.set()
    # Leaving the lifespan drains the queue: "2" was handled too.
    assert [n.response.id for n in work.done] == ["1", "2"]


async def test_a_failing_handler_does_not_stop_its_worker() -> None:
    """A handler's exception is logged; the next notification is still handled."""
    work = Work()
    async with running(work, workers=1) as http:
        assert (await http.post(PATH, content=body("fails"))).status_code == 202
        assert (await http.post(PATH, content=body("next"))).status_code == 202
        await work.next_done()
    assert [n.response.id for n in work.done] == ["next"]


async def test_a_short_or_missing_secret_stops_the_app_from_starting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No secret, or a guessable one, is refused when the app starts."""
    monkeypatch.delenv("WXM_WEBHOOK_SECRET", raising=False)
    example = load_example()
    for app in (example.app, example.create_app(secret="short")):
        with pytest.raises(RuntimeError, match="32 characters"):
            async with app.router.lifespan_context(app):
                pass


async def test_the_default_work_logs_a_hostile_rule_name_on_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A rule name with a newline (anyone can post one) cannot forge a second log line."""
    module = load_example()
    forged = json.dumps(
        {"notification": "x\nCRITICAL forged line", "answer": {"id": "r-1\r\nmore"}}
    ).encode()
    with caplog.at_level("INFO", logger="webhook_receiver"):
        await module.log_notification(module.parse_notification(forged))
    [record] = caplog.records
    assert "\n" not in record.getMessage()
    assert "\r" not in record.getMessage()
