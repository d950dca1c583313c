"""on_event=: the events WXMAuth and WXMClient emit, in order, and what they hold."""

from __future__ import annotations

import logging
import re

import anyio
import httpx
import pytest

from wxm_async import (
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    RequestRate,
    RetryPolicy,
    WXMAuth,
    WXMClient,
)
from wxm_async._routes import url_template
from wxm_async.events import (
    CallFinished,
    CallStarted,
    Event,
    LoginFailed,
    LoginSkipped,
    LoginStarted,
    LoginSucceeded,
    RateLimitWait,
    RequestReplayed,
    RetryScheduled,
    TokenRefreshing,
)
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME, ManualClock
from ..helpers import is_login

pytestmark = pytest.mark.anyio


def make_client(
    fake: FakeWXM,
    events: list[Event],
    auth: WXMAuth | None = None,
    retries: RetryPolicy | None = None,
) -> WXMClient:
    return WXMClient(
        auth=auth or WXMAuth(USERNAME, PASSWORD),
        base_url=IN_PROCESS_URL,
        transport=fake.transport(),
        retries=retries or RetryPolicy().without_waiting(),
        on_event=events.append,
    )


def kinds(events: list[Event]) -> list[str]:
    return [type(event).__name__ for event in events]


async def test_a_first_call_tells_its_login_inside_its_start_and_end(fake: FakeWXM) -> None:
    """CallStarted, LoginStarted, LoginSucceeded, CallFinished: the login nests in the call."""
    events: list[Event] = []
    async with make_client(fake, events) as client:
        await client.questions.active()
    assert kinds(events) == ["CallStarted", "LoginStarted", "LoginSucceeded", "CallFinished"]
    started, login, logged_in, finished = events
    assert started == CallStarted(
        method="GET",
        url_template="/api/Questions/Active",
        server_address="wxm.test",
        server_port=443,
    )
    assert login == LoginStarted(username=USERNAME, url="https://wxm.test/api/LoginToken")
    assert isinstance(logged_in, LoginSucceeded)
    assert 0 <= logged_in.duration < 60
    assert 43_000 < logged_in.expires_in <= fake.token_lifetime
    assert isinstance(finished, CallFinished)
    assert (finished.status_code, finished.attempts, finished.error_type) == (200, 1, None)
    assert finished.duration >= logged_in.duration


async def test_ids_never_show_in_an_event_only_their_template(fake: FakeWXM) -> None:
    """A call on an id: the event carries /api/SurveyToken/Id/{token_id}, never the id."""
    events: list[Event] = []
    async with make_client(fake, events) as client:
        with pytest.raises(NotFoundError):
            await client.survey_tokens.get("S3cret id?x=1")
        await client.request("GET", "/api/Questions/Active", params={"q": "S3cret"})
    assert "S3cret" not in repr(events)
    finished = [event for event in events if isinstance(event, CallFinished)]
    assert finished[0].url_template == "/api/SurveyToken/Id/{token_id}"
    assert (finished[0].status_code, finished[0].error_type) == (404, "NotFoundError")
    assert finished[1].url_template == "/api/Questions/Active"


def test_every_route_of_the_fake_has_its_template() -> None:
    """Each route WXM (the fake) serves, filled with ids, comes back as its template."""
    placeholder = re.compile(r"\{[^}]+\}")
    for route in FakeWXM()._routes:
        filled = placeholder.sub("Id%2F0x9-S3cret", route.template)
        template = url_template(filled)
        assert "S3cret" not in template, route.template
        shape = placeholder.sub("{}", template)
        assert shape.lower() == placeholder.sub("{}", route.template).lower(), route.template


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/api/SurveyByToken/QR/DM-1", "/api/SurveyByToken/QR/{token_id}"),
        ("/api/SurveyByToken/Import/7", "/api/SurveyByToken/Import/{valid_days}"),
        ("/api/SurveyByToken/abc/dev", "/api/SurveyByToken/{token}/{device_id}"),
        ("/api/DeliveryPlan/WXMMergedData", "/api/DeliveryPlan/WXMMergedData"),
        ("/api/DeliveryPlan/p1", "/api/DeliveryPlan/{plan_id}"),
        ("/api/surveytoken/search/CustomerSurvey", "/api/surveytoken/search/{questionnaire}"),
    ],
)
def test_a_literal_segment_is_not_taken_for_an_id(path: str, template: str) -> None:
    """A route's words (QR, Import, WXMMergedData) win over the id another route has there."""
    assert url_template(path) == template


