"""Iterate every item of a paged WXM listing, one page in memory at a time.

WXM's pages say where they are (``currentPage``) and how many there are
(``totalCount``, ``totalPages``), but a field may be missing or ``null``, the two totals
may disagree, and a server may ignore the page number or cap the page size. The
iterator trusts none of it alone: it stops at the first empty page; once it has as many
items as ``totalCount`` (or as many pages as that fills), else after ``totalPages``
pages; without totals, at a page shorter than the longest before it. It never yields an
item twice, and it refuses a page whose items were all seen before (a server going in
circles).
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
    memory holds one page however many there are, and a small hash of each item's id
    (to skip an item a later page repeats, as when new responses shift the pages). It
    stops after an empty page; once it has ``totalCount`` items or as many pages as
    ``totalCount`` fills (at the first page's size, in case the server gives fewer rows
    than asked), which wins over a ``totalPages`` that disagrees; after the last page
    ``totalPages`` reports when there is no ``totalCount``; and, with neither total, at
    the first page shorter than the longest page before it (so a server that caps the
    page size below the one asked loses nothing). Breaking out of ``async for`` early
    leaves nothing pending.

    Use it with ``async for``; ``pages()`` gives the pages themselves instead.

    Raises:
        PaginationError: A page repeated the one before (the same ``currentPage``), or
            held only items already seen: the server ignored the page number.
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
        self._longest = 0  # the longest page so far
        self._last_current: int | None = None
        self._keys: set[int] = set()  # hashes of the ids yielded so far

    def __repr__(self) -> str:
        return f"<PageIterator next_page={self._next} done={self._done}>"

    def __aiter__(self) -> PageIterator[P, T]:
        return self

    async def __anext__(self) -> T:
        while not self._buffer:
            got = await self._next_page()
            if got is None:
                raise StopAsyncIteration
            self._buffer.extend(got[1])
        return self._buffer.popleft()

    async def pages(self) -> list[P]:
        """Fetch every remaining page and return them: for small listings only.

        Iterating with ``async for`` keeps one page in memory instead.

        Raises:
            PaginationError: A page repeated the one before.
        """
        pages = []
        while (got := await self._next_page()) is not None:
            pages.append(got[0])
        return pages

    async def _next_page(self) -> tuple[P, list[T]] | None:
        """Fetch the next page: it and its items not seen before, or ``None`` at the end."""
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
        fresh = self._new_items(page, items, number)
        self._seen += len(items)
        if self._first_length is None:
            self._first_length = len(items)  # the server's page size, if it caps ours
        self._done = self._last_page(page, len(items))
        self._longest = max(self._longest, len(items))
        return page, fresh

    def _last_page(self, page: P, length: int) -> bool:
        """Whether the totals (or, without them, a short page) say this page was the last."""
        assert self._first_length is not None
        total_count = self._paging.total_count(page)
        if total_count is not None:
            allowed = max(1, -(-total_count // self._first_length))
            return self._seen >= total_count or self._fetched >= allowed
        total_pages = self._paging.total_pages(page)
        if total_pages is not None:
            return self._fetched >= total_pages
        return length < self._longest

    def _new_items(self, page: P, items: Sequence[T], number: int) -> list[T]:
        """The items not yielded before; refuse a page that repeats or holds nothing new.

        A short page with nothing new is the end of a listing whose pages overlap (new
        items shifted them); a full one means the server goes in circles.
        """
        current = self._paging.current_page(page)
        repeated = current is not None and current == self._last_current
        self._last_current = current
        fresh = []
        for item in items:
            key = hash(self._paging.key(item))
            if key not in self._keys:
                self._keys.add(key)
                fresh.append(item)
        if not repeated and not fresh and len(items) < self._longest:
            self._done = True  # a short last page that only overlaps the one before
        elif repeated or not fresh:
            self._done = True
            why = (
                f"repeated the page before it (currentPage {current!r} again)"
                if repeated
                else f"repeated a page before it ({len(items)} items, none new)"
            )
            raise PaginationError(
                f"{self._what}: page {number} {why}; WXM seems to ignore the page number, "
                "so iterating would never end"
            )
        return fresh
