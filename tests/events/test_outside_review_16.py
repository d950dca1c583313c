"""Outside review of issue 16: events and OpenTelemetry attacked from outside."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest

pytest.importorskip("opentelemetry.sdk", reason="needs the tests extra (opentelemetry-sdk)")

from opentelemetry import trace

from wxm_async import ConfigurationError, NotFoundError, RetryPolicy, WXMAuth, WXMClient
from wxm_async.events import CallFinished, CallStarted, Event, LoginStarted
from wxm_async.otel import instrument
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME
from ..helpers import is_login, token_answer
from ._telemetry import Telemetry, instrumented

pytestmark = pytest.mark.anyio

SECRETS = ("S3cretPassw0rd", "483920", "TOKENSECRET", "basepw", "QUERYSECRET", "ab12cd34")


def hostile_handler() -> Any:
    """Login 503 then OK; the call 503, 429, a dropped connection, 401 (replay), then 200."""
    logins = iter([503, 200, 200, 200])
    calls: Iterator[httpx.Response | httpx.TransportError] = iter(
        [
            httpx.Response(503, headers={"Retry-After": "0"}),
            httpx.Response(429, headers={"Retry-After": "0"}),
            httpx.ConnectError("connect to https://u:basepw@wxm.test?token=QUERYSECRET failed"),
            httpx.Response(401),
            httpx.Response(200, json={"ok": True}),
        ]
    )

    def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            status = next(logins)
            return httpx.Response(status, json=token_answer("TOKENSECRET") if status == 200 else {})
        if request.extensions.get("wxm_async.role") == "probe":
            return httpx.Response(401)
        outcome = next(calls)
        if isinstance(outcome, httpx.Response):
            return outcome
        raise outcome

    return handle


async def test_no_secret_in_any_event_span_or_metric_through_every_failure(
    telemetry: Telemetry,
) -> None:
    """Password, 2FA code, token, base-URL password, query and path ids: in no event or span."""
    events: list[Event] = []
    client = WXMClient(
        auth=WXMAuth("admin#483920", "S3cretPassw0rd"),
        base_url="https://u:basepw@wxm.test/gw",
        transport=httpx.MockTransport(hostile_handler()),
        retries=RetryPolicy(attempts=8).without_waiting(),
        on_event=events.append,
    )
    telemetry.instrument(client)
    async with client:
        await client.request("GET", "/api/SurveyToken/Id/ab12cd34%2Fx?token=QUERYSECRET")
    seen = repr(events) + repr(telemetry.points())
    for span in telemetry.finished():
        seen += span.to_json() + json.dumps(dict(span.attributes or {}))
    assert {type(e).__name__ for e in events} >= {
        "RetryScheduled",
        "RequestReplayed",
        "LoginFailed",
    }
    for secret in SECRETS:
        assert secret not in seen, secret


async def test_base_exception_in_a_callback_is_not_swallowed(fake: FakeWXM) -> None:
    """A callback raising KeyboardInterrupt-like BaseException stops the call (never swallowed)."""

    class Stop(BaseException):
        pass

    def callback(event: Event) -> None:
        if isinstance(event, CallFinished):
            raise Stop

    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url=IN_PROCESS_URL,
        transport=fake.transport(),
        on_event=callback,
    ) as client:
        with pytest.raises(Stop):
            await client.account.profile()


async def test_callable_object_and_bound_method_callbacks(fake: FakeWXM) -> None:
    """A callable object and a bound method both get every event."""

    class Counter:
        def __init__(self) -> None:
            self.seen: list[Event] = []

        def __call__(self, event: Event) -> None:
            self.seen.append(event)

        def on(self, event: Event) -> None:
            self.seen.append(event)

    one, two = Counter(), Counter()
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD, on_event=two.on),
        base_url=IN_PROCESS_URL,
        transport=fake.transport(),
        on_event=one,
    ) as client:
        await client.account.profile()
    assert type(one.seen[0]).__name__ == "CallStarted"
    assert [type(e).__name__ for e in two.seen] == ["LoginStarted", "LoginSucceeded"]


async def test_many_concurrent_calls_pair_every_start_with_one_finish(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """20 concurrent calls: 20 starts, 20 finishes, 20 root spans, one login span under one."""
    events: list[Event] = []
    client = instrumented(fake, telemetry, on_event=events.append)
    async with client, anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(client.account.profile)
    starts = [e for e in events if isinstance(e, CallStarted)]
    finishes = [e for e in events if isinstance(e, CallFinished)]
    assert len(starts) == len(finishes) == 20
    assert all(f.duration >= 0 and f.attempts == 1 for f in finishes)
    spans = telemetry.finished()
    calls = [s for s in spans if s.name != "WXM login"]
    logins = [s for s in spans if s.name == "WXM login"]
    assert len(calls) == 20
    assert all(s.parent is None for s in calls)
    assert len(logins) == 1
    assert logins[0].parent is not None
    assert logins[0].parent.span_id in {s.context.span_id for s in calls}


async def test_a_call_span_nests_under_the_callers_span_and_restores_it(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """Under the caller's span, the call's span is its child, and the caller's is current after."""
    client = WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD), base_url=IN_PROCESS_URL, transport=fake.transport()
    )
    telemetry.instrument(client)
    tracer = telemetry.tracer_provider.get_tracer("test")
    async with client:
        with tracer.start_as_current_span("outer") as outer:
            await client.account.profile()
            assert trace.get_current_span() is outer
            await client.account.profile()
    spans = {s.name: s for s in telemetry.finished()}
    call = [s for s in telemetry.finished() if s.name == "GET /api/Profile"]
    assert len(call) == 2
    assert all(
        s.parent is not None and s.parent.span_id == outer.get_span_context().span_id for s in call
    )
    assert "outer" in spans