def test_an_unknown_path_keeps_only_its_words() -> None:
    """A caller's own path: the routes' words stay, any other segment is {id}; no query."""
    assert (
        url_template("/api/DeliveryPlan/abc123/answers?token=x") == "/api/DeliveryPlan/{id}/answers"
    )
    assert url_template("/api/User/johnsmith/Steps") == "/api/{id}/{id}/{id}"
    assert url_template("/gw/t3nant/api/Profile") == "/gw/{id}/api/Profile"


async def test_a_revoked_token_shows_as_a_replay_and_one_login(fake: FakeWXM) -> None:
    """WXM revokes the token: RequestReplayed, then the login, inside the one call."""
    events: list[Event] = []
    async with make_client(fake, events) as client:
        await client.account.profile()
        fake.revoke_all_tokens()
        events.clear()
        await client.account.profile()
    assert kinds(events) == [
        "CallStarted",
        "RequestReplayed",
        "LoginStarted",
        "LoginSucceeded",
        "CallFinished",
    ]
    assert events[1] == RequestReplayed(method="GET", url_template="/api/Profile", sends=1)


async def test_a_rejected_login_then_a_skipped_one_within_the_failure_window(
    fake: FakeWXM,
) -> None:
    """A wrong key: LoginFailed with WXM's status; the next call sends no login: LoginSkipped."""
    events: list[Event] = []
    async with make_client(fake, events, auth=WXMAuth(USERNAME, "wrong")) as client:
        for _ in range(2):
            with pytest.raises(AuthenticationError):
                await client.account.profile()
    failed = [event for event in events if isinstance(event, LoginFailed)]
    skipped = [event for event in events if isinstance(event, LoginSkipped)]
    assert len(failed) == 1
    assert failed[0].error_type == "AuthenticationError"
    assert failed[0].status_code == fake.bad_login_status
    assert skipped == [
        LoginSkipped(
            username=USERNAME, error_type="AuthenticationError", status_code=failed[0].status_code
        )
    ]
    assert fake.login_attempts == 1
    finished = [event for event in events if isinstance(event, CallFinished)]
    assert [event.error_type for event in finished] == ["AuthenticationError"] * 2


async def test_a_proactive_refresh_is_told_before_its_login(
    fake: FakeWXM, clock: ManualClock
) -> None:
    """A token due for refresh but alive: TokenRefreshing (how long it still lives), then the login."""
    events: list[Event] = []
    auth = WXMAuth(USERNAME, PASSWORD, clock=clock, refresh_leeway=300, on_event=events.append)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=IN_PROCESS_URL, auth=auth
    ) as http:
        await http.get("/api/Profile")
        token = auth.store.current()
        assert token is not None
        clock.now = token.refresh_at + 1
        events.clear()
        await http.get("/api/Profile")
    assert kinds(events) == ["TokenRefreshing", "LoginStarted", "LoginSucceeded"]
    refreshing = events[0]
    assert isinstance(refreshing, TokenRefreshing)
    assert refreshing.expires_in == pytest.approx(token.expires_at - clock.now)
    assert 0 < refreshing.expires_in <= 300


