"""The one converter reads WXM's shapes into the models and writes the filter WXM expects."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from wxm_async import (
    Answer,
    DecodeError,
    NPSReport,
    QuestionFilter,
    ResponseFilter,
    ResponsePage,
    Settings,
    Summary,
    SurveyResponse,
    SurveyToken,
)
from wxm_async._converter import decode, unstructure

ANSWER = {
    "id": "r-1",
    "user": "demo",
    "locationId": "Store visit",
    "responseDateTime": "2026-11-01T10:00:00.426Z",
    "responseDuration": 42,
    "surveyClient": "JS-Web",
    "responses": [
        {"questionId": "nps", "questionText": "Recommend us?", "textInput": None, "numberInput": 9},
        {"questionId": "comment", "textInput": "Great", "numberInput": 0},
    ],
    "archived": False,
    "notes": [
        {
            "user": "demo",
            "authorName": "Ann",
            "noteTime": "2026-11-02T08:00:00Z",
            "note": "Called back",
        }
    ],
    "openTicket": None,
    "deviceId": None,
    "somethingWXMAddsLater": {"nested": [1, 2]},
}


def test_a_response_reads_domain_names_from_wire_names() -> None:
    """Wire keys (camelCase) and WXM's own names (locationId, responses, surveyClient) become domain names."""
    response = decode(ANSWER, SurveyResponse, what="an answer", request=None)
    assert response.questionnaire == "Store visit"
    assert response.channel == "JS-Web"
    assert response.duration == 42
    assert response.response_date_time == datetime(2026, 11, 1, 10, 0, 0, 426000, tzinfo=UTC)
    assert [(a.question_id, a.number, a.text) for a in response.answers] == [
        ("nps", 9, None),
        ("comment", 0, "Great"),
    ]
    assert response.notes[0].text == "Called back"
    assert response.notes[0].author_name == "Ann"


def test_a_page_of_responses_decodes() -> None:
    """The paged answer {currentPage, responses, totalCount, totalPages} decodes."""
    page = decode(
        {"currentPage": 2, "responses": [ANSWER], "totalCount": 51, "totalPages": 3},
        ResponsePage,
        what="a page",
        request=None,
    )
    assert (page.page, page.total_count, page.total_pages, len(page.responses)) == (2, 51, 3, 1)


def test_nps_reads_the_odd_keys() -> None:
    """FlashNPS's questionID, passive and netPromoters map to clear names."""
    report = decode(
        {
            "totalResponses": 10,
            "netPromoter": {
                "questionID": "nps",
                "questionText": "Recommend us?",
                "promoters": 5,
                "passive": 3,
                "detractors": 2,
                "netPromoters": 30,
                "defaultIndex": False,
            },
        },
        NPSReport,
        what="FlashNPS",
        request=None,
    )
    assert report.total_responses == 10
    assert report.nps is not None
    assert (report.nps.question_id, report.nps.passives, report.nps.score) == ("nps", 3, 30)
    assert report.nps.default_index is False


def test_summary_and_settings_decode() -> None:
    """Summaries count options per question; settings list the questionnaires."""
    summary = decode(
        {
            "summary": [{"askedQuestion": {"id": "q1", "text": "Which?"}, "response": {"A": 2}}],
            "responseCount": 2,
            "weightedScore": 4,
            "netPromoter": None,
        },
        Summary,
        what="a summary",
        request=None,
    )
    assert summary.questions[0].question is not None
    assert summary.questions[0].counts == {"A": 2}
    settings = decode(
        {"user": "demo", "locationList": [{"name": "Main", "tags": ["x"]}], "timeZoneOffset": 330},
        Settings,
        what="settings",
        request=None,
    )
    assert settings.locations[0].name == "Main"
    assert settings.time_zone_offset == 330


def test_decode_errors_name_wire_paths() -> None:
    """A wrong type deep inside an answer is reported at its wire path."""
    bad = {**ANSWER, "responses": [{"questionId": "nps", "numberInput": "many"}]}
    with pytest.raises(DecodeError, match=r"\$\[0\]\.responses\[0\]\.numberInput"):
        decode([bad], list[SurveyResponse], what="the answers", request=None)
    with pytest.raises(DecodeError, match=r"expected int @ \$$"):
        decode("lots", int, what="the count", request=None)


