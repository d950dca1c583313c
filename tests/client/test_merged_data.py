"""client.delivery.merged_data(): each token's delivery events and answers, batch by batch."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from wxm_async import (
    AnonymousAuth,
    Answer,
    ConfigurationError,
    DecodeError,
    MergedDelivery,
    ResponseFilter,
    RetryPolicy,
    WXMAuth,
    WXMBearerAuth,
    WXMClient,
)
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME

pytestmark = pytest.mark.anyio


def record(token_id: str, **fields: Any) -> dict[str, Any]:
    return {"_id": token_id, "responses": None, "answeredAt": "0001-01-01T00:00:00", **fields}


def mocked(answer: Any, seen: list[httpx.Request]) -> WXMClient:
    """A client whose every merged-data call gets ``answer(asked ids)`` as JSON."""

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        asked = json.loads(request.content)["TokenIds"]
        return httpx.Response(200, content=json.dumps(answer(asked)).encode())

    return WXMClient(
        auth=WXMBearerAuth("t0k"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy.off(),
    )


async def collect(client: WXMClient, ids: Any, **options: Any) -> list[MergedDelivery]:
    return [r async for r in client.delivery.merged_data(ids, **options)]


@pytest.mark.parametrize(
    ("ids", "options"),
    [
        ("DM-1", {}),
        (["DM-1", ""], {}),
        (["DM-1", None], {}),
        (None, {}),
        (42, {}),
        (b"DM-1", {}),
        (["x" * 1001], {}),
        (["DM-1"], {"batch_size": 0}),
        (["DM-1"], {"batch_size": 2.5}),
    ],
)
async def test_careless_arguments_are_refused_before_sending(
    ids: Any, options: dict[str, Any]
) -> None:
    """One string, an empty or non-string id, an overlong id, a bad batch size."""
    seen: list[httpx.Request] = []
    async with mocked(lambda asked: [], seen) as client:
        with pytest.raises(ConfigurationError):
            client.delivery.merged_data(ids, **options)
    assert seen == []


async def test_no_token_ids_sends_nothing() -> None:
    """An empty list of ids yields nothing, without a call."""
    seen: list[httpx.Request] = []
    async with mocked(lambda asked: [], seen) as client:
        assert await collect(client, []) == []
    assert seen == []


async def test_ids_go_in_batches_with_wxm_s_names() -> None:
    """Five ids at two a batch: three calls, each ``{filter, TokenIds}``."""
    seen: list[httpx.Request] = []
    ids = [f"DM-{n}" for n in range(5)]
    after = datetime(2026, 1, 1, tzinfo=UTC)
    async with mocked(lambda asked: [record(i) for i in asked], seen) as client:
        found = await collect(client, ids, filter=ResponseFilter(after=after), batch_size=2)
    assert [r.token_id for r in found] == ids
    assert [json.loads(r.content)["TokenIds"] for r in seen] == [ids[0:2], ids[2:4], ids[4:]]
    assert json.loads(seen[0].content)["filter"] == {"afterdate": "2026-01-01T00:00:00.000Z"}
    assert found[0].answered_at is None  # .NET's MinValue: never answered
    assert found[0].answers == ()


async def test_records_not_asked_for_or_repeated_are_skipped() -> None:
    """A server answering other tokens, or one token twice (any case), adds nothing."""
    seen: list[httpx.Request] = []

    def answer(asked: list[str]) -> list[dict[str, Any]]:
        return [record("DM-999"), *(record(i) for i in asked), record(asked[0].lower())]

    async with mocked(answer, seen) as client:
        found = await collect(client, ["DM-1", "DM-2", "DM-1"], batch_size=2)
    assert [r.token_id for r in found] == ["DM-1", "DM-2"]


@pytest.mark.parametrize("answer", [None, {"_id": "DM-1"}, [{"responses": []}], "DM-1"])
async def test_garbage_answers(answer: Any) -> None:
    """Null is no records; an object, a record without _id or a string is a DecodeError."""
    seen: list[httpx.Request] = []
    async with mocked(lambda asked: answer, seen) as client:
        if answer is None:
            assert await collect(client, ["DM-1"]) == []
        else:
            with pytest.raises(DecodeError):
                await collect(client, ["DM-1"])


async def test_breaking_out_early_fetches_no_more_batches() -> None:
    """One batch is fetched for the first item; leaving the loop leaves nothing pending."""
    seen: list[httpx.Request] = []
    async with mocked(lambda asked: [record(i) for i in asked], seen) as client:
        async for _ in client.delivery.merged_data(["A", "B", "C"], batch_size=1):
            break
    assert len(seen) == 1


async def test_merged_data_on_the_fake(fake: FakeWXM) -> None:
    """An invited, answered token has Sent and Answered events and its answers; another none."""
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD), base_url=IN_PROCESS_URL, transport=fake.transport()
    ) as client:
        later = datetime.now(UTC) + timedelta(days=2)
        invited = await client.delivery.request_invitation(
            questionnaire="CustomerSurvey", valid_till=later, email="ann@example.com"
        )
        quiet = await client.survey_tokens.create(questionnaire="CustomerSurvey", valid_till=later)
        async with WXMClient(
            auth=AnonymousAuth(), base_url=IN_PROCESS_URL, transport=fake.transport()
        ) as respondent:
            await respondent.surveys.submit(invited, [Answer(question_id="q1", number=10)])
        found = await collect(client, [invited, quiet.id, "DM-404"])
        assert [r.token_id for r in found] == [invited, quiet.id]
        answered, unanswered = found
        assert [e.action for e in answered.events] == ["Sent", "Answered"]
        assert answered.answers[0].number == 10
        assert answered.answered_at is not None
        assert (unanswered.events, unanswered.answers, unanswered.answered_at) == ((), (), None)
        past = ResponseFilter(before=datetime.now(UTC) - timedelta(days=1))
        (outside,) = await collect(client, [invited], filter=past)
        assert outside.answered_at is None


async def test_the_fake_answers_merged_data_with_wxm_s_nulls() -> None:
    """No answers: responses null, answeredAt MinValue, wxmEvents null; tidy gives [] and null."""
    for tidy in (False, True):
        world = FakeWXM(tidy=tidy)
        async with httpx.AsyncClient(transport=world.transport(), base_url=IN_PROCESS_URL) as http:
            login = await http.post(
                "/api/LoginToken",
                data={"grant_type": "password", "username": "demo", "password": "demo-password"},
            )
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            token = await http.post(
                "/api/surveytoken", json={"location": "CustomerSurvey"}, headers=headers
            )
            body = {"filter": {}, "TokenIds": [token.json()["id"]]}
            (merged,) = (
                await http.post("/api/DeliveryPlan/WXMMergedData", json=body, headers=headers)
            ).json()
            bad = await http.post(
                "/api/DeliveryPlan/WXMMergedData", json={"TokenIds": "DM-1"}, headers=headers
            )
        assert bad.status_code == 400
        if tidy:
            assert (merged["responses"], merged["answeredAt"], merged["wxmEvents"]) == (
                [],
                None,
                [],
            )
        else:
            assert merged["responses"] is None
            assert merged["answeredAt"] == "0001-01-01T00:00:00"
            assert merged["wxmEvents"] is None
