"""Iterating every response: one page at a time, stopping at the end, any page base."""

from __future__ import annotations

import json

import httpx
import pytest

from wxm_async import ResponseFilter, RetryPolicy, WXMBearerAuth, WXMClient

pytestmark = pytest.mark.anyio


def paged_wxm(total: int, *, base: int, seen: list[tuple[int, int]]) -> httpx.MockTransport:
    """Answers POST /api/answers/page/{page}/{rows} over ``total`` responses, pages from ``base``."""

    def handle(request: httpx.Request) -> httpx.Response:
        *_, page, rows = request.url.path.split("/")
        page_number, size = int(page), int(rows)
        seen.append((page_number, size))
        start = (page_number - base) * size
        ids = range(max(start, 0), min(start + size, total)) if page_number >= base else range(0)
        return httpx.Response(
            200,
            json={
                "currentPage": page_number,
                "responses": [{"id": f"r-{i}"} for i in ids],
                "totalCount": total,
                "totalPages": -(-total // size),
            },
        )

    return httpx.MockTransport(handle)


def client_on(transport: httpx.MockTransport, *, first_page: int = 0) -> WXMClient:
    return WXMClient(
        auth=WXMBearerAuth("tok"),
        base_url="https://wxm.test",
        transport=transport,
        retries=RetryPolicy.off(),
        first_page=first_page,
    )


@pytest.mark.parametrize("base", [0, 1])
async def test_iterate_yields_every_response_once_in_order(base: int) -> None:
    """All 23 responses come out once, in order, from pages of 10, whatever the first page."""
    seen: list[tuple[int, int]] = []
    async with client_on(paged_wxm(23, base=base, seen=seen), first_page=base) as client:
        ids = [response.id async for response in client.responses.iterate(page_size=10)]
    assert ids == [f"r-{i}" for i in range(23)]
    assert seen == [(base, 10), (base + 1, 10), (base + 2, 10)]  # no request past the last page


async def test_iterate_stops_on_an_empty_listing() -> None:
    """No responses: one request, nothing yielded."""
    seen: list[tuple[int, int]] = []
    async with client_on(paged_wxm(0, base=0, seen=seen)) as client:
        assert [r async for r in client.responses.iterate()] == []
    assert seen == [(0, 500)]


async def test_iterate_fetches_lazily_and_can_stop_early() -> None:
    """Breaking out after the first response fetches only the first page."""
    seen: list[tuple[int, int]] = []
    async with client_on(paged_wxm(100, base=0, seen=seen)) as client:
        async for response in client.responses.iterate(page_size=10):
            assert response.id == "r-0"
            break
    assert seen == [(0, 10)]


async def test_iterate_sends_the_filter_with_every_page() -> None:
    """Each page request carries the same FilterBy body."""
    bodies: list[object] = []

    def handle(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        page = int(request.url.path.split("/")[-2])
        return httpx.Response(
            200,
            json={
                "currentPage": page,
                "responses": [{"id": f"r-{page}"}],
                "totalCount": 2,
                "totalPages": 2,
            },
        )

    async with client_on(httpx.MockTransport(handle)) as client:
        found = [
            r.id
            async for r in client.responses.iterate(ResponseFilter(channel="email"), page_size=1)
        ]
    assert found == ["r-0", "r-1"]
    assert bodies == [{"channel": "email"}, {"channel": "email"}]


async def test_pages_returns_the_pages_themselves() -> None:
    """pages() gives every page with its totals."""
    seen: list[tuple[int, int]] = []
    async with client_on(paged_wxm(5, base=0, seen=seen)) as client:
        pages = await client.responses.iterate(page_size=2).pages()
    assert [len(p.responses) for p in pages] == [2, 2, 1]
    assert {p.total_count for p in pages} == {5}