async def test_a_login_failing_in_transport_is_told_abandoned() -> None:
    """The login gets no answer: LoginFailed with error_type 'abandoned', no status."""

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={})

    events: list[Event] = []
    auth = WXMAuth("u", "p", on_event=events.append)
    async with httpx.AsyncClient(transport=httpx.MockTransport(handle), auth=auth) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("https://wxm.test/api/Profile")
    assert kinds(events) == ["LoginStarted", "LoginFailed"]
    failed = events[1]
    assert isinstance(failed, LoginFailed)
    assert (failed.error_type, failed.status_code) == ("abandoned", None)


async def test_a_login_answered_503_is_told_with_its_status(fake: FakeWXM) -> None:
    """WXM answers the login 503: LoginFailed('ServerError', 503)."""
    fake.fail_next_logins(1, status=503)
    events: list[Event] = []
    async with make_client(fake, events, retries=RetryPolicy.off()) as client:
        with pytest.raises(Exception, match="503"):
            await client.account.profile()
    failed = [event for event in events if isinstance(event, LoginFailed)]
    assert [(event.error_type, event.status_code) for event in failed] == [("ServerError", 503)]


async def test_a_cancelled_call_is_told_cancelled(fake: FakeWXM) -> None:
    """A call cancelled while its login waits: CallFinished('cancelled') and the login abandoned."""
    events: list[Event] = []
    pause = fake.pause_logins()
    async with make_client(fake, events) as client:
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.account.profile)
                await pause.arrived.wait()
                scope.cancel()
        pause.release()
    assert kinds(events) == ["CallStarted", "LoginStarted", "LoginFailed", "CallFinished"]
    assert isinstance(events[2], LoginFailed)
    assert events[2].error_type == "abandoned"
    assert isinstance(events[3], CallFinished)
    assert events[3].error_type == "cancelled"


async def test_a_raising_callback_breaks_no_call_and_is_logged_once(
    fake: FakeWXM, caplog: pytest.LogCaptureFixture
) -> None:
    """A callback that raises on every event: calls succeed, one log record, other callbacks run."""

    def broken(event: Event) -> None:
        raise ValueError("oops")

    seen: list[Event] = []
    auth = WXMAuth(USERNAME, PASSWORD, on_event=broken)
    async with make_client(fake, seen, auth=auth) as client:
        for _ in range(3):
            await client.account.profile()
    records = [r for r in caplog.records if r.name == "wxm_async.events"]
    assert len(records) == 1  # broken raised on LoginStarted, then on LoginSucceeded: logged once
    assert records[0].exc_info is not None
    assert "LoginStarted" in records[0].getMessage()
    assert kinds(seen).count("CallFinished") == 3


async def test_a_client_with_a_broken_callback_still_answers(
    fake: FakeWXM, caplog: pytest.LogCaptureFixture
) -> None:
    """on_event on the client raises on every call: every call still returns its answer."""
    caplog.set_level(logging.WARNING)

    def broken(event: Event) -> None:
        raise RuntimeError("down")

    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url=IN_PROCESS_URL,
        transport=fake.transport(),
        on_event=broken,
    ) as client:
        questions = [await client.questions.active() for _ in range(3)]
    assert all(questions)
    assert len([r for r in caplog.records if r.name == "wxm_async.events"]) == 1


def test_on_event_must_be_callable() -> None:
    """on_event='log' (a careless caller): ConfigurationError naming on_event, auth and client."""
    with pytest.raises(ConfigurationError, match="on_event"):
        WXMAuth("u", "p", on_event="log")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="on_event"):
        WXMClient(auth=WXMAuth("u", "p"), on_event="log")  # type: ignore[arg-type]


async def test_with_options_shares_the_callback(fake: FakeWXM) -> None:
    """A client from with_options() tells its calls to the same callback."""
    events: list[Event] = []
    async with make_client(fake, events) as client:
        await client.with_options(timeout=30).account.profile()
    assert kinds(events)[0] == "CallStarted"
    assert kinds(events)[-1] == "CallFinished"


