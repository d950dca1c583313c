"""Iterate every item of a paged WXM listing, one page in memory at a time.

WXM's pages say where they are (``currentPage``) and how many there are
(``totalCount``, ``totalPages``), but a field may be missing or ``null``, and a server
may ignore the page number. The iterator trusts none of it alone: it stops at the first
empty page, at a short page, after ``totalPages`` pages, or once it has as many items
as ``totalCount``; and it refuses a page that repeats the one before.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

from attrs import frozen

from ._exceptions import PaginationError

__all__ = ["PageIterator", "Paging"]

P = TypeVar("P")
T = TypeVar("T")


@frozen(kw_only=True)
class Paging(Generic[P, T]):
    """How to read one kind of page: its items, its totals and where it says it is."""

    items: Callable[[P], Sequence[T]]
    key: Callable[[T], Hashable]
    current_page: Callable[[P], int | None]
    total_pages: Callable[[P], int | None]
    total_count: Callable[[P], int | None]


class PageIterator(Generic[P, T]):
    """An async iterator over the items of pages fetched one after another.

    It fetches the next page only when the items of the one before are used up, so
    memory holds one page however many there are. It stops after an empty page, after
    the last page ``totalPages`` reports, and once it has ``totalCount`` items or as
    many pages as ``totalCount`` fills (at the first page's size, in case the server
    gives fewer rows than asked). When a page gives neither total, it goes on to the
    first page shorter than the page size (or than the first page, when the server
    picks the size). Breaking out of ``async for`` early leaves nothing pending.

    Use it with ``async for``; ``pages()`` gives the pages themselves instead.

    Raises:
        PaginationError: A page repeated the one before (the same ``currentPage``, or
            the same items): the server ignored the page number.
    """

    def __init__(
        self,
        fetch: Callable[[int], Awaitable[P]],
        *,
        first_page: int,
        page_size: int | None,
        paging: Paging[P, T],
        what: str = "the listing",
    ) -> None:
        self._fetch = fetch
        self._next = first_page
        self._page_size = page_size
        self._paging = paging
        self._what = what
        self._buffer: deque[T] = deque()
        self._done = False
        self._fetched = 0  # pages
        self._seen = 0  # items
        self._first_length: int | None = None
        self._last_current: int | None = None
        self._last_keys: frozenset[Hashable] | None = None

    def __repr__(self) -> str:
        return f"<PageIterator next_page={self._next} done={self._done}>"

    def __aiter__(self) -> PageIterator[P, T]:
        return self

    async def __anext__(self) -> T:
        while not self._buffer:
            page = await self._next_page()
            if page is None:
                raise StopAsyncIteration
            self._buffer.extend(self._paging.items(page))
        return self._buffer.popleft()

    async def pages(self) -> list[P]:
        """Fetch every remaining page and return them: for small listings only.

        Iterating with ``async for`` keeps one page in memory instead.

        Raises:
            PaginationError: A page repeated the one before.
        """
        pages = []
        while (page := await self._next_page()) is not None:
            pages.append(page)
        return pages

    async def _next_page(self) -> P | None:
        if self._done:
            return None
        number = self._next
        page = await self._fetch(number)
        self._next += 1
        self._fetched += 1
        items = self._paging.items(page)
        if not items:
            self._done = True
            return None
        self._check_not_repeated(page, items, number)
        self._seen += len(items)
        if self._first_length is None:
            self._first_length = len(items)  # the server's page size, if it caps ours
        total_pages = self._paging.total_pages(page)
        total_count = self._paging.total_count(page)
        if total_count is not None:
            allowed = max(1, -(-total_count // self._first_length))
            self._done = self._seen >= total_count or self._fetched >= allowed
        if total_pages is not None and self._fetched >= total_pages:
            self._done = True
        if total_count is None and total_pages is None:
            self._done = len(items) < (self._page_size or self._first_length)
        return page

    def _check_not_repeated(self, page: P, items: Sequence[T], number: int) -> None:
        current = self._paging.current_page(page)
        keys = frozenset(self._paging.key(item) for item in items)
        repeated = (current is not None and current == self._last_current) or (
            keys == self._last_keys
        )
        self._last_current, self._last_keys = current, keys
        if repeated:
            self._done = True
            raise PaginationError(
                f"{self._what}: page {number} repeated the page before it "
                f"(currentPage {current!r}, {len(items)} items); WXM seems to ignore the "
                "page number, so iterating would never end"
            )
