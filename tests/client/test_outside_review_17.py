"""An outside review of issue 17's API: hostile servers, attackers and careless callers.

Each test here found a bug; the attacks that found none are listed in the review's report.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest

from wxm_async import (
    AnonymousAuth,
    Answer,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BasicAuthWarning,
    ConfigurationError,
    DecodeError,
    Note,
    RateLimitedError,
    RetryPolicy,
    SurveyResponse,
    WXMAuth,
    WXMBasicAuth,
    WXMBearerAuth,
    WXMClient,
)
from wxm_async.webhooks import parse_notification

from ..helpers import is_login, token_answer

pytestmark = pytest.mark.anyio

SECRET = "tok-SECRET"


def client_on(handle: httpx.MockTransport, *, retries: RetryPolicy | None = None) -> WXMClient:
    """A client with WXMAuth on a mock WXM, retrying as ``retries`` says (default: never)."""
    return WXMClient(
        auth=WXMAuth("demo", "pw"),
        base_url="https://wxm.test",
        transport=handle,
        retries=retries if retries is not None else RetryPolicy.off(),
    )


def _requests_in(error: APIStatusError) -> list[httpx.Request]:
    """Every request reachable from the error's response: history and next request."""
    assert error.response is not None
    found = [error.response.request]
    found += [old.request for old in error.response.history]
    if error.response.next_request is not None:
        found.append(error.response.next_request)
    return found


async def test_a_redirect_error_keeps_no_next_request_with_the_token() -> None:
    """A 302 on an account call: the error's response.next_request would carry the token."""

    def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer(SECRET))
        return httpx.Response(302, headers={"Location": "/api/elsewhere"})

    async with client_on(httpx.MockTransport(handle)) as client:
        with pytest.raises(APIStatusError) as caught:
            await client.account.profile()
    for request in _requests_in(caught.value):
        assert SECRET not in request.headers.get("Authorization", "")


async def test_an_error_after_a_replay_keeps_no_history_with_tokens() -> None:
    """A 401, a new login, then a 400: the error's response.history held both tokens."""
    logins = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal logins
        if is_login(request):
            logins += 1
            return httpx.Response(200, json=token_answer(f"{SECRET}-{logins}"))
        if request.headers["Authorization"] == f"Bearer {SECRET}-1":
            return httpx.Response(401)
        return httpx.Response(400, json={"message": "refused"})

    async with client_on(httpx.MockTransport(handle)) as client:
        with pytest.raises(APIStatusError) as caught:
            await client.responses.add("CustomerSurvey", [])
    assert logins == 2
    for request in _requests_in(caught.value):
        assert SECRET not in request.headers.get("Authorization", "")


@pytest.mark.parametrize(
    "answer", ["download/abc\r\nX-Evil: 1", "download/" + "a" * 2_000, "download/a\x00b"]
)
async def test_an_import_answered_with_an_unusable_code_is_a_decode_error(answer: str) -> None:
    """A download code with control characters or 2,000 long is WXM's garbage: DecodeError."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if is_login(request):
            return httpx.Response(200, json=token_answer(SECRET))
        return httpx.Response(200, json=answer)

    async with client_on(httpx.MockTransport(handle)) as client:
        with pytest.raises(DecodeError, match="not the path of a file to download"):
            await client.survey_tokens.import_csv(b"q3\nann@example.com\n", questionnaire="q")
    assert [request.url.path for request in seen if not is_login(request)] == [
        "/api/SurveyByToken/Import/30/1/q"
    ]


@pytest.mark.parametrize("failure", [502, 503, 504, httpx.ReadError("reset")])
async def test_update_many_is_not_sent_twice_after_it_was_sent(
    failure: int | httpx.TransportError,
) -> None:
    """update_many after a 5xx or a lost answer: raised, not resent (WXM may merge notes)."""
    updates = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal updates
        if is_login(request):
            return httpx.Response(200, json=token_answer(SECRET))
        updates += 1
        if isinstance(failure, int):
            return httpx.Response(failure)
        raise failure

    note = Note(text="called back")
    retrying = RetryPolicy().without_waiting()
    async with client_on(httpx.MockTransport(handle), retries=retrying) as client:
        with pytest.raises((APIStatusError, APIConnectionError)):
            await client.responses.update_many([SurveyResponse(id="r-1", notes=(note,))])
    assert updates == 1


async def test_the_client_s_repr_leaves_out_a_password_in_the_base_url() -> None:
    """WXMClient(base_url="https://user:pw@host") printed the password in its repr."""
    async with WXMClient(
        auth=AnonymousAuth(),
        base_url=f"https://survey:{SECRET}@wxm.test",
        transport=httpx.MockTransport(lambda request: httpx.Response(500)),
    ) as client:
        shown = repr(client)
    assert SECRET not in shown
    assert shown == "WXMClient(base_url='https://wxm.test')"


@pytest.mark.parametrize(
    "rule", [rb'"\ud800"', rb'"ok \udfff"', rb'"\ude00\ud83d"'], ids=["high", "low", "reversed"]
)
def test_a_notification_escaping_a_lone_surrogate_is_a_decode_error(rule: bytes) -> None:
    r"""'"\ud800"' is JSON, but no text: a receiver logging or storing it would crash."""
    body = b'{"notification": ' + rule + b', "answer": {"id": "r-1"}}'
    with pytest.raises(DecodeError, match="lone surrogate"):
        parse_notification(body)


def test_a_notification_escaping_a_surrogate_pair_is_taken() -> None:
    """An emoji escaped as a pair (as .NET escapes it) is one character, not refused."""
    body = b'{"notification": "\\ud83d\\ude00 fans", "answer": {"id": "r-1"}}'
    assert parse_notification(body).rule == "\N{GRINNING FACE} fans"


async def test_an_import_answered_429_says_how_long_wxm_asked_to_wait() -> None:
    """The upload (not retried) met a 429 with Retry-After: 30; the error said None."""

    def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer(SECRET))
        return httpx.Response(429, headers={"Retry-After": "30"})

    async with client_on(httpx.MockTransport(handle)) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.survey_tokens.import_csv(b"q3\nann@example.com\n", questionnaire="q")
    assert caught.value.retry_after == 30


@pytest.mark.parametrize(
    "token_id", ["../../account/logout", "..\\..\\account\\logout", "x/./y", "a\\...", "../"]
)
async def test_an_id_with_a_dot_segment_between_separators_is_refused(token_id: str) -> None:
    r"""'..\..\account\logout' was quoted (..%5C..): IIS decodes %5C and %2F, then climbs."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=token_answer(SECRET))

    async with client_on(httpx.MockTransport(handle)) as client:
        with pytest.raises(ConfigurationError, match="made only of dots between slashes"):
            await client.survey_tokens.get(token_id)
        with pytest.raises(ConfigurationError, match="made only of dots between slashes"):
            await client.surveys.get(token_id)
    assert seen == []


