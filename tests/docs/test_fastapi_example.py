"""The FastAPI recipe: one WXMClient per app, so hundreds of requests cause one login."""

from __future__ import annotations

import importlib.util
import io
import logging
from pathlib import Path
from types import ModuleType

import anyio
import httpx
import pytest

from wxm_async import RetryPolicy, WXMAuth, WXMClient
from wxm_async.testing import WXM_FAKE_URL, FakeWXM

from ..conftest import PASSWORD, USERNAME

pytestmark = pytest.mark.anyio

pytest.importorskip("fastapi", reason="the FastAPI recipe needs: pip install fastapi")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "fastapi_app.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fastapi_app", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_hundreds_of_app_requests_cause_one_login(fake: FakeWXM) -> None:
    """300 concurrent requests to the app share its client and its one login."""
    example = load_example()
    app = example.create_app(
        lambda: WXMClient(
            auth=WXMAuth(USERNAME, PASSWORD),
            base_url=WXM_FAKE_URL,
            transport=fake.transport(),
            retries=RetryPolicy().without_waiting(),
        )
    )
    statuses: list[int] = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app") as http,
    ):

        async def call(path: str) -> None:
            statuses.append((await http.get(path)).status_code)

        async with anyio.create_task_group() as tg:
            for n in range(300):
                tg.start_soon(call, "/questions" if n % 2 else "/responses/count")
        questions = (await http.get("/questions")).json()
        missing = await http.get("/responses/no-such-response")
    assert statuses == [200] * 300
    assert fake.logins == 1
    assert questions[0] == {"id": "q1", "text": "How likely are you to recommend us?"}
    assert missing.status_code == 404


async def test_wxm_failures_become_502(fake: FakeWXM) -> None:
    """A WXM the app cannot log in to gives its callers a 502, not a traceback."""
    example = load_example()
    app = example.create_app(
        lambda: WXMClient(
            auth=WXMAuth(USERNAME, "wrong-password"),
            base_url=WXM_FAKE_URL,
            transport=fake.transport(),
        )
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app") as http,
    ):
        response = await http.get("/questions")
    assert response.status_code == 502
    assert response.json() == {"detail": "WXM is unavailable"}
    assert "wrong-password" not in response.text


def test_importing_the_app_needs_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The module-level app reads the environment when it starts, not when imported."""
    for name in ("WXM_USERNAME", "WXM_API_KEY", "WXM_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert load_example().app.title == "WXM proxy"


WATCHED = Path(__file__).resolve().parents[2] / "examples" / "watched_app.py"


async def test_the_watched_app_logs_its_events_and_prints_spans_and_metrics(
    fake: FakeWXM, caplog: pytest.LogCaptureFixture
) -> None:
    """'Watch wxm_async in production': events logged, spans and metrics on the console."""
    pytest.importorskip("opentelemetry.sdk", reason="needs opentelemetry-sdk")
    caplog.set_level(logging.INFO, logger="app.wxm")
    spec = importlib.util.spec_from_file_location("watched_app", WATCHED)
    assert spec is not None
    assert spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    out = io.StringIO()
    fake.fail_next(1, route="GET /api/Questions/Active", status=503)
    app = example.create_app(
        lambda on_event: WXMClient(
            auth=WXMAuth(USERNAME, PASSWORD),
            base_url="https://wxm.test",
            transport=fake.transport(),
            retries=RetryPolicy().without_waiting(),
            on_event=on_event,
        ),
        out=out,
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app") as http,
    ):
        assert (await http.get("/questions")).status_code == 200
    logged = [record.getMessage().split(" ")[1] for record in caplog.records]
    assert logged == [
        "CallStarted",
        "LoginStarted",
        "LoginSucceeded",
        "RetryScheduled",
        "CallFinished",
    ]
    assert caplog.records[-1].wxm_attempts == 2  # type: ignore[attr-defined]
    printed = out.getvalue()
    assert '"name": "GET /api/Questions/Active"' in printed
    assert '"name": "WXM login"' in printed
    assert '"name": "wxm.client.call.duration"' in printed
    assert '"name": "wxm.client.retries"' in printed
    assert PASSWORD not in printed
