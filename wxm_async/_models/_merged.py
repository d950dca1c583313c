"""What WXM knows of each token's invitation: its delivery events and its answers.

``POST /api/DeliveryPlan/WXMMergedData`` answers one record per token, merged from
the delivery events and the responses (cisco/WXM-Invitations ``WXMDeliveryEvents``).
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from ._delivery import DeliveryEvent
from ._filters import ResponseFilter
from ._responses import Answer

__all__ = ["MergedDataRequest", "MergedDelivery"]


@frozen(kw_only=True)
class MergedDelivery:
    """One token's invitation: what happened to it, and the answers it brought.

    Attributes:
        token_id: The survey token (``_id``).
        answers: The answers given through it, if any (``responses``).
        answered_at: When it was answered; ``None`` if not (WXM sends .NET's MinValue).
        partial: Whether the answers are a partial response.
        events: What happened to the invitation: sent, opened, answered... (``wxmEvents``).
    """

    token_id: str
    answers: tuple[Answer, ...] = ()
    answered_at: datetime | None = None
    partial: bool = False
    events: tuple[DeliveryEvent, ...] = ()


@frozen(kw_only=True)
class MergedDataRequest:
    """The body of ``POST /api/DeliveryPlan/WXMMergedData``: a date filter and token ids.

    Private to the library; ``_converter`` spells it (``filter``, ``TokenIds``).
    """

    filter: ResponseFilter
    token_ids: tuple[str, ...]
