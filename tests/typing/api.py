"""Never executed: exercises the public API under the type checkers (mypy --strict)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from wxm_async import (
    AccessToken,
    APIStatusError,
    AuthenticationError,
    TokenStoreError,
    WXMAuth,
    WXMBasicAuth,
    WXMBearerAuth,
    WXMError,
)
from wxm_async.defaults import DEFAULT_FAILURE_WINDOW, DEFAULT_LEASE
from wxm_async.namespaces import Responses
from wxm_async.stores import (
    CachedToken,
    FileTokenStore,
    MemoryTokenStore,
    RedisTokenStore,
    TokenStore,
)
from wxm_async.testing import FakeWXM, RateLimit, serve


async def use_the_api() -> None:
    store: TokenStore = MemoryTokenStore()
    auth: httpx.Auth = WXMAuth(
        "user", "key", token_url="https://api.example/api/LoginToken", store=store
    )
    auth = WXMAuth.from_env(environ={"WXM_USERNAME": "u", "WXM_API_KEY": "k"}, refresh_leeway=60.0)
    fake = FakeWXM(
        accounts={"u": "k"},
        token_lifetime=60,
        seed=1,
        responses=100_000,
        page_base=1,
        max_page_size=500,
        rate_limit=RateLimit(requests=15, per=1.0, retry_after="date"),
    )
    fake.rate_limit = None
    fake.fail_next(2, route="GET /api/Questions/Active", status=429, retry_after=3)
    fake.fail_next(status=503, retry_after=datetime.now(UTC), raw=b"<html/>")
    fake.drop_next(route="/api/answers*")
    fake.slow_next(chunk_size=8, delay=0.01)
    fake.delay_next(route="POST /api/LoginToken", seconds=0.5)
    fake.clear_faults()
    owner: str = fake.username
    counted: int = fake.requests["GET /api/Questions/Active"] + fake.rate_limited
    async with serve(fake) as base_url, httpx.AsyncClient(base_url=base_url, auth=auth) as http:
        try:
            response: httpx.Response = await http.get("/api/Questions/Active")
        except AuthenticationError as error:
            code: str | None = error.error
            status: int = error.status_code
        except APIStatusError as error:
            body: object = error.body
        except WXMError as error:
            request: httpx.Request | None = error.request
    cached: CachedToken | None = store.current()
    if cached is not None:
        token: AccessToken = cached.token
        lifetime: float = token.lifetime
        bearer: httpx.Auth = WXMBearerAuth(token)
    basic: httpx.Auth = WXMBasicAuth("user", "key")


async def use_the_client() -> None:
    from datetime import UTC, datetime

    from wxm_async import (
        AnonymousAuth,
        Answer,
        NotFoundError,
        NPSReport,
        PageIterator,
        Question,
        QuestionFilter,
        RateLimitedError,
        ResponseFilter,
        ResponsePage,
        RetryPolicy,
        Survey,
        SurveyResponse,
        SurveyToken,
        SurveyTokenPage,
        WXMClient,
    )

    policy: RetryPolicy = RetryPolicy(attempts=3).without_waiting()
    async with WXMClient(auth=AnonymousAuth()) as anonymous:
        await anonymous.surveys.get("DM-1")
    async with WXMClient(
        auth=WXMAuth.from_env(), retries=policy, max_concurrency=5, max_answer_bytes=2**27
    ) as client:
        questions: list[Question] = await client.questions.active()
        window = ResponseFilter(
            questionnaires=["Main"],
            after=datetime(2026, 1, 1, tzinfo=UTC),
            questions=[QuestionFilter.greater_than("nps", 8)],
        )
        count: int = await client.responses.count(window)
        page: ResponsePage = await client.responses.page(0, rows=100, filter=window)
        iterator: PageIterator[ResponsePage, SurveyResponse] = client.responses.iterate(window)
        async for response in iterator:
            answers: tuple[Answer, ...] = response.answers
        token: SurveyToken = await client.survey_tokens.create(
            questionnaire="Main", valid_till=datetime(2027, 1, 1, tzinfo=UTC)
        )
        token = await client.survey_tokens.update(token)
        found: list[SurveyToken] = await client.survey_tokens.search(note="n")
        token_page: SurveyTokenPage = await client.survey_tokens.page(0)
        png: bytes = await client.survey_tokens.qr(token.id)
        filled: bytes = await client.survey_tokens.import_csv(b"q\na\n", questionnaire="Main")
        await client.survey_tokens.delete_many(t.id for t in found)
        survey: Survey = await client.surveys.get(token.id, device_id="d-1")
        submitted: SurveyResponse = await client.surveys.submit(
            token.id, survey.prefill, channel="JS-Web", duration=30
        )
        await client.surveys.save_partial(survey.partial_response_id, [], complete=True)
        report: NPSReport = await client.analytics.nps(window)
        key: str = await client.account.api_key()
        added: SurveyResponse = await client.responses.add("Main", [Answer(question_id="q")])
        await client.responses.update_many([added])
        await client.account.logout()
        invited: str = await client.delivery.request_invitation(
            questionnaire="Main", valid_till=datetime(2027, 1, 1, tzinfo=UTC), email="a@b.c"
        )
        async for merged in client.delivery.merged_data([invited], filter=window):
            merged_token: str = merged.token_id
        value: str | None = await client.account.user_data("k")
        try:
            await client.responses.get("r-1")
        except NotFoundError as missing:
            status: int = missing.status_code
        except RateLimitedError as limited:
            wait: float | None = limited.retry_after
        except APIStatusError as failed:
            answered: httpx.Response | None = failed.response
            headers: httpx.Headers = failed.headers
        raw_json: object = await client.request(
            "POST", "/api/answers/count", json={}, params={"tag": ["a", "b"], "n": 1}
        )
        raw: httpx.Response = await client.request_raw("GET", "/api/Profile", idempotent=False)
        slow: WXMClient = client.with_options(timeout=300, retries=policy, max_concurrency=2)
        slower: WXMClient = slow.with_options(timeout=httpx.Timeout(600, connect=5))
        namespace: Responses = slower.responses
    other = WXMClient(http_client=httpx.AsyncClient())
    await other.aclose()


async def share_the_token() -> None:
    on_host: TokenStore = FileTokenStore(
        "/run/app/wxm-token", failure_window=DEFAULT_FAILURE_WINDOW
    )
    fleet = RedisTokenStore(
        "rediss://tokens.internal:6380/0",
        base_url="https://api.getcloudcherry.com",
        username="api-user",
        lease=DEFAULT_LEASE,
    )
    in_fleet: TokenStore = fleet
    async with fleet:
        auth = WXMAuth.from_env(store=in_fleet)
        try:
            async with httpx.AsyncClient(auth=auth) as http:
                await http.get("https://api.getcloudcherry.com/api/Profile")
        except TokenStoreError as error:
            message: str = error.message
    auth = WXMAuth("user", "key", store=on_host)
    await fleet.aclose()


async def export_under_the_quota() -> None:
    from datetime import date
    from typing import Any

    from wxm_async import (
        PaginationError,
        RequestRate,
        ResponseFilter,
        SubUserPage,
        SurveyResponse,
        WXMClient,
        from_wire,
        to_wire,
    )

    paced = RequestRate(requests=950, per=60)
    async with WXMClient(auth=WXMAuth("user", "key"), rate_limit=paced) as client:
        window = ResponseFilter(after="2026-01-01", before=date(2026, 2, 1))
        try:
            async for response in client.responses.iterate(window):
                wire: Any = to_wire(response)
                again: SurveyResponse = from_wire(wire, SurveyResponse)
        except PaginationError as looping:
            text: str = looping.message
        many: list[SurveyResponse] = await client.responses.list(window, timeout=900)
        async for user in client.account.iterate_sub_users():
            name: str | None = user.user_name
        page: SubUserPage = await client.account.sub_users_page()
        total: int | None = page.total_count


async def events_and_otel() -> None:
    """on_event= takes a plain function of an Event; instrument() takes the client."""
    from wxm_async import WXMClient
    from wxm_async.events import CallFinished, Event, EventCallback, LoginFailed
    from wxm_async.otel import instrument

    seen: list[Event] = []

    def on_event(event: Event) -> None:
        if isinstance(event, CallFinished):
            took: float = event.duration
            status: int | None = event.status_code
            template: str = event.url_template
        elif isinstance(event, LoginFailed):
            kind: str = event.error_type

    callback: EventCallback = seen.append
    auth = WXMAuth("user", "key", on_event=callback)
    async with WXMClient(auth=auth, on_event=on_event) as client:
        instrument(client)
        instrument(client, tracer_provider=None, meter_provider=None)
