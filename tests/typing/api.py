"""Never executed: exercises the public API under the type checkers (mypy --strict)."""

from __future__ import annotations

import httpx

from wxm_async import (
    AccessToken,
    APIStatusError,
    AuthenticationError,
    CachedToken,
    MemoryTokenStore,
    TokenStore,
    WXMAuth,
    WXMBasicAuth,
    WXMBearerAuth,
    WXMError,
)
from wxm_async.testing import FakeWXM, serve


async def use_the_api() -> None:
    store: TokenStore = MemoryTokenStore()
    auth: httpx.Auth = WXMAuth(
        "user", "key", token_url="https://api.example/api/LoginToken", store=store
    )
    auth = WXMAuth.from_env(environ={"WXM_USERNAME": "u", "WXM_API_KEY": "k"}, refresh_leeway=60.0)
    fake = FakeWXM(accounts={"u": "k"}, token_lifetime=60)
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
        SurveyResponse,
        SurveyToken,
        WXMClient,
    )

    policy: RetryPolicy = RetryPolicy(attempts=3).without_waiting()
    async with WXMClient(auth=WXMAuth.from_env(), retries=policy, max_concurrency=5) as client:
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
        report: NPSReport = await client.analytics.nps(window)
        key: str = await client.account.api_key()
        value: str | None = await client.account.user_data("k")
        try:
            await client.responses.get("r-1")
        except NotFoundError as missing:
            status: int = missing.status_code
        except RateLimitedError as limited:
            wait: float | None = limited.retry_after
    other = WXMClient(http_client=httpx.AsyncClient())
    await other.aclose()