async def test_an_auth_in_two_clients_tells_each_client_once(fake: FakeWXM) -> None:
    """One WXMAuth behind two watched clients: each client's callback sees the login once."""
    auth = WXMAuth(USERNAME, PASSWORD)
    first: list[Event] = []
    second: list[Event] = []
    async with make_client(fake, first, auth=auth) as one, make_client(fake, second, auth=auth):
        await one.account.profile()
    assert kinds(first).count("LoginStarted") == 1
    assert kinds(second).count("LoginStarted") == 1  # the auth's events reach both clients


async def test_each_retry_is_told_with_its_attempt_wait_and_reason(fake: FakeWXM) -> None:
    """A 503, a dropped connection, then an answer: two RetryScheduled, then CallFinished(3)."""
    events: list[Event] = []
    async with make_client(fake, events) as client:
        await client.account.profile()  # logged in
        fake.fail_next(1, route="GET /api/Profile", status=503)
        fake.drop_next(1, route="GET /api/Profile")
        events.clear()
        await client.account.profile()
    retries = [event for event in events if isinstance(event, RetryScheduled)]
    assert [(e.attempt, e.reason, e.status_code, e.wait) for e in retries] == [
        (1, "status 503", 503, 0.0),
        (2, "RemoteProtocolError", None, 0.0),
    ]
    assert retries[0].url_template == "/api/Profile"
    finished = events[-1]
    assert isinstance(finished, CallFinished)
    assert (finished.attempts, finished.status_code) == (3, 200)


async def test_a_failed_login_retried_is_told_as_a_login_status(fake: FakeWXM) -> None:
    """The login answers 503 once: RetryScheduled says 'login status 503'."""
    fake.fail_next_logins(1, status=503)
    events: list[Event] = []
    async with make_client(fake, events) as client:
        await client.account.profile()
    retries = [event for event in events if isinstance(event, RetryScheduled)]
    assert [(e.reason, e.status_code) for e in retries] == [("login status 503", 503)]


async def test_a_paced_call_tells_its_wait(fake: FakeWXM) -> None:
    """Under rate_limit=, the second call waits for its turn: one RateLimitWait, the first none."""
    events: list[Event] = []
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url=IN_PROCESS_URL,
        transport=fake.transport(),
        rate_limit=RequestRate(requests=1, per=0.05),
        on_event=events.append,
    ) as client:
        await client.account.profile()
        assert not [event for event in events if isinstance(event, RateLimitWait)]
        await client.account.profile()
    (waited,) = [event for event in events if isinstance(event, RateLimitWait)]
    assert waited.url_template == "/api/Profile"
    assert 0 < waited.wait <= 1


def test_an_async_callback_is_refused() -> None:
    """on_event=an async function would never be awaited: ConfigurationError says so."""

    async def handler(event: Event) -> None:
        pass

    class Handler:
        async def __call__(self, event: Event) -> None:
            pass

    for callback in (handler, Handler()):
        with pytest.raises(ConfigurationError, match="not an async one"):
            WXMAuth("u", "p", on_event=callback)
        with pytest.raises(ConfigurationError, match="not an async one"):
            WXMClient(auth=WXMAuth("u", "p"), on_event=callback)


async def test_templates_are_absolute_paths_below_a_gateway(fake: FakeWXM) -> None:
    """Base URL https://gw/wxm: the call and its replay both say /wxm/api/Profile."""

    async def handle(request: httpx.Request) -> httpx.Response:
        stripped = request.url.copy_with(path=request.url.path.removeprefix("/wxm"))
        return await fake.transport().handle_async_request(
            httpx.Request(
                request.method, stripped, headers=request.headers, content=request.content
            )
        )

    events: list[Event] = []
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url="https://wxm.test/wxm",
        transport=httpx.MockTransport(handle),
        on_event=events.append,
    ) as client:
        await client.account.profile()
        fake.revoke_all_tokens()
        await client.account.profile()
    templates = {
        event.url_template
        for event in events
        if isinstance(event, CallStarted | CallFinished | RequestReplayed)
    }
    assert templates == {"/wxm/api/Profile"}
    assert any(isinstance(event, RequestReplayed) for event in events)
