"""The fake WXM's resource routes answer in WXM's shapes, from seeded data."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest

from wxm_async import WXMAuth
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME, Server

pytestmark = pytest.mark.anyio

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ANSWER_KEYS = {
    "id",
    "user",
    "locationId",
    "responseDateTime",
    "responseDuration",
    "surveyClient",
    "responses",
    "archived",
    "notes",
    "openTicket",
    "deviceId",
}


@pytest.fixture
def fake() -> FakeWXM:
    """The tidy fake: these tests check its records and logic (quirks: test_fake_quirks.py)."""
    return FakeWXM(tidy=True)


@pytest.fixture
async def http(server: Server, auth: WXMAuth) -> AsyncIterator[httpx.AsyncClient]:
    async with server.client(auth) as client:
        yield client


def client_of(fake: FakeWXM) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=fake.transport(), base_url=IN_PROCESS_URL, auth=WXMAuth(USERNAME, PASSWORD)
    )


SEEDED = 120  # the fake's default number of responses
LIVE = 114  # of which not archived (one in 20): what a filter without "archived" keeps
ALL = {"mashup": {"withArchived": True}}  # archived responses too


async def everything(http: httpx.AsyncClient, **where: Any) -> list[dict[str, Any]]:
    """POST /api/answers with ``where`` as the FilterBy."""
    response = await http.post("/api/answers", json=where)
    assert response.status_code == 200
    answers: list[dict[str, Any]] = response.json()
    return answers


# -- questions ------------------------------------------------------------------------


async def test_questions_active_all_and_by_questionnaire(http: httpx.AsyncClient) -> None:
    """Active leaves the retired question out, /questions has it, Questionnaire filters."""
    active = (await http.get("/api/Questions/Active")).json()
    every = (await http.get("/api/questions")).json()
    assert [q["id"] for q in active] == ["q1", "q2", "q3", "q4", "q5"]
    assert [q["id"] for q in every] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert every[5]["isRetired"] is True
    nps = active[0]
    assert (nps["displayType"], nps["questionTags"]) == ("Scale", ["NPS"])
    assert {"id", "user", "setName", "sequence", "text", "displayType", "multiSelect"} <= set(nps)
    assert {"displayLocation", "isRequired", "isRetired", "questionTags", "note"} <= set(nps)
    assert ISO_MS.match(nps["lastUpdate"])
    support = await http.post("/api/Questions/Questionnaire", json={"name": "SupportFeedback"})
    assert [q["id"] for q in support.json()] == ["q1", "q2", "q3", "q5"]
    unknown = await http.post("/api/Questions/Questionnaire", json={"name": "Nope"})
    assert (unknown.status_code, unknown.json()) == (200, [])
    assert (await http.post("/api/Questions/Questionnaire", json={"name": 3})).status_code == 400


async def test_all_survey_questionnaires(http: httpx.AsyncClient) -> None:
    """AllSurveyQuestionnaires lists {isNameImmutable, name, displayName, hashPIIBy}."""
    listed = (await http.get("/api/AllSurveyQuestionnaires")).json()
    assert [q["name"] for q in listed] == ["CustomerSurvey", "SupportFeedback"]
    assert set(listed[0]) == {"isNameImmutable", "name", "displayName", "hashPIIBy"}


# -- responses ------------------------------------------------------------------------


async def test_an_answer_has_wxms_shape(http: httpx.AsyncClient) -> None:
    """Answers carry every documented key, ISO dates with milliseconds, typed responses."""
    answers = await everything(http, **ALL)
    assert len(answers) == SEEDED
    for answer in answers:
        assert set(answer) == ANSWER_KEYS
        assert ISO_MS.match(answer["responseDateTime"])
        assert isinstance(answer["responseDuration"], int)
        assert answer["openTicket"] is None
        for response in answer["responses"]:
            assert set(response) == {"questionId", "questionText", "textInput", "numberInput"}
            assert isinstance(response["numberInput"], int)
            assert response["textInput"] is None or isinstance(response["textInput"], str)
    assert [a["responseDateTime"] for a in answers] == sorted(
        a["responseDateTime"] for a in answers
    )


async def test_the_seed_decides_the_data() -> None:
    """Same seed, same answers and sub-users; another seed, others."""
    users = "/api/account/getsubusers"
    async with client_of(FakeWXM(seed=7)) as a, client_of(FakeWXM(seed=7)) as b:
        seven = await everything(a)
        assert seven == await everything(b)
        assert (await a.get(users)).json() == (await b.get(users)).json()
    async with client_of(FakeWXM(seed=8)) as c:
        assert await everything(c) != seven


async def test_pages_count_and_totals(http: httpx.AsyncClient) -> None:
    """Pages start at 0, carry the real totals, and a page past the end is empty."""
    every = await everything(http)
    first = (await http.post("/api/answers/page/0/50", json={})).json()
    assert set(first) == {"currentPage", "responses", "totalCount", "totalPages"}
    assert (first["currentPage"], first["totalCount"], first["totalPages"]) == (0, LIVE, 3)
    assert first["responses"] == every[:50]
    last = (await http.post("/api/answers/page/2/50", json={})).json()
    assert last["responses"] == every[100:]
    past = (await http.post("/api/answers/page/9/50", json={})).json()
    assert (past["responses"], past["totalCount"], past["totalPages"]) == ([], LIVE, 3)
    count = await http.post("/api/answers/count", json={})
    assert (count.status_code, count.text) == (200, str(LIVE))


@pytest.mark.parametrize(
    "path",
    [
        "/api/answers/page/0/0",
        "/api/answers/page/0/1001",
        "/api/answers/page/-1/5",
        "/api/answers/page/x/5",
        "/api/answers/page/0/y",
    ],
)
async def test_bad_page_arguments_are_400(wxm_http: httpx.AsyncClient, path: str) -> None:
    """Out-of-range rows (1..max_page_size), a page below the base or not a number: 400."""
    response = await wxm_http.post(path, json={})
    assert response.status_code == 400
    assert response.json()["message"].startswith("The request is invalid.")


async def test_page_base_and_max_page_size_are_configurable() -> None:
    """FakeWXM(page_base=1, max_page_size=10): page 1 is the first; 11 rows is a 400."""
    async with client_of(FakeWXM(page_base=1, max_page_size=10)) as http:
        every = await everything(http)
        first = (await http.post("/api/answers/page/1/10", json={})).json()
        assert (first["currentPage"], first["responses"]) == (1, every[:10])
        assert (await http.post("/api/answers/page/0/10", json={})).status_code == 400
        assert (await http.post("/api/answers/page/1/11", json={})).status_code == 400


async def test_a_page_of_many_responses_is_made_on_demand() -> None:
    """Ten million responses: a dated page is served without making them all."""
    async with client_of(FakeWXM(responses=10_000_000)) as http:
        with anyio.fail_after(30):  # materialising ten million answers would take minutes
            page = await http.post(
                "/api/answers/page/3/100",
                json={"afterdate": "2200-01-01T00:00:00Z", "beforedate": "2200-02-01T00:00:00Z"},
            )
            count = await http.post("/api/answers/count", json=ALL)
            live = await http.post("/api/answers/count", json={})
    body = page.json()
    assert count.json() == 10_000_000
    assert live.json() == 9_500_000  # one in 20 is archived
    assert body["totalCount"] == 31 * 24 * 4 * 19 // 20  # one per quarter-hour, 1 in 20 archived
    assert len(body["responses"]) == 100
    assert body["responses"][0]["responseDateTime"].startswith("2200-01-04")


async def test_date_filters_are_inclusive_after_and_exclusive_before(
    http: httpx.AsyncClient,
) -> None:
    """An afterdate keeps an answer given at that instant; a beforedate drops it."""
    every = await everything(http)
    moment = every[10]["responseDateTime"]
    after = await everything(http, afterdate=moment)
    before = await everything(http, beforedate=moment)
    assert after == every[10:]
    assert before == every[:10]


async def test_location_channel_and_archived_filters(http: httpx.AsyncClient) -> None:
    """location, channel and archived keep only the answers that match them."""
    every = await everything(http)
    support = await everything(http, location=["SupportFeedback"])
    assert support == [a for a in every if a["locationId"] == "SupportFeedback"]
    assert 0 < len(support) < len(every)
    email = await everything(http, channel="email")
    assert email == [a for a in every if a["surveyClient"] == "email"]
    assert email
    assert not any(a["archived"] for a in every)  # WXM's default: live responses only
    with_archived = await everything(http, **ALL)
    archived = await everything(http, archived=True)
    assert archived == [a for a in with_archived if a["archived"]]
    assert len(archived) == SEEDED - LIVE
    assert [a for a in with_archived if not a["archived"]] == every


def number(answer: dict[str, Any], question: str) -> int | None:
    for response in answer["responses"]:
        if response["questionId"] == question:
            return int(response["numberInput"])
    return None


def text(answer: dict[str, Any], question: str) -> str | None:
    for response in answer["responses"]:
        if response["questionId"] == question:
            return response["textInput"]  # type: ignore[no-any-return]
    return None


async def test_question_filters(http: httpx.AsyncClient) -> None:
    """filterquestions: gt/lt/eq on numbers, option texts on text, AND by default, OR on request."""
    every = await everything(http)
    promoters = await everything(
        http, filterquestions=[{"questionId": "q1", "answerCheck": ["gt"], "number": 8}]
    )
    assert promoters == [a for a in every if (number(a, "q1") or 0) > 8]
    lunch_or_dinner = await everything(
        http, filterquestions=[{"questionId": "q4", "answerCheck": ["Lunch,Dinner"]}]
    )
    assert lunch_or_dinner == [a for a in every if text(a, "q4") in ("Lunch", "Dinner")]
    both: list[dict[str, Any]] = [
        {"questionId": "q1", "answerCheck": ["eq"], "number": 10},
        {"questionId": "q4", "answerCheck": ["Lunch"]},
    ]
    anded = await everything(http, filterquestions=both)
    assert anded == [a for a in every if number(a, "q1") == 10 and text(a, "q4") == "Lunch"]
    ored = await everything(http, filterquestions=[{**c, "groupBy": "OR"} for c in both])
    assert ored == [a for a in every if number(a, "q1") == 10 or text(a, "q4") == "Lunch"]
    assert len(ored) > len(anded)


@pytest.mark.parametrize(
    "where",
    [
        {"location": "CustomerSurvey"},
        {"afterdate": 5},
        {"beforedate": "yesterday"},
        {"archived": "no"},
        {"filterquestions": [{"answerCheck": ["gt"]}]},
        {"filterquestions": [{"questionId": "q1", "number": "8"}]},
        {"withNotes": 1},
    ],
)
async def test_wrong_filter_types_are_400(
    wxm_http: httpx.AsyncClient, where: dict[str, Any]
) -> None:
    """A FilterBy key of the wrong type gets 400, never a 500."""
    for path in ("/api/answers", "/api/answers/count", "/api/answers/page/0/10", "/api/summary"):
        response = await wxm_http.post(path, json=where)
        assert response.status_code == 400, path


async def test_unknown_filter_keys_and_an_empty_body_match_everything(
    http: httpx.AsyncClient,
) -> None:
    """Unknown keys are ignored; no body, or {}, is every answer; keys bind ignoring case."""
    assert (await http.post("/api/answers/count", json={"mood": "happy"})).json() == LIVE
    assert (await http.post("/api/answers/count")).json() == LIVE
    cased = await http.post("/api/answers/count", json={"Location": ["SupportFeedback"]})
    plain = await http.post("/api/answers/count", json={"location": ["SupportFeedback"]})
    assert cased.json() == plain.json() < LIVE


async def test_one_answer_by_id(http: httpx.AsyncClient) -> None:
    """GET /api/answer/{id} is the same answer as in the list; an unknown id is 404."""
    every = await everything(http)
    one = await http.get(f"/api/answer/{every[3]['id']}")
    assert one.json() == every[3]
    missing = await http.get("/api/answer/000000000000000000000000")
    assert missing.status_code == 404
    assert "message" in missing.json()


async def test_notes_are_added_and_filtered(http: httpx.AsyncClient) -> None:
    """A note answers bare true, shows in the answer's notes, and withNotes finds it."""
    answer_id = (await everything(http))[5]["id"]
    added = await http.post(
        f"/api/Answers/Note/{answer_id}",
        json={"note": "Called back", "noteTime": "2026-11-01T10:00:00.000Z"},
    )
    assert (added.status_code, added.text) == (200, "true")
    notes = (await http.get(f"/api/answer/{answer_id}")).json()["notes"]
    assert notes == [
        {
            "user": USERNAME,
            "authorName": USERNAME,
            "noteTime": "2026-11-01T10:00:00.000Z",
            "note": "Called back",
        }
    ]
    assert [a["id"] for a in await everything(http, withNotes=True)] == [answer_id]
    # withNotes false filters nothing: WXM's own client always sends it.
    assert (await http.post("/api/answers/count", json={"withNotes": False})).json() == LIVE
    assert (await http.post(f"/api/Answers/Note/{answer_id}", json={"note": 5})).status_code == 400
    unknown = await http.post("/api/Answers/Note/nope", json={"note": "x"})
    assert unknown.status_code == 404


