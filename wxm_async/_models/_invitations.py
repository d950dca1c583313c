"""The body of ``POST /api/RequestInvitation``: a token, and whom WXM sends it to.

Private to the library: ``client.delivery.request_invitation`` takes keyword arguments
and builds these; ``_converter`` alone knows WXM's names for their fields (among them
the misspelt ``nonRepeatByUniquieQuestionTag``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from attrs import frozen

from ._responses import Answer

__all__ = ["InvitationRequest", "TokenDetails"]


@frozen(kw_only=True)
class TokenDetails:
    """The token to make (``tokenDetails``): a ``SurveyToken`` without its id."""

    questionnaire: str
    valid_till: datetime
    valid_uses: int  # no default: always sent, whatever WXM's default is
    prefill: tuple[Answer, ...] = ()
    note: str | None = None
    preferred_language: str | None = None


@frozen(kw_only=True)
class InvitationRequest:
    """Whom to invite, how, and the token their invitation carries."""

    token: TokenDetails
    customer_name: str | None = None
    email: str | None = None
    phone: str | None = None
    sms: bool = False
    subject: str | None = None
    template_url: str | None = None
    unique_by_question_tag: str | None = None
    not_within_days: int | None = None
    prefill_question_id: str | None = None
    prefill_by_question_tag: Mapping[str, str] | None = None
