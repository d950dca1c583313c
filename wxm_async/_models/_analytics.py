"""What the responses add up to: summaries per question and the Net Promoter Score."""

from __future__ import annotations

from datetime import datetime

from attrs import field, frozen

from ._questions import Question

__all__ = ["NPSReport", "NetPromoterScore", "QuestionSummary", "Summary"]


@frozen(kw_only=True)
class NetPromoterScore:
    """The Net Promoter Score of one question (answers from 0 to 10).

    Attributes:
        question_id: The NPS question (``questionID``).
        question_text: Its text.
        promoters: How many answered 9 or 10.
        passives: How many answered 7 or 8 (``passive``).
        detractors: How many answered 0 to 6.
        score: Percent promoters minus percent detractors, -100 to 100, a whole
            number as WXM computes it (``netPromoters``); ``None`` when WXM leaves it
            unset (``null``), which is not a score of 0. The counts of a ``null`` are 0.
        default_index: WXM's ``defaultIndex`` flag, if it sends one.
    """

    question_id: str | None = None
    question_text: str | None = None
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    score: int | None = None
    default_index: bool | None = None


@frozen(kw_only=True)
class NPSReport:
    """The answer of ``FlashNPS``: the Net Promoter Score of the filtered responses.

    Attributes:
        total_responses: How many responses were counted.
        nps: The score (``netPromoter``), or ``None`` if the account has no NPS question.
    """

    total_responses: int = 0
    nps: NetPromoterScore | None = None


@frozen(kw_only=True)
class QuestionSummary:
    """How one question was answered.

    Attributes:
        question: The question (``askedQuestion``).
        counts: How many responses gave each option (``response``).
        rating_trend: The mean rating per day (``ratingTrend``), timezone-aware dates.
    """

    question: Question | None = None
    counts: dict[str, int] = field(factory=dict)
    rating_trend: dict[datetime, float] = field(factory=dict)


@frozen(kw_only=True)
class Summary:
    """A summary of the filtered responses, question by question.

    Attributes:
        questions: Each question's answers, counted (``summary``).
        response_count: How many responses were summarised.
        weighted_score: WXM's weighted score of the responses (a whole number), if it
            computes one.
        nps: The Net Promoter Score, if the account has an NPS question
            (``netPromoter``).
    """

    questions: tuple[QuestionSummary, ...] = ()
    response_count: int = 0
    weighted_score: int | None = None
    nps: NetPromoterScore | None = None