# -- survey tokens ---------------------------------------------------------------------


async def test_survey_tokens_create_list_get_delete(http: httpx.AsyncClient) -> None:
    """A token gets a DM- id; it is listed and read back; delete answers true, then 404."""
    created = await http.post(
        "/api/surveytoken",
        json={
            "location": "CustomerSurvey",
            "validTill": "2026-12-01T00:00:00Z",
            "validUses": 1,
            "preFill": [{"questionId": "q3", "textInput": "ann@example.com"}],
            "note": "ann",
            "preferredLanguage": "en",
        },
    )
    token = created.json()
    assert (created.status_code, token["id"], token["user"]) == (200, "DM-10001", USERNAME)
    assert token["validTill"] == "2026-12-01T00:00:00.000Z"
    assert token["preFill"][0]["textInput"] == "ann@example.com"
    second = (await http.post("/api/surveytoken", json={"location": "SupportFeedback"})).json()
    assert second["id"] == "DM-10002"
    assert (await http.get("/api/surveytoken")).json() == [token, second]
    assert (await http.get("/api/SurveyToken/Id/DM-10001")).json() == token
    deleted = await http.get("/api/surveytoken/delete/DM-10001")
    assert (deleted.status_code, deleted.text) == (200, "true")
    assert (await http.get("/api/SurveyToken/Id/DM-10001")).status_code == 404
    assert (await http.get("/api/surveytoken/delete/DM-10001")).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"location": 5},
        {"location": "X", "validUses": "1"},
        {"location": "X", "validTill": "soon"},
        {"location": "X", "preFill": [{"textInput": "no id"}]},
    ],
)
async def test_bad_survey_tokens_are_400(wxm_http: httpx.AsyncClient, body: dict[str, Any]) -> None:
    """A token without a location, or with fields of the wrong type, is a 400."""
    assert (await wxm_http.post("/api/surveytoken", json=body)).status_code == 400


