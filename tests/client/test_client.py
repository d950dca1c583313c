"""WXMClient itself: set-up, retries, errors, bounded concurrency, against a transport."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta

import anyio
import httpx
import pytest

from wxm_async import (
    AccessToken,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    Question,
    RateLimitedError,
    RetryPolicy,
    ServerError,
    WXMAuth,
    WXMBearerAuth,
    WXMClient,
)
from wxm_async._converter import structure
from wxm_async._stores._token import cache_token
from wxm_async.stores import LoginTurn

from ..conftest import PASSWORD, USERNAME
from ..helpers import is_login, recording, token_answer

pytestmark = pytest.mark.anyio

Handler = Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
TOKEN = "client-test-token"
QUESTIONS = [{"id": "q1", "text": "Recommend us?", "displayType": "Scale"}]


def scripted(
    *answers: httpx.Response | Exception,
) -> tuple[Handler, list[httpx.Request]]:
    """A handler that gives ``answers`` in turn (raising the exceptions) and keeps requests."""
    queue = list(answers)
    seen: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handle, seen


def a_day_from_now() -> datetime:
    return datetime.now(UTC) + timedelta(days=1)


def client_for(handler: Handler, **kwargs: object) -> WXMClient:
    options: dict[str, object] = {"retries": RetryPolicy().without_waiting(), **kwargs}
    return WXMClient(
        auth=WXMBearerAuth(TOKEN),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handler),
        **options,  # type: ignore[arg-type]
    )


def test_a_client_needs_credentials() -> None:
    """Without auth (or an http_client) the client says how to give it credentials."""
    with pytest.raises(ConfigurationError, match="auth=WXMAuth"):
        WXMClient()


def test_an_own_http_client_excludes_options_it_already_has() -> None:
    """Options that belong to the caller's http_client are refused, by name."""
    with pytest.raises(ConfigurationError, match="auth, transport"):
        WXMClient(
            http_client=httpx.AsyncClient(),
            auth=WXMBearerAuth(TOKEN),
            transport=httpx.MockTransport(lambda r: httpx.Response(200)),
        )


def test_max_concurrency_must_be_positive() -> None:
    """A limit of zero requests in flight could never send anything."""
    with pytest.raises(ConfigurationError, match="max_concurrency"):
        WXMClient(auth=WXMBearerAuth(TOKEN), max_concurrency=0)


def test_from_env_reads_the_base_url_and_credentials() -> None:
    """WXM_BASE_URL, WXM_USERNAME and WXM_API_KEY configure the client."""
    client = WXMClient.from_env(
        environ={
            "WXM_USERNAME": "acme",
            "WXM_API_KEY": "key",
            "WXM_BASE_URL": "https://wxm.example",
        }
    )
    assert client.http.base_url == httpx.URL("https://wxm.example")
    assert isinstance(client.http.auth, WXMAuth)
    assert client.http.auth.username == "acme"
    assert repr(client) == "WXMClient(base_url='https://wxm.example')"
    default = WXMClient.from_env(environ={"WXM_USERNAME": "acme", "WXM_PASSWORD": "pw"})
    assert default.http.base_url == httpx.URL("https://api.getcloudcherry.com")


def test_from_env_names_what_is_missing() -> None:
    """A missing credential variable is named."""
    with pytest.raises(ConfigurationError, match="WXM_USERNAME"):
        WXMClient.from_env(environ={"WXM_API_KEY": "key"})


async def test_calls_send_json_headers_and_decode_models() -> None:
    """A call sends Accept and User-Agent, and returns models, not dicts."""
    handler, seen = scripted(httpx.Response(200, json=QUESTIONS))
    async with client_for(handler) as client:
        questions = await client.questions.active()
    assert questions == [Question(id="q1", text="Recommend us?", display_type="Scale")]
    assert seen[0].headers["accept"] == "application/json"
    assert seen[0].headers["user-agent"].startswith("wxm-async")
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"


async def test_transient_statuses_are_retried_until_success() -> None:
    """503 then 502 then 200: the caller sees only the success."""
    handler, seen = scripted(
        httpx.Response(503), httpx.Response(502), httpx.Response(200, json=QUESTIONS)
    )
    async with client_for(handler) as client:
        assert len(await client.questions.active()) == 1
    assert len(seen) == 3


