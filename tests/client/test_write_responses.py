"""client.responses.add() and update_many(): writing responses with the account's credentials."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import attrs
import httpx
import pytest

from wxm_async import (
    Answer,
    BadRequestError,
    ConfigurationError,
    DecodeError,
    RetryPolicy,
    ServerError,
    SurveyResponse,
    WXMBearerAuth,
    WXMClient,
    WXMError,
)

pytestmark = pytest.mark.anyio


def mocked(answer: httpx.Response, seen: list[httpx.Request]) -> WXMClient:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    return WXMClient(
        auth=WXMBearerAuth("t0k"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy().without_waiting(),
    )


@pytest.mark.parametrize(
    ("answers", "options"),
    [
        ("text", {}),
        (Answer(question_id="q1"), {}),
        ([{"questionId": "q1"}], {}),
        ([Answer(question_id="q1")], {"response_date_time": "2026-01-01T00:00:00Z"}),
    ],
)
async def test_add_refuses_careless_arguments_before_sending(
    answers: Any, options: dict[str, Any]
) -> None:
    """A string, a lone Answer, dicts, or a date as text is a ConfigurationError."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(200, json={"id": "r"}), seen) as client:
        with pytest.raises(ConfigurationError):
            await client.responses.add("Q", answers, **options)
    assert seen == []


@pytest.mark.parametrize("answer", [b"null", b"true", b'"r-1"', b"{}", b"<html/>"])
async def test_add_refuses_an_answer_that_is_not_a_response(answer: bytes) -> None:
    """Null, a bool, a string or an object without id is a DecodeError."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(200, content=answer), seen) as client:
        with pytest.raises(DecodeError):
            await client.responses.add("Q", [Answer(question_id="q1", number=9)])


async def test_add_is_not_retried_after_a_server_error() -> None:
    """A 502 might have recorded it: one send."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(502), seen) as client:
        with pytest.raises(ServerError):
            await client.responses.add("Q", [Answer(question_id="q1", number=9)])
    assert len(seen) == 1


async def test_add_sends_wxm_s_names_and_a_naive_date_as_utc() -> None:
    """locationId, responses, surveyClient; a naive responseDateTime is UTC, not local."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(200, json={"id": "r-1"}), seen) as client:
        await client.responses.add(
            "Q",
            [Answer(question_id="q1", number=9)],
            response_date_time=datetime(2026, 1, 2, 3, 4, 5),
            channel="voice",
            duration=30,
        )
    assert json.loads(seen[0].content) == {
        "locationId": "Q",
        "responseDateTime": "2026-01-02T03:04:05.000Z",
        "responses": [{"questionId": "q1", "numberInput": 9}],
        "surveyClient": "voice",
        "responseDuration": 30,
    }


@pytest.mark.parametrize(
    "responses",
    [
        [{"id": "r-1"}],
        [SurveyResponse(id="")],
        [SurveyResponse(id="r-1"), SurveyResponse(id="r-1", archived=True)],
        "r-1",
    ],
)
async def test_update_many_refuses_careless_items_before_sending(responses: Any) -> None:
    """Dicts, an empty id, the same id twice (one would be lost) or a string."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(200, json=True), seen) as client:
        with pytest.raises(ConfigurationError):
            await client.responses.update_many(responses)
    assert seen == []


async def test_update_many_of_nothing_sends_nothing() -> None:
    """No responses: no call."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(200, json=True), seen) as client:
        await client.responses.update_many([])
    assert seen == []


@pytest.mark.parametrize("answer", [b"false", b"null", b'"ok"', b"{}"])
async def test_update_many_needs_wxm_s_true(answer: bytes) -> None:
    """false, null, a string or an object is not a confirmation: WXMError."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(200, content=answer), seen) as client:
        with pytest.raises(WXMError):
            await client.responses.update_many([SurveyResponse(id="r-1")])


async def test_update_many_sends_responses_by_id() -> None:
    """The body is ``{responseId: Answer}`` with WXM's names."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(200, json=True), seen) as client:
        await client.responses.update_many(
            iter([SurveyResponse(id="r-1", questionnaire="Q", archived=True)])
        )
    assert json.loads(seen[0].content) == {
        "r-1": {"id": "r-1", "locationId": "Q", "archived": True}
    }


async def test_add_and_update_on_the_fake(client: WXMClient) -> None:
    """The fake records an added response, finds it by id, and keeps an update of it."""
    when = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    added = await client.responses.add(
        "CustomerSurvey",
        [Answer(question_id="q1", number=9), Answer(question_id="q2", text="Quick")],
        response_date_time=when,
        channel="voice",
    )
    assert (added.questionnaire, added.response_date_time, added.channel) == (
        "CustomerSurvey",
        when,
        "voice",
    )
    assert await client.responses.get(added.id) == added
    seeded = (await client.responses.page(0, rows=1)).responses[0]
    await client.responses.update_many(
        [attrs.evolve(added, archived=True), attrs.evolve(seeded, channel="kiosk")]
    )
    assert (await client.responses.get(added.id)).archived is True
    assert (await client.responses.get(seeded.id)).channel == "kiosk"


async def test_the_fake_refuses_a_response_without_questionnaire(client: WXMClient) -> None:
    """An unknown id in an update answers false; an add without locationId is 400."""
    with pytest.raises(WXMError, match="answered false"):
        await client.responses.update_many([SurveyResponse(id="nope", questionnaire="Q")])
    with pytest.raises(BadRequestError):
        await client.responses.add("", [Answer(question_id="q1", number=1)])
