"""client.delivery.request_invitation(): a token that WXM emails or texts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from wxm_async import (
    Answer,
    BadRequestError,
    ConfigurationError,
    DecodeError,
    RetryPolicy,
    ServerError,
    WXMBearerAuth,
    WXMClient,
)
from wxm_async.testing import FakeWXM

pytestmark = pytest.mark.anyio

SOON = datetime(2030, 1, 1, tzinfo=UTC)


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
    "options",
    [
        {},  # neither email nor sms
        {"sms": True, "email": "a@example.com"},  # sms without phone
        {"email": "a@example.com", "valid_till": datetime(2030, 1, 1)},  # naive
        {"email": "a@example.com", "valid_till": "2030-01-01"},
        {"email": "a@example.com", "valid_uses": 0},
        {"email": "a@example.com", "valid_uses": True},
        {"email": "a@example.com", "not_within_days": -1},
    ],
)
async def test_a_careless_invitation_is_refused_before_sending(options: dict[str, Any]) -> None:
    """No address for the channel, a naive or textual date, or a count below 1."""
    seen: list[httpx.Request] = []
    arguments: dict[str, Any] = {"questionnaire": "Q", "valid_till": SOON, **options}
    async with mocked(httpx.Response(200, json="DM-1"), seen) as client:
        with pytest.raises(ConfigurationError):
            await client.delivery.request_invitation(**arguments)
    assert seen == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (b'"DM-7"', "DM-7"),
        (b'{"id": "DM-8", "user": "demo"}', "DM-8"),
        (b'{"Id": "DM-9"}', "DM-9"),
    ],
)
async def test_the_token_id_is_read_from_a_string_or_an_object(
    answer: bytes, expected: str
) -> None:
    """The vendor's sample reads the answer as the token id; an object's id works too."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(200, content=answer), seen) as client:
        assert (
            await client.delivery.request_invitation(
                questionnaire="Q", valid_till=SOON, email="a@example.com"
            )
            == expected
        )


@pytest.mark.parametrize(
    "answer", [b"null", b"true", b"42", b'""', b"{}", b'{"id": 5}', b"[]", b"<html/>"]
)
async def test_an_answer_without_a_token_id_is_a_decode_error(answer: bytes) -> None:
    """Null, a bool, a number, an empty string or an object without id is not a token."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(200, content=answer), seen) as client:
        with pytest.raises(DecodeError, match="RequestInvitation"):
            await client.delivery.request_invitation(
                questionnaire="Q", valid_till=SOON, email="a@example.com"
            )


async def test_an_invitation_is_not_retried_after_a_server_error() -> None:
    """A 503 might have sent the email already: one send, and ServerError."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(503), seen) as client:
        with pytest.raises(ServerError):
            await client.delivery.request_invitation(
                questionnaire="Q", valid_till=SOON, email="a@example.com"
            )
    assert len(seen) == 1


async def test_the_body_uses_wxm_s_names_and_spelling() -> None:
    """tokenDetails, isSMS, nonRepeatByUniquieQuestionTag (sic), preFillByQuestionTag."""
    seen: list[httpx.Request] = []
    async with mocked(httpx.Response(200, json="DM-1"), seen) as client:
        await client.delivery.request_invitation(
            questionnaire="Q",
            valid_till=SOON,
            phone="+15550100",
            sms=True,
            template_url="https://cdn.example/t.html",
            prefill=[Answer(question_id="q3", text="x")],
            unique_by_question_tag="mobile",
            not_within_days=7,
            prefill_by_question_tag={"mobile": "+15550100"},
        )
    assert json.loads(seen[0].content) == {
        "customerPhone": "+15550100",
        "isSMS": True,
        "template": "https://cdn.example/t.html",
        "nonRepeatByUniquieQuestionTag": "mobile",
        "nonRepeatWithinLastDays": 7,
        "preFillByQuestionTag": {"mobile": "+15550100"},
        "tokenDetails": {
            "location": "Q",
            "validTill": "2030-01-01T00:00:00.000Z",
            "validUses": 1,
            "preFill": [{"questionId": "q3", "textInput": "x"}],
        },
    }


async def test_an_invitation_on_the_fake_makes_a_token_and_is_kept(
    client: WXMClient, fake: FakeWXM
) -> None:
    """The fake makes the token with its prefill, and keeps the invitation; it sends nothing."""
    token_id = await client.delivery.request_invitation(
        questionnaire="CustomerSurvey",
        valid_till=datetime.now(UTC) + timedelta(days=2),
        email="ann@example.com",
        customer_name="Ann",
        prefill=[Answer(question_id="q3", text="ann@example.com")],
    )
    token = await client.survey_tokens.get(token_id)
    assert token.questionnaire == "CustomerSurvey"
    assert token.prefill[0].text == "ann@example.com"
    assert token.valid_uses == 1
    (invitation,) = fake.invitations
    assert (invitation["token"], invitation["channel"], invitation["to"]) == (
        token_id,
        "email",
        "ann@example.com",
    )


async def test_the_fake_refuses_a_customer_invited_within_the_days(client: WXMClient) -> None:
    """The same email tag within not_within_days is a 400; another customer is not."""

    async def invite(email: str) -> str:
        return await client.delivery.request_invitation(
            questionnaire="CustomerSurvey",
            valid_till=datetime.now(UTC) + timedelta(days=2),
            email=email,
            unique_by_question_tag="email",
            not_within_days=30,
            prefill_by_question_tag={"email": email},
        )

    await invite("ann@example.com")
    with pytest.raises(BadRequestError, match="within the last 30 days"):
        await invite("ann@example.com")
    await invite("bob@example.com")


async def test_the_fake_binds_strings_as_wxm_does(fake: FakeWXM) -> None:
    """The vendor's sample sends isSMS, validUses and the days as strings: they bind."""
    async with httpx.AsyncClient(transport=fake.transport(), base_url="https://wxm.test") as http:
        login = await http.post(
            "/api/LoginToken",
            data={"grant_type": "password", "username": "demo", "password": "demo-password"},
        )
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        body = {
            "customerPhone": "+15550100",
            "isSMS": "True",
            "nonRepeatWithinLastDays": "1",
            "tokenDetails": {"location": "CustomerSurvey", "validUses": "2"},
        }
        answer = await http.post("/api/RequestInvitation", json=body, headers=headers)
        assert answer.status_code == 200
        assert fake.invitations[0]["channel"] == "sms"
        token = await http.get(f"/api/SurveyToken/Id/{answer.json()}", headers=headers)
        assert token.json()["validUses"] == 2
        for bad in ({"isSMS": "False", "tokenDetails": {"location": "X"}}, {"customerEmail": "a"}):
            refused = await http.post("/api/RequestInvitation", json=bad, headers=headers)
            assert refused.status_code == 400