@pytest.mark.parametrize("number", [float("nan"), float("inf"), -float("inf")], ids=repr)
async def test_a_nan_or_infinite_number_is_refused_before_sending(number: float) -> None:
    """Python wrote NaN and Infinity into the body, which no JSON parser (WXM's) takes."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "r-1"})

    async with WXMClient(
        auth=AnonymousAuth(), base_url="https://wxm.test", transport=httpx.MockTransport(handle)
    ) as client:
        with pytest.raises(ConfigurationError, match="NaN or infinite"):
            await client.surveys.submit("DM-1", [Answer(question_id="q-nps", number=number)])  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="NaN or infinite"):
            await client.surveys.submit("DM-1", [], duration=number)  # type: ignore[arg-type]
    assert seen == []


def test_basic_auth_s_repr_leaves_out_a_two_factor_code() -> None:
    """WXMBasicAuth("user#123456", ...) showed the 2FA code in its repr; WXMAuth does not."""
    with pytest.warns(BasicAuthWarning):
        auth = WXMBasicAuth("acme-admin#123456", "pw")
    assert repr(auth) == "WXMBasicAuth(username='acme-admin')"


async def test_anonymous_auth_s_refusal_carries_no_cookie() -> None:
    """AnonymousAuth's ConfigurationError carried the request as built, cookies and all."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    http = httpx.AsyncClient(
        auth=AnonymousAuth(),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        cookies={"session": SECRET},
    )
    async with http, WXMClient(http_client=http) as client:
        with pytest.raises(ConfigurationError, match="needs the account's credentials") as caught:
            await client.account.profile()
    assert caught.value.request is not None
    assert "cookie" not in caught.value.request.headers
    assert seen == []


def _refusing_connections(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize("kind", ["bearer", "basic"])
async def test_a_static_auth_s_secret_is_not_chained_under_a_connection_error(kind: str) -> None:
    """The ConnectError chained (__cause__) carried the request with its Authorization."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BasicAuthWarning)
        auth = WXMBearerAuth(SECRET) if kind == "bearer" else WXMBasicAuth("acme", SECRET)
    client = WXMClient(
        auth=auth,
        base_url="https://wxm.test",
        transport=httpx.MockTransport(_refusing_connections),
        retries=RetryPolicy.off(),
    )
    async with client:
        with pytest.raises(APIConnectionError) as caught:
            await client.account.profile()
    cause = caught.value.__cause__
    assert isinstance(cause, httpx.ConnectError)
    assert "authorization" not in cause.request.headers


class _Trickle(httpx.AsyncByteStream):
    """A body that never ends: one byte, then a wait on an event nobody sets."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{"
        await anyio.Event().wait()


async def test_a_body_past_its_read_budget_chains_no_token() -> None:
    """The ReadTimeout the library raises for a trickling body carried the token as sent."""

    def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer(SECRET))
        return httpx.Response(200, stream=_Trickle())

    async with WXMClient(
        auth=WXMAuth("demo", "pw"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy.off(),
        timeout=httpx.Timeout(5.0, read=0.01),
    ) as client:
        with pytest.raises(APITimeoutError) as caught:
            await client.account.profile()
    cause = caught.value.__cause__
    assert isinstance(cause, httpx.ReadTimeout)
    assert "authorization" not in cause.request.headers
