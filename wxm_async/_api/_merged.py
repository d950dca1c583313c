"""Iterate ``POST /api/DeliveryPlan/WXMMergedData``: one batch of token ids per call.

WXM does not page this call: it answers one record per token asked for, all at
once. So the token ids are the pages: the iterator asks for ``batch_size`` of them at a
time, and memory holds one batch's records. It yields only records of tokens it asked
for, each token once, whatever the server repeats or adds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from .._models import MergedDelivery

__all__ = ["DEFAULT_MERGED_BATCH", "MergedDataIterator"]

DEFAULT_MERGED_BATCH = 200
"""Token ids per call; the Invitations module sends one batch's tokens (hundreds) at once."""

Fetch = Callable[[tuple[str, ...]], Awaitable[list[MergedDelivery]]]


class MergedDataIterator:
    """An async iterator over merged delivery records, fetching one batch at a time.

    Breaking out of ``async for`` early leaves nothing pending.
    """

    def __init__(self, fetch: Fetch, token_ids: Sequence[str], batch_size: int) -> None:
        self._fetch = fetch
        self._ids = token_ids
        self._batch_size = batch_size
        self._next = 0  # index of the next token id to ask for
        self._buffer: deque[MergedDelivery] = deque()
        self._yielded: set[str] = set()

    def __repr__(self) -> str:
        return f"<MergedDataIterator {self._next} of {len(self._ids)} token ids asked>"

    def __aiter__(self) -> MergedDataIterator:
        return self

    async def __anext__(self) -> MergedDelivery:
        while not self._buffer:
            if self._next >= len(self._ids):
                raise StopAsyncIteration
            batch = tuple(self._ids[self._next : self._next + self._batch_size])
            self._next += len(batch)
            asked = {token_id.lower() for token_id in batch}
            for record in await self._fetch(batch):
                key = record.token_id.lower()  # WXM's ids ignore case, as its routes do
                if key in asked and key not in self._yielded:
                    self._yielded.add(key)
                    self._buffer.append(record)
        return self._buffer.popleft()
