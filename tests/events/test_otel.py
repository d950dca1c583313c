"""wxm_async.otel: a span per call over its retries, a child span per login, and metrics."""

from __future__ import annotations

import subprocess
import sys

import anyio
import pytest

pytest.importorskip("opentelemetry.sdk", reason="needs the tests extra (opentelemetry-sdk)")

from opentelemetry.trace import SpanKind, StatusCode

from wxm_async import (
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    RetryPolicy,
    WXMAuth,
    WXMClient,
)
from wxm_async.events import Event
from wxm_async.otel import instrument
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME
from ._telemetry import Telemetry, instrumented

pytestmark = pytest.mark.anyio


async def test_a_call_is_one_client_span_with_its_login_as_child(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """A first call: span 'GET /api/Questions/Active' with HTTP attributes, the login beneath."""
    async with instrumented(fake, telemetry) as client:
        await client.questions.active()
    login, call = telemetry.finished()  # the child ends first
    assert call.name == "GET /api/Questions/Active"
    assert call.kind is SpanKind.CLIENT
    assert dict(call.attributes or {}) == {
        "http.request.method": "GET",
        "url.template": "/api/Questions/Active",
        "server.address": "wxm.test",
        "server.port": 443,
        "http.response.status_code": 200,
        "wxm.attempts": 1,
    }
    assert call.status.status_code is StatusCode.UNSET
    assert login.name == "WXM login"
    assert login.parent is not None
    assert login.parent.span_id == call.context.span_id
    assert login.context.trace_id == call.context.trace_id
    assert (login.attributes or {})["url.template"] == "/api/LoginToken"
    assert (login.attributes or {})["wxm.login.refresh"] is False


async def test_retries_stay_in_the_calls_one_span(fake: FakeWXM, telemetry: Telemetry) -> None:
    """Two 503s, then an answer: one span, three attempts, and the retries counted."""
    fake.fail_next(2, route="GET /api/Profile", status=503)
    async with instrumented(fake, telemetry, retries=RetryPolicy().without_waiting()) as client:
        await client.account.profile()
    calls = [span for span in telemetry.finished() if span.name.startswith("GET")]
    assert len(calls) == 1
    attributes = calls[0].attributes or {}
    assert attributes["wxm.attempts"] == 3
    assert attributes["http.request.resend_count"] == 2
    assert attributes["http.response.status_code"] == 200
    assert telemetry.total("wxm.client.retries") == 2


async def test_an_error_status_marks_the_span_and_error_type(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """A 404: the span's status is ERROR and error.type is '404'; the id is not in the span."""
    async with instrumented(fake, telemetry) as client:
        with pytest.raises(NotFoundError):
            await client.survey_tokens.get("S3cret-id")
    call = telemetry.finished()[-1]
    assert call.name == "GET /api/SurveyToken/Id/{token_id}"
    assert call.status.status_code is StatusCode.ERROR
    assert (call.attributes or {})["error.type"] == "404"
    assert "S3cret" not in repr(telemetry.finished()) + repr(telemetry.metrics())


async def test_a_rejected_login_is_an_error_span_and_a_counted_failure(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """A wrong key: the login span fails with error.type, and wxm.client.login.failures counts it."""
    async with instrumented(fake, telemetry, auth=WXMAuth(USERNAME, "wrong")) as client:
        with pytest.raises(AuthenticationError):
            await client.account.profile()
    login = next(span for span in telemetry.finished() if span.name == "WXM login")
    assert login.status.status_code is StatusCode.ERROR
    assert (login.attributes or {})["error.type"] == "AuthenticationError"
    assert telemetry.total("wxm.client.logins") == 1
    assert telemetry.total("wxm.client.login.failures") == 1
    call = telemetry.finished()[-1]
    assert (call.attributes or {})["error.type"] == "AuthenticationError"


async def test_a_replay_is_counted_and_marked_on_the_span(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """A revoked token: wxm.client.replays counts it; the call's span has a wxm.replay event."""
    async with instrumented(fake, telemetry) as client:
        await client.account.profile()
        fake.revoke_all_tokens()
        await client.account.profile()
    assert telemetry.total("wxm.client.replays") == 1
    assert telemetry.total("wxm.client.logins") == 2
    call = telemetry.finished()[-1]
    assert [event.name for event in call.events] == ["wxm.replay"]
    logins = [span for span in telemetry.finished() if span.name == "WXM login"]
    assert logins[1].parent is not None
    assert logins[1].parent.span_id == call.context.span_id


async def test_call_duration_is_a_histogram_by_route_and_status(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """Three calls: wxm.client.call.duration holds three seconds-valued points by template."""
    async with instrumented(fake, telemetry) as client:
        for _ in range(3):
            await client.account.profile()
    (point,) = telemetry.metrics()["wxm.client.call.duration"]
    assert point.count == 3
    assert point.attributes["url.template"] == "/api/Profile"
    assert point.attributes["http.response.status_code"] == 200
    assert 0 < point.sum < 30


async def test_instrument_keeps_the_clients_own_callback(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """on_event= and instrument() together: both see every event."""
    events: list[Event] = []
    client = WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url=IN_PROCESS_URL,
        transport=fake.transport(),
        on_event=events.append,
    )
    telemetry.instrument(client)
    async with client:
        await client.account.profile()
    assert len(events) == 4
    assert len(telemetry.finished()) == 2


def test_instrument_takes_a_client_not_an_auth() -> None:
    """instrument(auth) by mistake: ConfigurationError saying to pass the client."""
    with pytest.raises(ConfigurationError, match="WXMClient"):
        instrument(WXMAuth("u", "p"))  # type: ignore[arg-type]


def test_the_core_install_never_imports_opentelemetry() -> None:
    """Importing wxm_async, its events and a client call path loads no opentelemetry module."""
    code = (
        "import sys, anyio, wxm_async, wxm_async.events, wxm_async.testing\n"
        "async def main():\n"
        "    fake = wxm_async.testing.FakeWXM()\n"
        "    async with wxm_async.WXMClient(auth=wxm_async.WXMAuth('demo', 'demo-password'),\n"
        "            base_url='https://wxm.test', transport=fake.transport(),\n"
        "            on_event=print) as client:\n"
        "        await client.account.profile()\n"
        "anyio.run(main)\n"
        "loaded = [m for m in sys.modules if m.startswith('opentelemetry')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=120)


async def test_a_cancelled_call_ends_its_spans(fake: FakeWXM, telemetry: Telemetry) -> None:
    """Cancelled while its login waits: both spans end, marked as errors, none left open."""
    pause = fake.pause_logins()
    async with instrumented(fake, telemetry) as client:
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.account.profile)
                await pause.arrived.wait()
                scope.cancel()
        pause.release()
        await client.account.profile()  # the next call is a span of its own, a root
    login, call, *rest = telemetry.finished()
    assert (login.attributes or {})["error.type"] == "abandoned"
    assert (call.attributes or {})["error.type"] == "cancelled"
    assert call.status.status_code is StatusCode.ERROR
    assert rest[-1].name == "GET /api/Profile"
    assert rest[-1].parent is None