async def test_retries_end_with_the_status_error() -> None:
    """When attempts run out, the last status's error is raised."""
    handler, seen = scripted(*[httpx.Response(503, json={"message": "busy"})] * 3)
    async with client_for(handler, retries=RetryPolicy(attempts=3).without_waiting()) as client:
        with pytest.raises(ServerError, match="503 Service Unavailable: busy") as caught:
            await client.questions.active()
    assert len(seen) == 3
    assert caught.value.status_code == 503


async def test_a_create_is_not_retried_after_a_server_error() -> None:
    """A POST that creates is sent once on a 503: WXM may have acted on it."""
    handler, seen = scripted(httpx.Response(503), httpx.Response(200, json={"id": "DM-1"}))
    async with client_for(handler) as client:
        with pytest.raises(ServerError):
            await client.survey_tokens.create(questionnaire="Main", valid_till=a_day_from_now())
    assert len(seen) == 1


async def test_a_create_is_retried_after_429() -> None:
    """A 429 was not acted on, so even a create is sent again."""
    handler, seen = scripted(
        httpx.Response(429, headers={"Retry-After": "0"}),
        httpx.Response(200, json={"id": "DM-1", "location": "Main"}),
    )
    async with client_for(handler) as client:
        token = await client.survey_tokens.create(questionnaire="Main", valid_till=a_day_from_now())
    assert token.id == "DM-1"
    assert len(seen) == 2
    assert seen[0].content == seen[1].content


async def test_a_long_retry_after_fails_at_once_with_its_value() -> None:
    """A Retry-After beyond the policy's limit raises RateLimitedError carrying it."""
    handler, seen = scripted(httpx.Response(429, headers={"Retry-After": "3600"}))
    async with client_for(handler) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.questions.active()
    assert caught.value.retry_after == 3600.0
    assert len(seen) == 1


async def test_connection_failures_are_retried_then_raised_as_library_errors() -> None:
    """A refused connection is retried; when it keeps failing, APIConnectionError."""
    refused = httpx.ConnectError("connection refused")
    handler, seen = scripted(refused, refused, refused, refused)
    async with client_for(handler) as client:
        with pytest.raises(APIConnectionError, match="connection refused") as caught:
            await client.account.profile()
    assert len(seen) == 4
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert caught.value.request is not None
    assert "authorization" not in caught.value.request.headers


async def test_timeouts_are_their_own_error() -> None:
    """A read timeout, after the retries, is an APITimeoutError."""
    handler, _ = scripted(*[httpx.ReadTimeout("timed out")] * 4)
    async with client_for(handler) as client:
        with pytest.raises(APITimeoutError):
            await client.account.profile()


async def test_a_dropped_connection_on_a_create_is_not_retried() -> None:
    """A read error after sending may mean WXM acted: a create is not sent again."""
    handler, seen = scripted(httpx.ReadError("reset by peer"))
    async with client_for(handler) as client:
        with pytest.raises(APIConnectionError):
            await client.responses.add_note("r-1", "called back")
    assert len(seen) == 1


async def test_not_found_carries_status_body_and_message() -> None:
    """A 404 is NotFoundError with WXM's message in str()."""
    handler, _ = scripted(httpx.Response(404, json={"message": "No such answer."}))
    async with client_for(handler) as client:
        with pytest.raises(NotFoundError, match=r"GET /api/answer/r-9: .*No such answer") as caught:
            await client.responses.get("r-9")
    assert caught.value.body == {"message": "No such answer."}


async def test_ids_cannot_change_the_path() -> None:
    """An id with a slash or a question mark stays one path segment."""
    handler, seen = scripted(httpx.Response(404, json={}))
    async with client_for(handler) as client:
        with pytest.raises(NotFoundError):
            await client.responses.get("a/settings?x=1")
    assert seen[0].url.raw_path == b"/api/answer/a%2Fsettings%3Fx%3D1"


DENIED = {"message": "Authorization has been denied for this request."}


class RefusingWXM:
    """WXM that lets everyone log in, then answers 401 to every call, whatever the token."""

    def __init__(self) -> None:
        self.logins = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if is_login(request):
            self.logins += 1
            return httpx.Response(200, json=token_answer(f"tok-{self.logins}"))
        await anyio.lowlevel.checkpoint()
        return httpx.Response(401, json=DENIED)


async def test_a_401_after_the_replay_is_an_authentication_error() -> None:
    """When WXM refuses the fresh token too, the caller gets AuthenticationError."""
    wxm = RefusingWXM()
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(wxm.handle),
    ) as client:
        with pytest.raises(AuthenticationError, match="Authorization has been denied") as caught:
            await client.questions.active()
    assert caught.value.status_code == 401
    assert wxm.logins == 2  # the second token, refused too, ends it: WXM refuses them all
    assert "tok-" not in str(caught.value)


