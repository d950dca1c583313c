"""By default the fake answers as WXM does; FakeWXM(tidy=True) answers with tidy records."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from wxm_async import AuthenticationError, WXMAuth, WXMClient
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME

pytestmark = pytest.mark.anyio

SEVEN_DIGITS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
NAIVE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$")


async def http_of(fake: FakeWXM) -> AsyncIterator[httpx.AsyncClient]:
    auth = httpx.BasicAuth(USERNAME, PASSWORD)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=IN_PROCESS_URL, auth=auth
    ) as http:
        yield http


@pytest.fixture
async def quirky() -> AsyncIterator[httpx.AsyncClient]:
    async for http in http_of(FakeWXM()):
        yield http


@pytest.fixture
async def tidy() -> AsyncIterator[httpx.AsyncClient]:
    async for http in http_of(FakeWXM(tidy=True)):
        yield http


async def get(http: httpx.AsyncClient, path: str, body: object = None) -> Any:
    response = await (http.get(path) if body is None else http.post(path, json=body))
    assert response.status_code == 200
    return response.json()


async def test_responses_have_null_notes_null_device_ids_and_seven_digit_dates(
    quirky: httpx.AsyncClient,
) -> None:
    """Answers without notes have notes null; off the apps deviceId is null; dates have 7 digits."""
    answers = await get(quirky, "/api/answers", {})
    assert all(a["notes"] is None for a in answers)
    assert all(a["deviceId"] is None for a in answers if not a["surveyClient"].startswith("InApp"))
    assert all(SEVEN_DIGITS.match(a["responseDateTime"]) for a in answers)


async def test_no_match_is_a_bare_null(quirky: httpx.AsyncClient, tidy: httpx.AsyncClient) -> None:
    """POST /api/answers with nothing matching answers null by default, [] when tidy."""
    nothing = {"location": ["No such questionnaire"]}
    assert await get(quirky, "/api/answers", nothing) is None
    assert await get(tidy, "/api/answers", nothing) == []


async def test_questions_settings_tokens_and_users_send_nulls_and_unknown_fields(
    quirky: httpx.AsyncClient,
) -> None:
    """Empty lists are null, and fields the client does not model come along."""
    questions = await get(quirky, "/api/questions")
    assert {q["displayLegend"] for q in questions} == {None}
    assert any(q["questionTags"] is None for q in questions)
    assert any(q["multiSelect"] is None for q in questions)
    settings = await get(quirky, "/api/settings")
    assert {loc["tags"] for loc in settings["locationList"]} == {None}
    token = await get(quirky, "/api/surveytoken", {"location": "CustomerSurvey"})
    assert token["preFill"] is None
    assert token["campaign"] is None
    assert "preferredLanguage" not in token
    users = await get(quirky, "/api/account/getsubusers")
    assert all("enterpriseRole" in u for u in users)


async def test_delivery_dates_are_naive_and_never_is_net_min_value(
    quirky: httpx.AsyncClient,
) -> None:
    """A plan that never ran has lastRun 0001-01-01T00:00:00; dispatch dates have no zone."""
    plans = await get(quirky, "/api/DeliveryPlan")
    assert {p["lastRun"] for p in plans} == {"0001-01-01T00:00:00"}
    dispatches = await get(quirky, "/api/Dispatches")
    assert all(NAIVE.match(d["created"]) and NAIVE.match(d["updated"]) for d in dispatches)


async def test_tidy_answers_with_lists_and_utc_dates(tidy: httpx.AsyncClient) -> None:
    """FakeWXM(tidy=True): [] for empty lists, every field, UTC dates with milliseconds."""
    answers = await get(tidy, "/api/answers", {})
    assert all(a["notes"] == [] for a in answers)
    assert all(a["responseDateTime"].endswith("Z") for a in answers)
    questions = await get(tidy, "/api/questions")
    assert all(isinstance(q["questionTags"], list) for q in questions)
    assert "displayLegend" not in questions[0]
    plans = await get(tidy, "/api/DeliveryPlan")
    assert {p["lastRun"] for p in plans} == {None}


async def test_with_notes_false_filters_nothing(quirky: httpx.AsyncClient) -> None:
    """WithNotes false is WXM's .NET default (its client always sends it): no filter."""
    everything = await get(quirky, "/api/answers/count", {})
    assert await get(quirky, "/api/answers/count", {"withNotes": False}) == everything
    assert await get(quirky, "/api/answers/count", {"withNotes": True}) == 0


@pytest.mark.parametrize("status", [400, 401])
async def test_a_wrong_password_is_an_authentication_error_at_either_status(status: int) -> None:
    """WXM's status for a wrong password is unknown: 400 and 401 both raise AuthenticationError."""
    fake = FakeWXM(bad_login_status=status)
    async with WXMClient(
        auth=WXMAuth(USERNAME, "wrong"), base_url=IN_PROCESS_URL, transport=fake.transport()
    ) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.questions.active()
    assert caught.value.status_code == status
