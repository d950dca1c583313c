"""Survey tokens: the links through which people answer a survey."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from ._responses import Answer

__all__ = ["SurveyToken", "SurveyTokenPage"]


@frozen(kw_only=True)
class SurveyToken:
    """A survey link's token, e.g. ``DM-21988``, with what it is good for.

    Attributes:
        id: The token; the survey is at ``.../{id}``.
        questionnaire: The questionnaire it opens (``location``).
        valid_till: When it stops working, timezone-aware.
        valid_uses: How many times it can be answered.
        prefill: Answers filled in before the respondent sees the survey (``preFill``).
        note: A free-form note, often used to find tokens again.
        preferred_language: The survey's language, e.g. ``"en"``.
        user: The account that owns it.
    """

    id: str
    questionnaire: str | None = None
    valid_till: datetime | None = None
    valid_uses: int | None = None
    prefill: tuple[Answer, ...] = ()
    note: str | None = None
    preferred_language: str | None = None
    user: str | None = None


@frozen(kw_only=True)
class SurveyTokenPage:
    """One page of survey tokens, as ``GET /api/surveytoken/page/{page}/all`` gives it.

    Attributes:
        page: The page number WXM says this is (``currentPage``), if it says.
        tokens: The tokens on this page.
        total_count: How many tokens there are on all pages, if WXM says.
        total_pages: How many pages there are, if WXM says.
    """

    page: int | None = None
    tokens: tuple[SurveyToken, ...] = ()
    total_count: int | None = None
    total_pages: int | None = None
