"""Iterate every item of a paged WXM listing, one page in memory at a time."""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["PageIterator"]

P = TypeVar("P")
T = TypeVar("T")


class PageIterator(Generic[P, T]):
    """An async iterator over the items of pages fetched one after another.

    It fetches the next page only when the items of the one before are used up, so
    memory holds one page however many there are. It stops after an empty page or
    after the last page the listing reports. Breaking out of ``async for`` early leaves
    nothing pending: no generator to close.

    Use it with ``async for``; ``pages()`` gives the pages themselves instead.
    """

    def __init__(
        self,
        fetch: Callable[[int], Awaitable[P]],
        *,
        first_page: int,
        items: Callable[[P], Sequence[T]],
        total_pages: Callable[[P], int],
    ) -> None:
        self._fetch = fetch
        self._first = first_page
        self._next = first_page
        self._items = items
        self._total_pages = total_pages
        self._buffer: deque[T] = deque()
        self._done = False

    def __repr__(self) -> str:
        return f"<PageIterator next_page={self._next} done={self._done}>"

    def __aiter__(self) -> PageIterator[P, T]:
        return self

    async def __anext__(self) -> T:
        while not self._buffer:
            page = await self._next_page()
            if page is None:
                raise StopAsyncIteration
            self._buffer.extend(self._items(page))
        return self._buffer.popleft()

    async def pages(self) -> list[P]:
        """Fetch every remaining page and return them: for small listings only.

        Iterating with ``async for`` keeps one page in memory instead.
        """
        pages = []
        while (page := await self._next_page()) is not None:
            pages.append(page)
        return pages

    async def _next_page(self) -> P | None:
        if self._done:
            return None
        page = await self._fetch(self._next)
        self._next += 1
        if not self._items(page) or self._next - self._first >= self._total_pages(page):
            self._done = True
        return page if self._items(page) else None