async def test_bulk_tokens_for_a_dispatch(http: httpx.AsyncClient) -> None:
    """Import/Dispatch makes one token per prefill row and answers {token: row}."""
    rows = [
        [{"questionId": "q3", "textInput": "a@example.com"}],
        [{"questionId": "q3", "textInput": "b@example.com"}],
    ]
    made = await http.post(
        "/api/SurveyByToken/Import/Dispatch",
        json={"DispatchId": "dispatch-2", "PrefillReponse": rows, "UUID": "q3", "Batchid": "q3"},
    )
    assert made.status_code == 200
    tokens = made.json()
    assert list(tokens) == ["DM-10001", "DM-10002"]
    assert [row[0]["textInput"] for row in tokens.values()] == ["a@example.com", "b@example.com"]
    stored = (await http.get("/api/SurveyToken/Id/DM-10002")).json()
    assert (stored["location"], stored["validUses"]) == ("SupportFeedback", 1)
    unknown = await http.post(
        "/api/SurveyByToken/Import/Dispatch", json={"DispatchId": "nope", "PrefillReponse": rows}
    )
    assert unknown.status_code == 400
    no_rows = await http.post(
        "/api/SurveyByToken/Import/Dispatch", json={"DispatchId": "dispatch-1"}
    )
    assert no_rows.status_code == 400


