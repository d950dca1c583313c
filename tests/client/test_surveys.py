"""client.surveys: anonymous survey calls, against the fake WXM and hostile transports."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from wxm_async import (
    AnonymousAuth,
    Answer,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    RetryPolicy,
    ServerError,
    Survey,
    WXMAuth,
    WXMBearerAuth,
    WXMClient,
    WXMError,
)
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME

pytestmark = pytest.mark.anyio


class Recording(httpx.AsyncBaseTransport):
    """Passes requests on to ``inner``, keeping each one as it left the client."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


async def new_token(fake: FakeWXM, **options: Any) -> str:
    """A survey token of CustomerSurvey, made through the account (one login)."""
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD), base_url=IN_PROCESS_URL, transport=fake.transport()
    ) as admin:
        token = await admin.survey_tokens.create(
            questionnaire="CustomerSurvey",
            valid_till=datetime.now(UTC) + timedelta(days=1),
            prefill=[Answer(question_id="q3", text="ann@example.com")],
            **options,
        )
    return token.id


@pytest.fixture
def recording(fake: FakeWXM) -> Recording:
    return Recording(fake.transport())


@pytest.fixture
async def anonymous(recording: Recording) -> AsyncIterator[WXMClient]:
    """A client without credentials, on the fake, retrying without waits."""
    async with WXMClient(
        auth=AnonymousAuth(),
        base_url=IN_PROCESS_URL,
        transport=recording,
        retries=RetryPolicy().without_waiting(),
    ) as client:
        yield client


async def test_a_token_s_survey_has_its_questions_prefill_and_partial_id(
    fake: FakeWXM, anonymous: WXMClient
) -> None:
    """get() returns the questionnaire's live questions, the prefill and a partial id."""
    token = await new_token(fake)
    survey = await anonymous.surveys.get(token)
    assert isinstance(survey, Survey)
    assert [q.id for q in survey.questions] == ["q1", "q2", "q3", "q4"]  # q6 is retired
    assert [(a.question_id, a.text) for a in survey.prefill] == [("q3", "ann@example.com")]
    assert survey.partial_response_id in fake.surveys.partials
    assert survey.color_code1 == "#838383"
    assert survey.logo_url is None  # null on the wire


async def test_survey_calls_send_no_credentials_and_cause_no_login(
    fake: FakeWXM, recording: Recording
) -> None:
    """A client with WXMAuth sends survey calls without Authorization and never logs in."""
    token = await new_token(fake)
    logins = fake.logins
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD), base_url=IN_PROCESS_URL, transport=recording
    ) as client:
        survey = await client.surveys.get(token, device_id="phone-1")
        await client.surveys.submit(token, [Answer(question_id="q1", number=9)])
        await client.surveys.save_partial(survey.partial_response_id, [], complete=True)
    assert fake.logins == logins
    assert len(recording.requests) == 3
    assert not [r for r in recording.requests if "authorization" in r.headers]


async def test_credentials_in_the_base_url_and_cookies_are_not_sent(
    fake: FakeWXM, recording: Recording
) -> None:
    """Neither the base URL's user:password (httpx's Basic) nor the client's cookies go out."""
    token = await new_token(fake)
    http = httpx.AsyncClient(
        base_url="https://demo:demo-password@wxm.test",
        transport=recording,
        auth=WXMBearerAuth("account-token"),
        cookies={"session": "account-session"},
        headers={"Authorization": "Bearer default-header"},
    )
    async with http, WXMClient(http_client=http) as client:
        await client.surveys.get(token)
    (request,) = recording.requests
    assert "authorization" not in request.headers
    assert "cookie" not in request.headers


async def test_a_client_without_credentials_refuses_account_calls_before_sending(
    anonymous: WXMClient, recording: Recording
) -> None:
    """AnonymousAuth: an account call raises ConfigurationError and nothing is sent."""
    with pytest.raises(ConfigurationError, match="AnonymousAuth") as caught:
        await anonymous.questions.active()
    assert "/api/Questions/Active" in str(caught.value)
    assert recording.requests == []