async def test_in_flight_requests_are_bounded_by_max_concurrency() -> None:
    """With max_concurrency=3, ten concurrent calls never have more than three in flight."""
    in_flight = peak = 0
    release = anyio.Event()

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await release.wait()
        in_flight -= 1
        return httpx.Response(200, json=QUESTIONS)

    async with client_for(handle, max_concurrency=3) as client, anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(client.questions.active)
        await anyio.wait_all_tasks_blocked()
        assert in_flight == 3
        release.set()
    assert peak == 3


async def test_cancelled_calls_give_their_slot_back() -> None:
    """A call cancelled in flight, or while waiting for a slot, leaves max_concurrency whole."""
    release = anyio.Event()
    answered = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal answered
        if not release.is_set():
            await release.wait()
        answered += 1
        return httpx.Response(200, json=QUESTIONS)

    async with client_for(handle, max_concurrency=1) as client:
        async with anyio.create_task_group() as tg:
            tg.start_soon(client.questions.active)  # in flight, holding the one slot
            tg.start_soon(client.questions.active)  # waiting for the slot
            await anyio.wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
        release.set()
        with anyio.fail_after(5):  # a leaked slot would hang here
            assert await client.questions.active()
            assert await client.questions.active()
    assert answered == 2


async def test_retries_are_logged_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    """Each retry logs the call, the failure and the wait; never the token."""
    handler, _ = scripted(httpx.Response(503), httpx.Response(200, json=QUESTIONS))
    with caplog.at_level(logging.DEBUG, logger="wxm_async"):
        async with client_for(handler) as client:
            await client.questions.active()
    assert "WXM GET /api/Questions/Active: status 503; retry 1 in 0.00 s" in caplog.text
    assert [(r.name, r.__dict__["wxm_retry"], r.__dict__["wxm_wait"]) for r in caplog.records] == [
        ("wxm_async.client", 1, 0.0)
    ]
    assert TOKEN not in caplog.text


async def test_an_own_http_client_is_used_and_left_open(wxm_http: httpx.AsyncClient) -> None:
    """A caller's httpx.AsyncClient carries the calls and stays open after aclose()."""
    async with WXMClient(http_client=wxm_http) as client:
        assert client.http is wxm_http
        assert (await client.account.profile()).user == USERNAME
    assert not wxm_http.is_closed
    assert (await wxm_http.get("/api/Profile")).status_code == 200


async def test_aclose_closes_the_clients_own_connections() -> None:
    """The client's own httpx.AsyncClient is closed by aclose()."""
    client = client_for(scripted()[0])
    await client.aclose()
    assert client.http.is_closed


class RevokingWXM:
    """WXM for the tests of a 401 after the replay: only the tokens in ``valid`` work.

    Logins hand out ``login_tokens`` in turn. ``on_send[token]`` runs (once) when a
    request carries ``token``, before WXM answers it: there another request logs in.
    """

    def __init__(self, auth: WXMAuth, login_tokens: list[str]) -> None:
        self.auth = auth
        self.login_tokens = login_tokens
        self.valid: set[str] = set()
        self.logins = 0
        self.sent: list[str] = []
        self.on_send: dict[str, Callable[[], Coroutine[None, None, None]]] = {}
        self.busy = 0  # how many calls with a valid token to answer 503 first

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if is_login(request):
            token = self.login_tokens[self.logins]
            self.logins += 1
            self.valid.add(token)
            return httpx.Response(200, json=token_answer(token))
        token = request.headers["authorization"].removeprefix("Bearer ")
        self.sent.append(token)
        if (hook := self.on_send.pop(token, None)) is not None:
            await hook()
        if token in self.valid:
            if self.busy:
                self.busy -= 1
                return httpx.Response(503, json={"message": "busy"})
            return httpx.Response(200, json=QUESTIONS)
        return httpx.Response(401, json=DENIED)

    async def another_request_logs_in(self, token: str) -> None:
        """Put ``token`` in the auth's store as another request's login would."""
        turn = await self.auth.store.claim(self.auth.store.current(), time.monotonic())
        assert isinstance(turn, LoginTurn)
        answer = structure(token_answer(token), AccessToken, what="a login", request=None)
        await self.auth.store.settle(
            turn, cache_token(answer, received_at=time.monotonic(), max_leeway=300)
        )

    def client(self) -> WXMClient:
        return WXMClient(
            auth=self.auth,
            base_url="https://wxm.test",
            transport=httpx.MockTransport(self.handle),
            retries=RetryPolicy().without_waiting(),
        )


