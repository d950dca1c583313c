"""WXMClient against a misbehaving fake WXM: retried, or failed with the right error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import anyio
import httpx
import pytest

from wxm_async import (
    APIConnectionError,
    AuthenticationError,
    RetryPolicy,
    ServerError,
    WXMAuth,
    WXMClient,
)
from wxm_async.testing import WXM_FAKE_URL, FakeWXM

from ..conftest import PASSWORD, USERNAME

pytestmark = pytest.mark.anyio

ACTIVE = "GET /api/Questions/Active"
NOTE = "POST /api/Answers/Note/{answer_id}"


async def test_busy_answers_are_retried(client: WXMClient, fake: FakeWXM) -> None:
    """503, 502 and a 429 with Retry-After, then success: the caller sees the success."""
    fake.fail_next(route=ACTIVE, status=503)
    fake.fail_next(route=ACTIVE, status=502)
    fake.fail_next(route=ACTIVE, status=429, retry_after=2)
    assert len(await client.questions.active()) == 5
    assert fake.requests[ACTIVE] == 4


async def test_a_500_is_not_retried(client: WXMClient, fake: FakeWXM) -> None:
    """500 says WXM failed, not that it is busy: one attempt, ServerError."""
    fake.fail_next(route=ACTIVE, status=500)
    with pytest.raises(ServerError, match="500"):
        await client.questions.active()
    assert fake.requests[ACTIVE] == 1


async def test_a_dropped_read_is_retried(client: WXMClient, fake: FakeWXM) -> None:
    """A read whose connection drops is sent again and succeeds."""
    fake.drop_next(route=ACTIVE)
    assert len(await client.questions.active()) == 5
    assert fake.requests[ACTIVE] == 2


async def test_a_dropped_create_is_not_sent_twice(client: WXMClient, fake: FakeWXM) -> None:
    """A note whose connection drops raises APIConnectionError; it is not sent again."""
    response = (await client.responses.page(0, rows=1)).responses[0]
    fake.drop_next(route=NOTE)
    with pytest.raises(APIConnectionError, match="RemoteProtocolError"):
        await client.responses.add_note(response.id, "hello")
    assert fake.requests[NOTE] == 1


async def test_a_slow_answer_arrives_whole(client: WXMClient, fake: FakeWXM) -> None:
    """An answer sent in small, slow chunks decodes as a normal one."""
    expected = await client.questions.all()
    fake.slow_next(route="GET /api/questions", chunk_size=64, delay=0.001)
    assert await client.questions.all() == expected


async def test_an_unreachable_wxm_is_a_connection_error() -> None:
    """Nothing listening: APIConnectionError after the retries, naming the failure."""
    async with WXMClient(
        auth=WXMAuth(USERNAME, PASSWORD),
        base_url="http://127.0.0.1:9",  # discard: nothing listens there
        retries=RetryPolicy(attempts=2).without_waiting(),
        timeout=httpx.Timeout(5.0),
    ) as client:
        with pytest.raises(APIConnectionError, match="ConnectError"):
            await client.questions.active()


async def test_a_busy_login_is_retried_even_for_a_create(client: WXMClient, fake: FakeWXM) -> None:
    """Logins answered 503 and 500: the call was never sent, so even a create is retried."""
    fake.fail_next_logins(1, status=503, body={"message": "busy"})
    fake.fail_next_logins(1, status=500, body={"message": "oops"})
    token = await client.survey_tokens.create(
        questionnaire="CustomerSurvey", valid_till=datetime.now(UTC) + timedelta(days=1)
    )
    assert token.id
    assert (fake.login_attempts, fake.logins) == (3, 1)
    assert fake.requests["POST /api/surveytoken"] == 1


async def test_a_wrong_password_is_not_retried(fake: FakeWXM) -> None:
    """A rejected login is final: one attempt, AuthenticationError, no retry."""
    async with WXMClient(
        auth=WXMAuth(USERNAME, "wrong"),
        base_url=WXM_FAKE_URL,
        transport=fake.transport(),
        retries=RetryPolicy().without_waiting(),
    ) as client:
        with pytest.raises(AuthenticationError):
            await client.questions.active()
    assert fake.login_attempts == 1


async def test_a_429_storm_with_retry_after_loses_no_call(client: WXMClient, fake: FakeWXM) -> None:
    """200 concurrent calls, 150 of them first answered 429 with Retry-After: all succeed."""
    fake.fail_next(150, route=ACTIVE, status=429, retry_after=1)
    results: list[int] = []

    async def call() -> None:
        results.append(len(await client.questions.active()))

    async with anyio.create_task_group() as tg:
        for _ in range(200):
            tg.start_soon(call)
    assert results == [5] * 200
    assert fake.requests[ACTIVE] == 350
    assert fake.logins == 1