async def test_submit_records_the_response_and_uses_up_the_token(
    fake: FakeWXM, anonymous: WXMClient
) -> None:
    """submit() sends the answers; a one-use token is then refused with a 400."""
    token = await new_token(fake, valid_uses=1)
    when = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    response = await anonymous.surveys.submit(
        token,
        [Answer(question_id="q1", number=9), Answer(question_id="q2", text="Fast")],
        response_date_time=when,
        channel="JS-Web",
        duration=42,
    )
    assert response.questionnaire == "CustomerSurvey"
    assert response.response_date_time == when
    assert [(a.question_id, a.text, a.number) for a in response.answers] == [
        ("q1", None, 9),
        ("q2", "Fast", 0),  # .NET's numberInput is an int: 0 when unset
    ]
    assert (response.channel, response.duration, response.notes) == ("JS-Web", 42, ())
    (recorded,) = fake.surveys.submitted
    assert recorded["surveyClient"] == "JS-Web"
    with pytest.raises(BadRequestError):
        await anonymous.surveys.submit(token, [Answer(question_id="q1", number=1)])
    with pytest.raises(BadRequestError):
        await anonymous.surveys.get(token)


async def test_a_submission_is_not_sent_twice_on_a_server_error(
    fake: FakeWXM, anonymous: WXMClient, recording: Recording
) -> None:
    """A 503 to submit() is raised, not retried: WXM might have recorded the response."""
    token = await new_token(fake)
    fake.fail_next(route="POST /api/SurveyByToken/{token}", status=503)
    with pytest.raises(ServerError):
        await anonymous.surveys.submit(token, [Answer(question_id="q1", number=9)])
    assert len(recording.requests) == 1


async def test_save_partial_puts_complete_channel_and_device_in_the_path(
    fake: FakeWXM, anonymous: WXMClient, recording: Recording
) -> None:
    """save_partial() sends [Response] to /PartialSurvey/{id}/{complete}/{channel}/{device}."""
    token = await new_token(fake)
    survey = await anonymous.surveys.get(token)
    assert survey.partial_response_id is not None
    await anonymous.surveys.save_partial(
        survey.partial_response_id,
        [Answer(question_id="q1", number=7)],
        complete=True,
        channel="InApp-Droid",
        device_id="dev 1",
    )
    saved = fake.surveys.partials[survey.partial_response_id]
    assert saved["complete"] is True
    assert (saved["channel"], saved["deviceId"]) == ("InApp-Droid", "dev 1")
    assert saved["responses"][0]["numberInput"] == 7
    path = recording.requests[-1].url.raw_path.decode()
    assert path.endswith("/true/InApp-Droid/dev%201")
    assert json.loads(recording.requests[-1].content) == [{"questionId": "q1", "numberInput": 7}]


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"partial_response_id": None}, "partialResponseId"),
        ({"device_id": "d"}, "needs channel"),
        ({"partial_response_id": ".."}, "dots"),
        ({"channel": "x\n"}, r"U\+000A"),
        ({"answers": Answer(question_id="q1")}, "list of Answer"),
        ({"answers": [{"questionId": "q1"}]}, "list of Answer"),
    ],
)
async def test_save_partial_refuses_bad_arguments_before_sending(
    anonymous: WXMClient, recording: Recording, arguments: dict[str, Any], problem: str
) -> None:
    """A missing partial id, a device without channel, a hostile id or bad answers raise."""
    call: dict[str, Any] = {"partial_response_id": "p1", "answers": [], **arguments}
    with pytest.raises(ConfigurationError, match=problem):
        await anonymous.surveys.save_partial(**call)
    assert recording.requests == []


@pytest.mark.parametrize("token", ["..", ".", "x" * 1001, "a\x00b", ""])
async def test_hostile_tokens_are_refused_before_sending(
    anonymous: WXMClient, recording: Recording, token: str
) -> None:
    """Dot-only, over-long, empty or control-character tokens never reach a path."""
    with pytest.raises(ConfigurationError):
        await anonymous.surveys.get(token)
    with pytest.raises(ConfigurationError):
        await anonymous.surveys.submit(token, [])
    assert recording.requests == []


async def test_a_token_with_a_slash_stays_one_segment(
    anonymous: WXMClient, recording: Recording
) -> None:
    """A token holding '/' is quoted into one segment: the fake knows no such token (404)."""
    with pytest.raises(NotFoundError):
        await anonymous.surveys.get("DM-404/questions")
    assert recording.requests[0].url.raw_path == b"/api/SurveyByToken/DM-404%2Fquestions"


