"""Models take WXM's answers as they come: nulls, missing and unknown fields, odd numbers and dates.

The shapes are those of WXM's public sources (docs/reference/fake-wxm.md lists them):
ASP.NET with Newtonsoft defaults sends ``null`` for anything unset, lists included.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from wxm_async import (
    DecodeError,
    DeliveryPlan,
    DeliveryTarget,
    Dispatch,
    NPSReport,
    Question,
    ResponseFilter,
    ResponsePage,
    Settings,
    SubUserPage,
    Summary,
    SurveyResponse,
    SurveyToken,
    from_wire,
    to_wire,
)
from wxm_async._converter import decode

# A response as WXM's Logic-App trigger sample has it: notes, openTicket, deviceId null.
NULLY_ANSWER: dict[str, Any] = {
    "id": "r-1",
    "user": None,
    "locationId": "Store visit",
    "responseDateTime": "2026-11-01T10:00:00",
    "responseDuration": 42.0,
    "surveyClient": None,
    "responses": [
        {"questionId": "nps", "questionText": None, "textInput": None, "numberInput": 9},
        None,
    ],
    "archived": None,
    "notes": None,
    "openTicket": None,
    "deviceId": None,
    "mashup": {"withArchived": False},
}


def test_null_lists_and_scalars_take_their_defaults() -> None:
    """A null list is an empty tuple, null for a scalar its default; null items are skipped."""
    response = decode(NULLY_ANSWER, SurveyResponse, what="an answer", request=None)
    assert response.notes == ()
    assert response.user is None
    assert response.channel is None
    assert response.device_id is None
    assert response.archived is False
    assert response.duration == 42
    assert [a.question_id for a in response.answers] == ["nps"]


def test_every_list_field_of_every_model_takes_null() -> None:
    """Question, token, plan, target, settings, summary and page lists may all be null."""
    question = decode(
        {"id": "q1", "multiSelect": None, "displayLocation": None, "questionTags": None,
         "displayLegend": None, "displayLocationByTag": None},
        Question, what="a question", request=None,
    )  # fmt: skip
    assert (question.options, question.questionnaires, question.tags) == ((), (), ())
    token = decode(
        {"id": "DM-1", "preFill": None, "campaign": None}, SurveyToken, what="t", request=None
    )
    assert token.prefill == ()
    plan = decode(
        {"id": "p", "schedule": None, "isLive": None}, DeliveryPlan, what="p", request=None
    )
    assert plan.steps == ()
    assert plan.is_live is False
    target = decode({"id": "e", "events": None}, DeliveryTarget, what="e", request=None)
    assert target.events == ()
    settings = decode(
        {"locationList": [{"name": "Main", "tags": None}]}, Settings, what="s", request=None
    )
    assert settings.locations[0].tags == ()
    summary = decode(
        {"summary": [{"askedQuestion": None, "response": None, "ratingTrend": None}],
         "netPromoter": None, "weightedScore": None, "responseCount": None},
        Summary, what="s", request=None,
    )  # fmt: skip
    assert summary.questions[0].counts == {}
    assert summary.response_count == 0
    page = decode({"responses": None, "currentPage": None}, ResponsePage, what="p", request=None)
    assert page == ResponsePage()
    users = decode({"users": None}, SubUserPage, what="u", request=None)
    assert users.users == ()
    assert users.total_pages is None


def test_a_bare_null_where_a_list_is_expected_is_an_empty_list() -> None:
    """POST /api/answers may answer null when nothing matches: that is no responses."""
    assert decode(None, list[SurveyResponse], what="the answers", request=None) == []


def test_missing_fields_take_defaults_and_unknown_fields_are_ignored() -> None:
    """Only the identity is needed; fields WXM adds later change nothing."""
    plan = decode({"id": "p", "routeEmailSMTP": {}, "x": [1]}, DeliveryPlan, what="p", request=None)
    assert plan == DeliveryPlan(id="p")


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2026-11-01T10:00:00", datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("2026-11-01T10:00:00.1Z", datetime(2026, 11, 1, 10, 0, 0, 100_000, tzinfo=UTC)),
        ("2026-11-01T10:00:00.1234567Z", datetime(2026, 11, 1, 10, 0, 0, 123_456, tzinfo=UTC)),
        ("2026-11-01T10:00:00.1234567", datetime(2026, 11, 1, 10, 0, 0, 123_456, tzinfo=UTC)),
        (
            "2026-11-01T15:30:00+05:30",
            datetime(2026, 11, 1, 15, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        ("0001-01-01T00:00:00", None),
        ("0001-01-01T00:00:00.0000000Z", None),
        ("0001-01-01T00:00:00+00:00", None),
    ],
)
def test_dates_as_wxm_writes_them(wire: str, expected: datetime | None) -> None:
    """Naive dates are UTC, 1-7 fractional digits and offsets read, .NET's MinValue is None."""
    dispatch = decode({"id": "d", "created": wire}, Dispatch, what="d", request=None)
    assert dispatch.created == expected
    if expected is not None:
        assert dispatch.created is not None
        assert dispatch.created.utcoffset() is not None