# -- delivery -------------------------------------------------------------------------


async def test_delivery_plans_dispatches_and_templates(http: httpx.AsyncClient) -> None:
    """Lists and single records by id; unknown ids are 404."""
    plans = (await http.get("/api/DeliveryPlan")).json()
    assert [p["id"] for p in plans] == ["plan-1", "plan-2"]
    assert {"id", "user", "name", "description", "isLive", "schedule"} <= set(plans[0])
    assert (await http.get("/api/DeliveryPlan/plan-2")).json() == plans[1]
    assert (await http.get("/api/DeliveryPlan/plan-9")).status_code == 404
    dispatches = (await http.get("/api/Dispatches")).json()
    assert {"deliveryPlanId", "contentTemplateIds", "questionnaireName"} <= set(dispatches[0])
    assert (await http.get("/api/Dispatches/dispatch-1")).json() == dispatches[0]
    assert (await http.get("/api/Dispatches/nope")).status_code == 404
    templates = (await http.get("/api/ContentTemplates")).json()
    assert all(set(t) == {"id", "account", "name"} for t in templates)
    assert len(templates) == 3


async def test_delivery_events_by_target(http: httpx.AsyncClient) -> None:
    """A seeded target has events in WXM's shape; an unknown target has none."""
    found = (await http.get("/api/DeliveryEventsBy/Target/customer1@example.com")).json()
    assert len(found) == 1
    record = found[0]
    assert set(record) == {
        "id",
        "deliveryWorkFlowId",
        "user",
        "location",
        "created",
        "updated",
        "target",
        "dispatchId",
        "events",
    }
    assert record["events"][0]["action"] == "Sent"
    assert set(record["events"][0]) == {"timeStamp", "channel", "action", "sentSequence", "message"}
    assert (await http.get("/api/DeliveryEventsBy/Target/nobody")).json() == []