def test_the_filter_is_written_as_wxm_reads_it() -> None:
    """ResponseFilter becomes FilterBy: WXM's keys, UTC ISO dates, unset fields left out."""
    ist = timezone(timedelta(hours=5, minutes=30))
    body = unstructure(
        ResponseFilter(
            questionnaires="Store visit",
            after=datetime(2026, 11, 1, 5, 30, tzinfo=ist),
            channel="email",
            questions=[
                QuestionFilter.greater_than("nps", 8),
                QuestionFilter.any_of("meal", "Lunch", "Dinner"),
            ],
        )
    )
    assert body == {
        "location": ["Store visit"],
        "afterdate": "2026-11-01T00:00:00.000Z",
        "channel": "email",
        "filterquestions": [
            {"questionId": "nps", "answerCheck": ["gt"], "number": 8},
            {"questionId": "meal", "answerCheck": ["Lunch", "Dinner"]},
        ],
    }
    assert unstructure(ResponseFilter()) == {}


def test_naive_datetimes_are_refused_in_filters() -> None:
    """A date without a time zone is ambiguous, so the filter refuses it."""
    with pytest.raises(ValueError, match="timezone-aware"):
        ResponseFilter(after=datetime(2026, 11, 1))


def test_a_survey_token_round_trips() -> None:
    """A token's location and preFill read as questionnaire and prefill, and write back."""
    wire = {
        "id": "DM-21988",
        "location": "Store visit",
        "validTill": "2026-12-01T00:00:00.000Z",
        "validUses": 1,
        "preFill": [{"questionId": "email", "textInput": "ann@example.com"}],
    }
    token = decode(wire, SurveyToken, what="a token", request=None)
    assert token.questionnaire == "Store visit"
    assert token.prefill[0].text == "ann@example.com"
    assert unstructure(token) == wire


def test_wxm_null_and_special_values_inside_maps_are_read() -> None:
    """A null list value is kept as empty; a MinValue date key is skipped; "NaN" is NaN."""
    summary = decode(
        {"summary": [{"ratingTrend": {"0001-01-01T00:00:00": 1, "2026-01-01": "NaN"}}]},
        Summary,
        what="a summary",
        request=None,
    )
    (trend,) = summary.questions[0].rating_trend.items()
    assert trend[0].year == 2026
    assert math.isnan(trend[1])
    tokens = decode(
        {"DM-1": None, "DM-2": [{"questionId": "q"}]},
        dict[str, tuple[Answer, ...]],
        what="the tokens",
        request=None,
    )
    assert tokens["DM-1"] == ()
    assert len(tokens["DM-2"]) == 1


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"archived": "no"}, "archived"),
        ({"with_notes": "False"}, "with_notes"),
        ({"channel": 5}, "channel"),
        ({"questionnaires": 5}, "string"),
        ({"questionnaires": [None]}, "string"),
        ({"questions": ["q1"]}, "QuestionFilter"),
    ],
)
def test_a_careless_filter_is_refused_naming_what_is_wrong(
    options: dict[str, object], field: str
) -> None:
    """Wrong types in a ResponseFilter raise TypeError when it is made, not when sent."""
    with pytest.raises(TypeError, match=field):
        ResponseFilter(**options)  # type: ignore[arg-type]


def test_a_naive_date_string_is_utc_as_wxm_writes_it() -> None:
    """after='2026-01-01T00:00:00' (WXM's own naive format) is midnight UTC."""
    assert ResponseFilter(after="2026-01-01T00:00:00").after == datetime(2026, 1, 1, tzinfo=UTC)


def test_a_null_score_is_no_score_not_zero() -> None:
    """A null netPromoters is score None (an NPS of 0 is a real score); null counts are 0."""
    report = decode(
        {"netPromoter": {"netPromoters": None, "promoters": None}},
        NPSReport,
        what="an NPS report",
        request=None,
    )
    assert report.nps is not None
    assert report.nps.score is None
    assert report.nps.promoters == 0
