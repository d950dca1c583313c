"""Iterating every response: one page at a time, stopping at the end, any page base."""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx
import pytest

from wxm_async import PaginationError, ResponseFilter, RetryPolicy, WXMBearerAuth, WXMClient

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


def scripted_wxm(pages: Mapping[int, Mapping[str, object]], seen: list[str]) -> httpx.MockTransport:
    """Answers each page number with the given body (an empty page past the script)."""

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        number = int(request.url.path.split("/")[5 if "getsubusers" in request.url.path else 4])
        return httpx.Response(200, json=pages.get(number, {"responses": [], "users": []}))

    return httpx.MockTransport(handle)


def ids(*numbers: int) -> list[dict[str, str]]:
    return [{"id": f"r-{n}"} for n in numbers]


async def test_without_total_pages_iteration_goes_on_to_the_first_short_page() -> None:
    """Pages without totalPages or totalCount: all 5 responses, up to the short page."""
    seen: list[str] = []
    script = {0: {"responses": ids(0, 1)}, 1: {"responses": ids(2, 3)}, 2: {"responses": ids(4)}}
    async with client_on(scripted_wxm(script, seen)) as client:
        found = [r.id async for r in client.responses.iterate(page_size=2)]
    assert found == [f"r-{n}" for n in range(5)]
    assert len(seen) == 3


async def test_without_total_pages_total_count_carries_iteration_to_the_end() -> None:
    """With totalPages null and totalCount 6: all 6 responses, not the first page's 2."""
    seen: list[str] = []
    script = {
        n: {
            "currentPage": n,
            "responses": ids(2 * n, 2 * n + 1),
            "totalCount": 6,
            "totalPages": None,
        }
        for n in range(3)
    }
    async with client_on(scripted_wxm(script, seen)) as client:
        found = [r.id async for r in client.responses.iterate(page_size=2)]
    assert found == [f"r-{n}" for n in range(6)]
    assert len(seen) == 3  # no request past what totalCount allows


async def test_iteration_never_fetches_more_pages_than_total_count_allows() -> None:
    """A totalPages of 1000 but a totalCount of 4 at 2 a page: two requests, not 1000."""
    seen: list[str] = []
    script = {
        n: {
            "currentPage": n,
            "responses": ids(2 * n, 2 * n + 1),
            "totalCount": 4,
            "totalPages": 1000,
        }
        for n in range(1000)
    }
    async with client_on(scripted_wxm(script, seen)) as client:
        found = [r.id async for r in client.responses.iterate(page_size=2)]
    assert found == ["r-0", "r-1", "r-2", "r-3"]
    assert len(seen) == 2


@pytest.mark.parametrize("current_page", [0, None])
async def test_a_server_ignoring_the_page_number_raises_instead_of_looping(
    current_page: int | None,
) -> None:
    """The same page again (same currentPage, or same ids without one) is a PaginationError."""
    seen: list[str] = []
    page = {"currentPage": current_page, "responses": ids(0, 1), "totalPages": 10**9}

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json=page)

    async with client_on(httpx.MockTransport(handle)) as client:
        found: list[str] = []

        async def collect() -> None:
            async for response in client.responses.iterate(page_size=2):
                found.append(response.id)

        with pytest.raises(PaginationError, match="page 1 repeated"):
            await collect()
    assert found == ["r-0", "r-1"]
    assert len(seen) == 2


async def test_sub_user_pages_start_at_1_and_carry_the_search_segment() -> None:
    """As WXM's .NET client: /page/1/ (empty search) first, then /page/2/, and /page/1/ann."""
    seen: list[str] = []
    users = {
        1: {"currentPage": 1, "users": [{"id": "u1"}, {"id": "u2"}], "totalCount": 3},
        2: {"currentPage": 2, "users": [{"id": "u3"}], "totalCount": 3},
    }
    async with client_on(scripted_wxm(users, seen)) as client:
        found = [u.id async for u in client.account.iterate_sub_users()]
        await client.account.sub_users_page(search="ann")
    assert found == ["u1", "u2", "u3"]
    assert seen == [
        "/api/account/getsubusers/page/1/",
        "/api/account/getsubusers/page/2/",
        "/api/account/getsubusers/page/1/ann",
    ]


def scripted_pages(answer: object) -> httpx.MockTransport:
    """Answers each response page with ``answer(page, rows)``: a hostile server's paging."""

    def handle(request: httpx.Request) -> httpx.Response:
        *_, page, rows = request.url.path.split("/")
        return httpx.Response(200, json=answer(int(page), int(rows)))  # type: ignore[operator]

    return httpx.MockTransport(handle)


def response_ids(numbers: range | list[int]) -> list[dict[str, str]]:
    return [{"id": f"r-{i}"} for i in numbers]


async def test_a_server_going_in_circles_is_refused() -> None:
    """Pages A, B, A, B... with no totals: PaginationError once a page has nothing new."""
    cycle = scripted_pages(
        lambda page, rows: {"responses": response_ids(range(5) if page % 2 else range(5, 10))}
    )
    got: list[str] = []

    async def collect(client: WXMClient) -> None:
        async for response in client.responses.iterate(page_size=5):
            got.append(response.id)

    async with client_on(cycle) as client:
        with pytest.raises(PaginationError, match="none new"):
            await collect(client)
    assert sorted(got) == sorted(f"r-{i}" for i in range(10))


async def test_a_server_stuck_on_one_page_number_is_named_for_it() -> None:
    """New items but currentPage 1 every time: the error says the page number repeated."""
    stuck = scripted_pages(
        lambda page, rows: {
            "currentPage": 1,
            "responses": response_ids(range(page * 5, page * 5 + 5)),
        }
    )
    async with client_on(stuck) as client:
        with pytest.raises(PaginationError, match="currentPage 1 again") as caught:
            async for _ in client.responses.iterate(page_size=5):
                pass
    assert "none new" not in str(caught.value)  # it had new items: the message said otherwise


async def test_total_count_wins_over_a_total_pages_that_disagrees() -> None:
    """The server caps rows at 25, says totalPages 1 for the rows asked, and 60 in all."""
    hostile = scripted_pages(
        lambda page, rows: {
            "responses": response_ids(range(page * 25, min(page * 25 + 25, 60))),
            "totalPages": 1,
            "totalCount": 60,
        }
    )
    async with client_on(hostile) as client:
        got = [r.id async for r in client.responses.iterate(page_size=100)]
    assert got == [f"r-{i}" for i in range(60)]


async def test_a_server_capping_the_page_size_loses_nothing_without_totals() -> None:
    """Asked 5 a page, it gives 3 (and no totals): every one of the 12 comes out."""
    capped = scripted_pages(
        lambda page, rows: {"responses": response_ids(range(page * 3, min(page * 3 + 3, 12)))}
    )
    async with client_on(capped) as client:
        got = [r.id async for r in client.responses.iterate(page_size=5)]
    assert got == [f"r-{i}" for i in range(12)]


async def test_overlapping_pages_yield_each_response_once() -> None:
    """New responses shift the pages (page p holds 3p..3p+4): no response comes out twice."""
    overlapping = scripted_pages(
        lambda page, rows: {"responses": response_ids(range(3 * page, min(3 * page + 5, 14)))}
    )
    async with client_on(overlapping) as client:
        got = [r.id async for r in client.responses.iterate(page_size=5)]
    assert got == [f"r-{i}" for i in range(14)]