# -- account --------------------------------------------------------------------------


async def test_settings_and_profile(http: httpx.AsyncClient) -> None:
    """Settings list the questionnaires as locationList; Profile names the user."""
    settings = (await http.get("/api/settings")).json()
    assert settings["user"] == USERNAME
    assert [loc["name"] for loc in settings["locationList"]] == [
        "CustomerSurvey",
        "SupportFeedback",
    ]
    assert set(settings["locationList"][0]) == {"name", "displayName", "isNameImmutable", "tags"}
    assert (await http.get("/api/Profile")).json()["user"] == USERNAME


async def test_sub_users_plain_and_paged(http: httpx.AsyncClient) -> None:
    """The sub-user list has 30; pages hold 25; search filters by user name, name or email."""
    users = (await http.get("/api/account/getsubusers")).json()
    assert len(users) == 30
    assert set(users[0]) == {
        "id",
        "userName",
        "name",
        "email",
        "mobilePhone",
        "primaryRole",
        "isEmailVerified",
        "isActive",
        "department",
    }
    first = (await http.get("/api/account/getsubusers/page/1/")).json()
    assert (first["currentPage"], first["totalCount"], first["totalPages"]) == (1, 30, 2)
    assert first["users"] == users[:25]
    second = (await http.get("/api/account/getsubusers/page/2")).json()
    assert second["users"] == users[25:]
    assert (await http.get("/api/account/getsubusers/page/0/")).status_code == 400
    name = users[7]["name"].split()[0]
    found = (await http.get(f"/api/account/getsubusers/page/1/{name.lower()}")).json()
    assert found["users"]
    assert all(
        name.lower() in (u["userName"] + u["name"] + u["email"]).lower() for u in found["users"]
    )
    assert found["totalCount"] == len(found["users"]) < 30
    assert (await http.get("/api/account/getsubusers/page/x")).status_code == 400