async def test_instrument_twice_is_refused_and_leaves_one_span_per_call(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """instrument() twice on one client is refused: one span per call, none left current."""
    client = WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD), base_url=IN_PROCESS_URL, transport=fake.transport()
    )
    telemetry.instrument(client)
    with pytest.raises(ConfigurationError, match="instrumented already"):
        instrument(client, tracer_provider=telemetry.tracer_provider)
    with pytest.raises(ConfigurationError, match="instrumented already"):
        instrument(client.with_options(timeout=5.0))
    async with client:
        await client.account.profile()
        assert not trace.get_current_span().get_span_context().is_valid
    calls = [s for s in telemetry.finished() if s.name == "GET /api/Profile"]
    assert len(calls) == 1


async def test_a_login_abandoned_by_its_cancelled_caller_ends_its_span(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """Two callers, the one logging in is cancelled: every login span started is ended."""
    events: list[Event] = []
    client = instrumented(fake, telemetry, on_event=events.append)
    pause = fake.pause_logins()
    async with client, anyio.create_task_group() as tg:
        scope = anyio.CancelScope()

        async def cancelled_call() -> None:
            with scope:
                await client.account.profile()

        tg.start_soon(cancelled_call)  # it sends the login, then is cancelled
        await pause.arrived.wait()
        tg.start_soon(client.account.profile)
        scope.cancel()
        pause.release()
    started = sum(isinstance(e, LoginStarted) for e in events)
    login_spans = [s for s in telemetry.finished() if s.name == "WXM login"]
    assert len(login_spans) == started
    assert len([s for s in telemetry.finished() if s.name == "GET /api/Profile"]) == 2


async def test_a_default_port_is_still_the_spans_server_port(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """server.port is required by the HTTP client conventions: 443 when https names no port."""
    events: list[Event] = []
    client = instrumented(fake, telemetry, on_event=events.append)
    async with client:
        await client.account.profile()
    assert httpx.URL(IN_PROCESS_URL).scheme == "https"
    assert {e.server_port for e in events if isinstance(e, CallStarted | CallFinished)} == {443}
    for span in telemetry.finished():
        assert (span.attributes or {})["server.port"] == 443, span.name


async def test_a_lowercase_method_is_reported_uppercase(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """client.request('get', ...): events and http.request.method say GET, as WXM got it."""
    events: list[Event] = []
    seen: list[str] = []
    inner = fake.transport()

    async def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return await inner.handle_async_request(request)

    client = WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url=IN_PROCESS_URL,
        transport=httpx.MockTransport(handle),
        on_event=events.append,
    )
    telemetry.instrument(client)
    async with client:
        await client.request("get", "/api/Profile")
    assert seen[-1] == "GET"
    assert {e.method for e in events if isinstance(e, CallStarted | CallFinished)} == {"GET"}
    call = next(s for s in telemetry.finished() if s.name != "WXM login")
    assert call.name == "GET /api/Profile"
    assert (call.attributes or {})["http.request.method"] == "GET"


async def test_metrics_count_what_the_events_tell(telemetry: Telemetry) -> None:
    """Logins, login failures, replays and retries counted as many times as their events."""
    events: list[Event] = []
    client = WXMClient(
        auth=WXMAuth("admin#483920", "S3cretPassw0rd"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(hostile_handler()),
        retries=RetryPolicy(attempts=8).without_waiting(),
        on_event=events.append,
    )
    telemetry.instrument(client)
    async with client:
        await client.request("GET", "/api/Profile")
    totals: dict[str, int] = {}
    for name, point in telemetry.points():
        if name != "wxm.client.call.duration":
            totals[name] = totals.get(name, 0) + point.value

    def count(kind: str) -> int:
        return sum(type(e).__name__ == kind for e in events)

    assert totals["wxm.client.logins"] == count("LoginStarted")
    assert totals["wxm.client.login.failures"] == count("LoginFailed") + count("LoginSkipped")
    assert totals["wxm.client.replays"] == count("RequestReplayed")
    assert totals["wxm.client.retries"] == count("RetryScheduled")
    finished = [e for e in events if isinstance(e, CallFinished)]
    assert len(finished) == 1
    assert finished[0].attempts == count("RetryScheduled") + 1


async def test_a_base_exception_at_login_start_leaves_no_login_stuck(fake: FakeWXM) -> None:
    """A callback's BaseException at LoginStarted stops that call; the next call logs in."""

    class Stop(BaseException):
        pass

    stops = [Stop()]

    def callback(event: Event) -> None:
        if isinstance(event, LoginStarted) and stops:
            raise stops.pop()

    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url=IN_PROCESS_URL,
        transport=fake.transport(),
        on_event=callback,
    ) as client:
        with pytest.raises(Stop):
            await client.account.profile()
        with anyio.fail_after(10):
            await client.account.profile()


async def test_concurrent_waiters_survive_a_base_exception_in_the_login_leader(
    fake: FakeWXM,
) -> None:
    """The leader's callback raises BaseException at LoginStarted: the waiters still get a login."""

    class Stop(BaseException):
        pass

    stops = [Stop()]
    results: list[str] = []

    def callback(event: Event) -> None:
        if isinstance(event, LoginStarted) and stops:
            raise stops.pop()

    async def call(client: WXMClient) -> None:
        try:
            await client.account.profile()
            results.append("ok")
        except Stop:
            results.append("stop")

    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url=IN_PROCESS_URL,
        transport=fake.transport(),
        on_event=callback,
    ) as client:
        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                for _ in range(5):
                    tg.start_soon(call, client)
    assert sorted(results) == ["ok"] * 4 + ["stop"]


async def test_two_instrumented_clients_on_one_auth_count_a_login_once(
    fake: FakeWXM, telemetry: Telemetry
) -> None:
    """One WXMAuth behind two instrumented clients: one login is one span and counted once."""
    auth = WXMAuth(USERNAME, PASSWORD)
    clients = [
        WXMClient(auth=auth, base_url=IN_PROCESS_URL, transport=fake.transport()) for _ in range(2)
    ]
    for client in clients:
        telemetry.instrument(client)
    async with clients[0] as one, clients[1]:
        await one.account.profile()
    logins = [s for s in telemetry.finished() if s.name == "WXM login"]
    assert len(logins) == 1
    totals = [p.value for name, p in telemetry.points() if name == "wxm.client.logins"]
    assert sum(totals) == 1


@pytest.mark.parametrize("token_id", ["ab12cd34", "SecretWord", "ab12cd34%2Fx", "ünïcode-ab12cd34"])
async def test_an_anonymous_survey_call_never_shows_its_token(token_id: str) -> None:
    """surveys.get(token, device_id=...) failing 404: events show the template only."""
    events: list[Event] = []

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"Message": "no such token"})

    async with WXMClient(
        auth=WXMAuth("admin#483920", "S3cretPassw0rd"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        on_event=events.append,
    ) as client:
        with pytest.raises(NotFoundError):
            await client.surveys.get(token_id, device_id="Device")
    assert events
    seen = repr(events)
    for secret in (token_id, "ab12cd34", "SecretWord", "Device", "nïc"):
        assert secret not in seen, secret
    finished = [e for e in events if isinstance(e, CallFinished)]
    assert finished[0].url_template == "/api/SurveyByToken/{token}/{device_id}"


async def test_from_env_and_with_options_take_on_event() -> None:
    """WXMAuth.from_env, WXMClient.from_env and a with_options() child all call back."""
    environ = {"WXM_USERNAME": "admin#483920", "WXM_API_KEY": "S3cretPassw0rd"}
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, json=token_answer("TOKENSECRET") if is_login(r) else {})
    )
    seen: dict[str, list[Event]] = {"auth": [], "client": []}
    auth = WXMAuth.from_env(environ=environ, on_event=seen["auth"].append)
    async with WXMClient(auth=auth, base_url="https://wxm.test", transport=transport) as client:
        await client.request("GET", "/api/Profile")
    async with WXMClient.from_env(
        environ={**environ, "WXM_BASE_URL": "https://wxm.test"},
        transport=transport,
        on_event=seen["client"].append,
    ) as client:
        await client.with_options(timeout=5.0).request("GET", "/api/Profile")
    assert [type(e).__name__ for e in seen["auth"]] == ["LoginStarted", "LoginSucceeded"]
    assert "CallFinished" in [type(e).__name__ for e in seen["client"]]
    assert "S3cret" not in repr(seen)
    assert "483920" not in repr(seen)


async def test_instrument_with_the_global_providers_and_a_closed_client(fake: FakeWXM) -> None:
    """instrument() with no providers (the API's global no-op) and on a closed client: no error."""
    client = WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD), base_url=IN_PROCESS_URL, transport=fake.transport()
    )
    instrument(client)
    async with client:
        assert (await client.account.profile()) is not None
    closed = WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD), base_url=IN_PROCESS_URL, transport=fake.transport()
    )
    async with closed:
        pass
    instrument(closed)