async def test_a_survey_of_nulls_and_unknown_fields_decodes_to_defaults() -> None:
    """A survey whose every field is null, with fields we do not know, takes the defaults."""
    body = {
        "questions": None,
        "preFill": None,
        "partialResponseId": None,
        "skipWelcome": None,
        "classicCaptcha": None,
        "translated": {"fr": {"welcomeText": "Bonjour"}},
        "somethingNew": [1, 2],
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    async with WXMClient(auth=AnonymousAuth(), transport=transport) as client:
        assert await client.surveys.get("DM-1") == Survey()


async def test_the_fake_answers_a_survey_with_wxm_s_nulls(fake: FakeWXM) -> None:
    """No prefill is null, unset branding and empty option lists are null; tidy gives []."""
    token = await new_token(fake)
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD), base_url=IN_PROCESS_URL, transport=fake.transport()
    ) as admin:
        bare = (
            await admin.survey_tokens.create(
                questionnaire="SupportFeedback", valid_till=datetime.now(UTC) + timedelta(days=1)
            )
        ).id
    async with httpx.AsyncClient(base_url=IN_PROCESS_URL, transport=fake.transport()) as http:
        quirky = (await http.get(f"/api/SurveyByToken/{bare}")).json()
        prefilled = (await http.get(f"/api/SurveyByToken/{token}")).json()
    assert quirky["preFill"] is None
    assert quirky["logoURL"] is None
    assert quirky["translated"] is None
    assert {q["multiSelect"] for q in quirky["questions"] if q["id"] == "q1"} == {None}
    assert prefilled["preFill"][0]["questionId"] == "q3"
    tidy = FakeWXM(tidy=True)
    tidy_token = await new_token(tidy)
    async with httpx.AsyncClient(base_url=IN_PROCESS_URL, transport=tidy.transport()) as http:
        tidy_survey = (await http.get(f"/api/SurveyByToken/{tidy_token}")).json()
    assert tidy_survey["questions"][0]["multiSelect"] == []


async def test_the_fake_keeps_only_the_latest_partials(
    fake: FakeWXM, anonymous: WXMClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every survey shown opens a partial response; the fake keeps the latest MAX_KEPT."""
    from wxm_async.testing import _routes_surveys

    monkeypatch.setattr(_routes_surveys, "MAX_KEPT", 2)
    token = await new_token(fake)
    shown = [(await anonymous.surveys.get(token)).partial_response_id for _ in range(3)]
    assert list(fake.surveys.partials) == shown[1:]


async def test_a_naive_response_date_time_is_sent_as_utc(
    fake: FakeWXM,
    anonymous: WXMClient,
    recording: Recording,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A naive response_date_time is UTC, whatever the machine's local time zone."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        token = await new_token(fake)
        await anonymous.surveys.submit(token, [], response_date_time=datetime(2026, 11, 1, 10))
    finally:
        monkeypatch.undo()
        time.tzset()
    sent = json.loads(recording.requests[-1].content)
    assert sent["responseDateTime"] == "2026-11-01T10:00:00.000Z"


async def test_an_anonymous_call_follows_no_redirect_and_so_sends_no_cookie() -> None:
    """A 302 on a survey call: not followed (httpx would put the client's cookies back)."""
    seen: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"Location": "/api/SurveyByToken/elsewhere"})

    http = httpx.AsyncClient(
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        auth=WXMAuth("u", "p"),
        cookies={"ASP.NET_SessionId": "account-session"},
        follow_redirects=True,
    )
    async with http, WXMClient(http_client=http, retries=RetryPolicy.off()) as client:
        with pytest.raises(WXMError):
            await client.surveys.get("R1")
    assert len(seen) == 1
    assert "cookie" not in seen[0].headers
    assert "authorization" not in seen[0].headers


async def test_a_response_date_time_that_is_not_a_datetime_is_refused(fake: FakeWXM) -> None:
    """submit(response_date_time="2020-01-01"): ConfigurationError before anything is sent."""
    async with WXMClient(
        auth=AnonymousAuth(), base_url=IN_PROCESS_URL, transport=fake.transport()
    ) as client:
        with pytest.raises(ConfigurationError, match="response_date_time"):
            await client.surveys.submit("t", [], response_date_time="2020-01-01")  # type: ignore[arg-type]


async def test_an_error_url_carries_no_user_info() -> None:
    """A base URL with user:password: the error's request URL leaves them out."""
    transport = httpx.MockTransport(lambda r: httpx.Response(404, json={}))
    async with WXMClient(
        auth=AnonymousAuth(), base_url="https://u:s3cret@wxm.test", transport=transport
    ) as client:
        with pytest.raises(WXMError) as caught:
            await client.surveys.get("R1")
    assert caught.value.request is not None
    assert "s3cret" not in str(caught.value.request.url)