# -- analytics ------------------------------------------------------------------------


def nps_of(answers: list[dict[str, Any]]) -> tuple[int, int, int, float]:
    scores = [n for a in answers if (n := number(a, "q1")) is not None]
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    passive = len(scores) - promoters - detractors
    return promoters, passive, detractors, round(100 * (promoters - detractors) / len(scores))


async def test_flash_nps_is_computed_from_the_answers(http: httpx.AsyncClient) -> None:
    """FlashNPS counts 9-10 as promoters, 7-8 passive, 0-6 detractors, over the filter."""
    where = {"location": ["CustomerSurvey"]}
    answers = await everything(http, **where)
    flash = (await http.post("/api/FlashNPS", json=where)).json()
    assert flash["totalResponses"] == len(answers)
    nps = flash["netPromoter"]
    assert set(nps) == {
        "questionID",
        "questionText",
        "promoters",
        "passive",
        "detractors",
        "netPromoters",
        "defaultIndex",
    }
    assert nps["questionID"] == "q1"
    assert (nps["promoters"], nps["passive"], nps["detractors"], nps["netPromoters"]) == nps_of(
        answers
    )


async def test_summary_counts_options_per_question(http: httpx.AsyncClient) -> None:
    """summary: per question, option counts; responseCount and netPromoter over the filter."""
    answers = await everything(http)
    summary = (await http.post("/api/summary", json={})).json()
    assert set(summary) == {
        "summary",
        "weightedScore",
        "responseCount",
        "assortedWordCloud",
        "tags",
        "netPromoter",
    }
    assert summary["responseCount"] == len(answers)
    meal = next(s for s in summary["summary"] if s["askedQuestion"]["id"] == "q4")
    assert meal["response"] == {
        option: sum(text(a, "q4") == option for a in answers)
        for option in ("Breakfast", "Lunch", "Dinner")
        if any(text(a, "q4") == option for a in answers)
    }
    assert summary["netPromoter"]["netPromoters"] == nps_of(answers)[3]
    assert summary["weightedScore"] == round(  # an int, as WXM's .NET type says
        sum(n for a in answers if (n := number(a, "q1")) is not None) / len(answers)
    )


GARBAGE: list[bytes] = [
    b"{not json",
    b"\xff\xfe",
    b"[]",
    b"null",
    b"42",
    b'"text"',
    b'{"location": {"a": 1}, "afterdate": [], "filterquestions": "q1", "note": [], "name": {}}',
    b'{"DispatchId": 1, "PrefillReponse": [[1]], "preFill": [null], "validTill": 30}',
    b'{"filterquestions": [{"questionId": "q1", "answerCheck": [1]}], "value": 1}',
    b'{"DispatchId": "dispatch-1", "PrefillReponse": [{"questionId": "q3"}]}',
]


async def test_garbage_bodies_never_get_a_500(wxm_http: httpx.AsyncClient, fake: FakeWXM) -> None:
    """Every POST route answers bad bodies with 400 (or 404 for an unknown id), never 500."""
    answer_id = (await everything(wxm_http))[0]["id"]
    posts = [
        "/api/Questions/Questionnaire",
        "/api/answers",
        "/api/answers/page/0/10",
        "/api/answers/count",
        f"/api/Answers/Note/{answer_id}",
        "/api/surveytoken",
        "/api/SurveyByToken/Import/Dispatch",
        "/api/UserData/key",
        "/api/summary",
        "/api/FlashNPS",
    ]
    for path in posts:
        for body in GARBAGE:
            response = await wxm_http.post(path, content=body)
            assert response.status_code in (200, 400), (path, body, response.text)
            if response.status_code == 400:
                assert response.json()["message"].startswith("The request is invalid.")