def test_numbers_cross_between_int_and_float() -> None:
    """An int where a float is expected, and a float where an int is (rounded), both read."""
    report = decode(
        {"totalResponses": 10.0, "netPromoter": {"netPromoters": 30.4, "promoters": 5}},
        NPSReport, what="nps", request=None,
    )  # fmt: skip
    assert report.total_responses == 10
    assert report.nps is not None
    assert report.nps.score == 30
    plan = decode(
        {"id": "p", "schedule": [{"delayByHours": 2}]}, DeliveryPlan, what="p", request=None
    )
    assert plan.steps[0].delay_by_hours == 2.0


def test_summary_reads_rating_trend_as_dates_to_numbers() -> None:
    """A ratingTrend is a map from date to number; weightedScore a whole number."""
    summary = decode(
        {"summary": [{"ratingTrend": {"2026-11-01T00:00:00": 8.5, "2026-11-02T00:00:00": 9}}],
         "weightedScore": 8},
        Summary, what="s", request=None,
    )  # fmt: skip
    assert summary.questions[0].rating_trend == {
        datetime(2026, 11, 1, tzinfo=UTC): 8.5,
        datetime(2026, 11, 2, tzinfo=UTC): 9.0,
    }
    assert summary.weighted_score == 8


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"locationId": "x"}, r"\$\.id"),  # the identity is missing
        ({"id": None}, r"\$\.id"),  # or null
        ({"id": "r", "responses": [{"numberInput": 1}]}, r"\$\.responses\[0\]\.questionId"),
        ({"id": "r", "notes": "Called back"}, r"expected a list, got a string @ \$\.notes"),
        ({"id": "r", "responses": {"questionId": "q"}}, r"expected a list, got an object"),
        ({"id": "r", "responseDateTime": "yesterday"}, r"\$\.responseDateTime"),
    ],
)
def test_a_missing_identity_or_a_wrong_shape_is_a_decode_error_with_its_path(
    data: dict[str, Any], path: str
) -> None:
    """No id, or a string or an object where a list belongs, is a DecodeError naming the path."""
    with pytest.raises(DecodeError, match=path):
        decode(data, SurveyResponse, what="an answer", request=None)


@pytest.mark.parametrize("data", [[], "r-1", 42, None, True])
def test_a_wrong_top_level_shape_is_a_decode_error(data: object) -> None:
    """An answer that is not an object where one is expected is a DecodeError at $."""
    with pytest.raises(DecodeError, match=r"expected an object, got .* @ \$"):
        decode(data, SurveyResponse, what="an answer", request=None)


def test_to_wire_gives_json_that_reads_back_equal() -> None:
    """to_wire writes WXM's keys, ISO dates and every field; from_wire reads it back equal."""
    response = decode(NULLY_ANSWER, SurveyResponse, what="an answer", request=None)
    wire = to_wire([response])
    text = json.dumps(wire)
    assert wire[0]["locationId"] == "Store visit"
    assert wire[0]["responseDateTime"] == "2026-11-01T10:00:00.000Z"
    assert wire[0]["notes"] == []
    assert wire[0]["deviceId"] is None
    assert from_wire(json.loads(text)[0], SurveyResponse) == response


def test_to_wire_keeps_microseconds_and_odd_years() -> None:
    """A date with microseconds keeps them; year 1 with an offset does not crash."""
    odd = timezone(timedelta(hours=5))
    dispatch = Dispatch(
        id="d",
        created=datetime(2026, 1, 1, 0, 0, 0, 123_456, tzinfo=UTC),
        updated=datetime(1, 1, 1, 1, tzinfo=odd),
    )
    wire = to_wire(dispatch)
    assert wire["created"] == "2026-01-01T00:00:00.123456Z"
    assert from_wire(wire, Dispatch).created == dispatch.created


def test_from_wire_refuses_what_does_not_fit() -> None:
    """from_wire raises DecodeError, with the path, for data that is not the model."""
    with pytest.raises(DecodeError, match=r"\$\.id"):
        from_wire({"name": "x"}, Dispatch)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-01", datetime(2026, 1, 1, tzinfo=UTC)),
        (date(2026, 1, 1), datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-01-01T09:00:00+05:30", datetime(2026, 1, 1, 3, 30, tzinfo=UTC)),
        ("2026-01-01T09:00:00Z", datetime(2026, 1, 1, 9, tzinfo=UTC)),
        (datetime(2026, 1, 1, 9, tzinfo=UTC), datetime(2026, 1, 1, 9, tzinfo=UTC)),
    ],
)
def test_response_filter_takes_iso_strings_dates_and_datetimes(
    value: object, expected: datetime
) -> None:
    """ResponseFilter(after="2026-01-01") works: strings, dates (midnight UTC) and datetimes."""
    assert ResponseFilter(after=value).after == expected  # type: ignore[arg-type]
    assert ResponseFilter(before=value).before == expected  # type: ignore[arg-type]


def test_response_filter_names_the_field_of_a_wrong_date() -> None:
    """A number is a TypeError, a bad string a ValueError, each naming the field; no zone is UTC."""
    with pytest.raises(TypeError, match=r"^after must be"):
        ResponseFilter(after=20260101)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^before must be"):
        ResponseFilter(before="next week")
    assert ResponseFilter(after="2026-01-01T09:00:00").after == datetime(2026, 1, 1, 9, tzinfo=UTC)
