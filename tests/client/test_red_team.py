"""An outside red team on ``WXMClient``: real WXM's answers, hostile servers, careless callers.

Each test proves a promise that an attack broke (and that the library now keeps) or
that an attack tried and the library held; the report lists which is which.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from wxm_async import (
    Answer,
    ConfigurationError,
    DecodeError,
    DeliveryPlan,
    Note,
    Question,
    QuestionSummary,
    RetryPolicy,
    WXMBearerAuth,
    WXMClient,
    from_wire,
    to_wire,
)

pytestmark = pytest.mark.anyio

FUTURE = datetime(2030, 1, 1, tzinfo=UTC)


def client_on(
    answer: Callable[[httpx.Request], httpx.Response], sent: list[httpx.Request]
) -> WXMClient:
    """A client with a static token on a mock WXM that records what it is sent."""

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answer(request)

    return WXMClient(
        auth=WXMBearerAuth("tok"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy.off(),
    )


def json_answer(body: Any) -> Callable[[httpx.Request], httpx.Response]:
    """A handler that answers every request with ``body`` as JSON."""
    return lambda request: httpx.Response(200, json=body)


# --- careless callers: a filter that is not a ResponseFilter -------------------------


def _filtered_calls(client: WXMClient, bad: Any) -> list[Any]:
    """Every call that takes a ResponseFilter, each given ``bad`` instead."""

    async def first(iterator: Any) -> None:
        async for _ in iterator:
            break

    return [
        lambda: client.responses.list(bad),
        lambda: client.responses.page(0, filter=bad),
        lambda: client.responses.count(bad),
        lambda: first(client.responses.iterate(bad)),
        lambda: client.analytics.summary(bad),
        lambda: client.analytics.nps(bad),
        lambda: first(client.delivery.merged_data(["t1"], filter=bad)),
    ]


@pytest.mark.parametrize("bad", ["CustomerSurvey", {"location": ["x"]}, 0, "", FUTURE, ["q"]])
async def test_a_filter_that_is_not_a_response_filter_is_refused_unsent(bad: Any) -> None:
    """A questionnaire name (or dict, date, ...) given as the filter is refused, not sent as the body."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer([]), sent) as client:
        for call in _filtered_calls(client, bad):
            with pytest.raises(ConfigurationError, match="ResponseFilter"):
                await call()
    assert sent == []


# --- careless callers: naive datetimes and wrong kinds in a body ---------------------


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the test in a local time zone 5 h 30 ahead of UTC, as on a laptop in India."""
    monkeypatch.setenv("TZ", "IST-5:30")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def test_a_naive_note_time_is_utc_whatever_the_local_zone(far_from_utc: None) -> None:
    """A naive ``note_time`` is sent as UTC (as WXM writes and the library reads them), not local time."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer(True), sent) as client:
        await client.responses.add_note("r1", "called back", note_time=datetime(2030, 1, 1, 9))
    assert json.loads(sent[0].content)["noteTime"] == "2030-01-01T09:00:00.000Z"


def test_to_wire_writes_a_naive_date_as_utc(far_from_utc: None) -> None:
    """``to_wire`` writes a naive date as UTC, so that ``from_wire`` reads back the same moment."""
    note = Note(text="x", note_time=datetime(2030, 1, 1, 9))
    assert to_wire(note)["noteTime"] == "2030-01-01T09:00:00.000Z"
    assert from_wire(to_wire(note), Note).note_time == datetime(2030, 1, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["2030-01-01T09:00:00Z", 1700000000, True])
async def test_a_note_time_that_is_not_a_datetime_is_refused_unsent(bad: Any) -> None:
    """``add_note(note_time=...)`` of another kind raises ConfigurationError (it raised AttributeError)."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer(True), sent) as client:
        with pytest.raises(ConfigurationError, match="note_time"):
            await client.responses.add_note("r1", "text", note_time=bad)
    assert sent == []


@pytest.mark.parametrize("bad", ["abc", 5, None, [{"questionId": "q"}]])
async def test_prefills_that_are_not_answers_are_refused_unsent(bad: Any) -> None:
    """A token's prefill that is not Answers raises ConfigurationError (it raised AttributeError/TypeError)."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer({}), sent) as client:
        with pytest.raises(ConfigurationError, match="Answer"):
            await client.survey_tokens.create(questionnaire="q", valid_till=FUTURE, prefill=bad)
        with pytest.raises(ConfigurationError, match="Answer"):
            await client.survey_tokens.bulk_for_dispatch(
                "d1", [bad], uuid_question_id="u", batch_question_id="b"
            )
        with pytest.raises(ConfigurationError, match="Answer"):
            await client.survey_tokens.bulk_for_dispatch(
                "d1", bad, uuid_question_id="u", batch_question_id="b"
            )
    assert sent == []


@pytest.mark.parametrize("bad", [5, None, 1.5])
async def test_update_many_of_something_not_iterable_is_a_configuration_error(bad: Any) -> None:
    """``update_many(5)`` raises ConfigurationError, not a bare TypeError, and sends nothing."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer(True), sent) as client:
        with pytest.raises(ConfigurationError, match="SurveyResponse"):
            await client.responses.update_many(bad)
    assert sent == []


@pytest.mark.parametrize("bad", [b"bytes", datetime(2030, 1, 1).date(), object()])
async def test_a_body_value_json_cannot_hold_is_a_configuration_error(bad: Any) -> None:
    """A value JSON has no form for (bytes, a date) raises ConfigurationError, not TypeError, unsent."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer({}), sent) as client:
        with pytest.raises(ConfigurationError, match="JSON"):
            await client.account.set_user_data("k", bad)
        with pytest.raises(ConfigurationError, match="JSON"):
            await client.responses.add("q", [Answer(question_id="a", number=1)], channel=bad)
    assert sent == []


# --- real WXM's numbers: as strings, for every number field ---------------------------


def test_a_decimal_number_sent_as_a_string_is_read_as_whole_numbers_are() -> None:
    """``"24"`` / ``"4.5"`` decode into float fields, as ``"12"`` already did into int fields."""
    plan = from_wire({"id": "p", "schedule": [{"delayByHours": "24"}]}, DeliveryPlan)
    assert plan.steps[0].delay_by_hours == 24.0
    summary = from_wire({"ratingTrend": {"2026-01-01T00:00:00": " 4.5 "}}, QuestionSummary)
    assert list(summary.rating_trend.values()) == [4.5]


@pytest.mark.parametrize("garbage", ["1_000", "\u0663", "12abc", "", "0x10", "1e3"])
def test_a_whole_number_string_that_is_not_ascii_digits_is_refused(garbage: str) -> None:
    """Only ASCII digits (with a sign) read as a whole number: Python's ``int()`` takes ``1_000`` and Arabic digits."""
    with pytest.raises(DecodeError, match="sequence"):
        from_wire({"id": "q", "sequence": garbage}, Question)


@pytest.mark.parametrize("garbage", ["1_0.5", "\u0663.5", "abc", "", "infinity", "nan"])
def test_a_decimal_number_string_that_is_not_a_number_is_refused(garbage: str) -> None:
    """A float field's string must be a plain decimal number (or Json.NET's ``NaN``/``Infinity``)."""
    with pytest.raises(DecodeError, match="delayByHours"):
        from_wire({"id": "p", "schedule": [{"delayByHours": garbage}]}, DeliveryPlan)
