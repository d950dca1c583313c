"""The caller's ids can never change which endpoint is called, nor reach httpx's errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from wxm_async import ConfigurationError, RetryPolicy, ServerError, WXMBearerAuth, WXMClient

pytestmark = pytest.mark.anyio

Call = Callable[[WXMClient, str], Awaitable[object]]

#: Every method that puts a caller's id in a path.
CALLS: dict[str, Call] = {
    "responses.get": lambda c, i: c.responses.get(i),
    "responses.add_note": lambda c, i: c.responses.add_note(i, "n"),
    "survey_tokens.get": lambda c, i: c.survey_tokens.get(i),
    "survey_tokens.delete": lambda c, i: c.survey_tokens.delete(i),
    "delivery.plan": lambda c, i: c.delivery.plan(i),
    "delivery.dispatch": lambda c, i: c.delivery.dispatch(i),
    "delivery.events": lambda c, i: c.delivery.events(i),
    "account.user_data": lambda c, i: c.account.user_data(i),
    "account.set_user_data": lambda c, i: c.account.set_user_data(i, "v"),
    "account.sub_users_page": lambda c, i: c.account.sub_users_page(1, i),
}

BAD_IDS = {
    "dot": ".",
    "dot-dot": "..",
    "three dots": "...",
    "100,000 characters": "a" * 100_000,
    "NUL": "r\x00x",
    "newline": "r\nHost: evil",
    "DEL": "r\x7f",
    "lone surrogate": "r\ud800",
}


def refusing_client(seen: list[httpx.Request]) -> WXMClient:
    async def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(500)

    return WXMClient(
        auth=WXMBearerAuth("t"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy.off(),
    )


@pytest.mark.parametrize("bad", BAD_IDS.values(), ids=BAD_IDS.keys())
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
async def test_a_bad_id_is_refused_before_anything_is_sent(call: Call, bad: str) -> None:
    """Dot-only, over-long, control-character and invalid ids raise ConfigurationError, unsent."""
    seen: list[httpx.Request] = []
    async with refusing_client(seen) as client:
        with pytest.raises(ConfigurationError, match="in a WXM path") as caught:
            await call(client, bad)
    assert seen == []
    assert len(str(caught.value)) < 200  # the id is never quoted


async def test_an_empty_id_names_the_argument() -> None:
    """An empty id is refused with the argument's name in the message."""
    async with refusing_client([]) as client:
        with pytest.raises(ConfigurationError, match=r"token_id .* must not be empty"):
            await client.survey_tokens.delete("")


async def test_an_id_that_is_not_a_string_is_refused() -> None:
    """An int where an id belongs is ConfigurationError, not quote()'s TypeError."""
    async with refusing_client([]) as client:
        with pytest.raises(ConfigurationError, match="must be a string, not int"):
            await client.responses.get(42)  # type: ignore[arg-type]


async def test_dots_inside_an_id_stay_one_segment() -> None:
    """An id with dots and other text is sent as one segment of the path it belongs to."""
    seen: list[httpx.Request] = []
    async with refusing_client(seen) as client:
        with pytest.raises(ServerError):
            await client.survey_tokens.delete("a..b/.c.d")
    assert seen[0].url.raw_path == b"/api/surveytoken/delete/a..b%2F.c.d"


PAGE_CALLS: dict[str, Callable[[WXMClient, object], Awaitable[object]]] = {
    "responses.page page": lambda c, v: c.responses.page(v),  # type: ignore[arg-type]
    "responses.page rows": lambda c, v: c.responses.page(0, rows=v),  # type: ignore[arg-type]
    "account.sub_users_page": lambda c, v: c.account.sub_users_page(v),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("bad", ["../../settings", True, -1, 1.5], ids=repr)
@pytest.mark.parametrize("call", PAGE_CALLS.values(), ids=PAGE_CALLS.keys())
async def test_page_numbers_in_paths_must_be_whole_numbers(
    call: Callable[[WXMClient, object], Awaitable[object]], bad: object
) -> None:
    """A page or page size that is a string, a bool, negative or a fraction is refused, unsent."""
    seen: list[httpx.Request] = []
    async with refusing_client(seen) as client:
        with pytest.raises(ConfigurationError, match=r"^(page|rows) must be"):
            await call(client, bad)
    assert seen == []