async def test_a_401_after_the_replay_is_retried_when_another_login_came_since() -> None:
    """WXM revoked twice: the replay met 401, but a newer token exists; one retry, no login."""
    wxm = RevokingWXM(WXMAuth(USERNAME, PASSWORD), ["tok-1", "tok-2"])

    async def second_revocation() -> None:
        wxm.valid.clear()
        await wxm.another_request_logs_in("tok-3")  # it met the revocation first
        wxm.valid.add("tok-3")

    async with wxm.client() as client:
        await client.questions.active()  # logs in: tok-1
        wxm.valid.clear()  # WXM revokes tok-1
        wxm.on_send["tok-2"] = second_revocation
        assert len(await client.questions.active()) == 1
    # The call with tok-1, the probe that found tok-1 dead, the replays with tok-2, tok-3.
    assert wxm.sent == ["tok-1", "tok-1", "tok-1", "tok-2", "tok-3"]
    assert wxm.logins == 2  # tok-3 came from the other request, not from the retry


async def test_a_401_on_the_current_token_is_not_retried() -> None:
    """After the replay, a 401 with the newest token is final: AuthenticationError."""
    handler, seen = scripted(
        httpx.Response(200, json=token_answer("tok-1")),
        httpx.Response(401, json={}),
        httpx.Response(200, json=token_answer("tok-2")),
        httpx.Response(401, json={}),
    )
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handler),
    ) as client:
        with pytest.raises(AuthenticationError):
            await client.questions.active()
    assert len(seen) == 4


async def test_a_token_from_a_login_older_than_the_revocation_is_dropped_and_the_call_retried() -> (
    None
):
    """The replay's token came from another request's login that WXM revoked too: log in."""
    wxm = RevokingWXM(WXMAuth(USERNAME, PASSWORD), ["tok-1", "tok-3"])

    async def dead_on_arrival() -> None:
        await wxm.another_request_logs_in("tok-2")  # issued just before the revocation

    async with wxm.client() as client:
        await client.questions.active()  # logs in: tok-1
        wxm.valid.clear()  # WXM revokes tok-1
        wxm.on_send["tok-1"] = dead_on_arrival
        assert len(await client.questions.active()) == 1
    # tok-2 met 401 as the current token: the probe found it dead, one login, tok-3.
    assert wxm.sent == ["tok-1", "tok-1", "tok-2", "tok-2", "tok-3"]
    assert wxm.logins == 2


async def test_an_endpoint_that_refuses_every_token_fails_each_call_within_its_attempts() -> None:
    """A storm of calls meeting 401 whatever the token: each fails, within its attempts."""
    wxm = RefusingWXM()
    transport, seen = recording(wxm.handle)
    failures: list[BaseException] = []
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url="https://wxm.test",
        transport=transport,
        retries=RetryPolicy().without_waiting(),
    ) as client:

        async def call() -> None:
            try:
                await client.questions.active()
            except AuthenticationError as exc:
                failures.append(exc)

        async with anyio.create_task_group() as tg:
            for _ in range(50):
                tg.start_soon(call)
    assert len(failures) == 50
    sends = len(seen) - wxm.logins
    # Each attempt of a call: its send and the auth's replay.
    assert sends <= 2 * RetryPolicy().attempts * 50
    assert wxm.logins <= sends


async def test_a_401_over_tokens_does_not_use_up_the_retries_for_a_failing_wxm() -> None:
    """A retry after a token race, then three 503s: the policy still has its 4 attempts."""
    wxm = RevokingWXM(WXMAuth(USERNAME, PASSWORD), ["tok-1", "tok-3"])

    async def dead_on_arrival() -> None:
        await wxm.another_request_logs_in("tok-2")

    async with wxm.client() as client:
        await client.questions.active()  # logs in: tok-1
        wxm.valid.clear()  # WXM revokes tok-1
        wxm.on_send["tok-1"] = dead_on_arrival
        wxm.busy = RetryPolicy().attempts - 1
        assert len(await client.questions.active()) == 1
    assert wxm.sent == ["tok-1", "tok-1", "tok-2", "tok-2", "tok-3", "tok-3", "tok-3", "tok-3"]
