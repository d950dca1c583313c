"""``client.analytics``: summaries and the Net Promoter Score of responses."""

from __future__ import annotations

import httpx
from attrs import frozen

from .._http import Sender
from .._models import NPSReport, ResponseFilter, Summary
from .._models._filters import response_filter

__all__ = ["Analytics"]


@frozen
class Analytics:
    """What the responses add up to (``client.analytics``)."""

    _sender: Sender

    async def summary(
        self, filter: ResponseFilter | None = None, *, timeout: httpx.Timeout | float | None = None
    ) -> Summary:
        """Summarise the matching responses question by question: ``POST /api/summary``.

        Args:
            filter: Which responses; default all.
            timeout: httpx's timeouts for this call, e.g. ``600`` seconds for a large
                account; default the client's (360 s to read).
        """
        return await self._sender.call(
            "POST",
            "/api/summary",
            Summary,
            body=response_filter(filter),
            idempotent=True,
            timeout=timeout,
        )

    async def nps(
        self, filter: ResponseFilter | None = None, *, timeout: httpx.Timeout | float | None = None
    ) -> NPSReport:
        """Return the Net Promoter Score of the matching responses: ``POST /api/FlashNPS``.

        Args:
            filter: Which responses; default all.
            timeout: httpx's timeouts for this call, e.g. ``600`` seconds for a large
                account; default the client's (360 s to read).
        """
        return await self._sender.call(
            "POST",
            "/api/FlashNPS",
            NPSReport,
            body=response_filter(filter),
            idempotent=True,
            timeout=timeout,
        )
