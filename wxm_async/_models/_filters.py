"""The filter WXM applies to responses, summaries and counts (its "FilterBy")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from attrs import Attribute, field, frozen

__all__ = ["QuestionFilter", "ResponseFilter"]


def _aware(_: object, attribute: Attribute[Any], value: datetime | None) -> None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(
            f"{attribute.name} must be a timezone-aware datetime (e.g. datetime.now(UTC))"
        )


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):  # a lone name, not its letters
        return (values,)
    return tuple(values)


@frozen(kw_only=True)
class QuestionFilter:
    """A condition on the answer to one question.

    Build one with the class methods; they say what WXM's ``answerCheck`` means.

    Attributes:
        question_id: The question the condition is about.
        answer_check: An operator (``"gt"``, ``"lt"``, ``"eq"``) for numeric questions,
            or the accepted option texts for the others.
        number: The number ``answer_check``'s operator compares with.
    """

    question_id: str
    answer_check: tuple[str, ...] = field(converter=_strings)
    number: int | None = None

    @classmethod
    def greater_than(cls, question_id: str, number: int) -> QuestionFilter:
        """Match numeric answers greater than ``number``."""
        return cls(question_id=question_id, answer_check=("gt",), number=number)

    @classmethod
    def less_than(cls, question_id: str, number: int) -> QuestionFilter:
        """Match numeric answers less than ``number``."""
        return cls(question_id=question_id, answer_check=("lt",), number=number)

    @classmethod
    def equal_to(cls, question_id: str, number: int) -> QuestionFilter:
        """Match numeric answers equal to ``number``."""
        return cls(question_id=question_id, answer_check=("eq",), number=number)

    @classmethod
    def any_of(cls, question_id: str, *options: str) -> QuestionFilter:
        """Match text answers that are one of ``options``."""
        return cls(question_id=question_id, answer_check=options)


def _question_filters(values: Iterable[QuestionFilter]) -> tuple[QuestionFilter, ...]:
    return tuple(values)


@frozen(kw_only=True)
class ResponseFilter:
    """Which responses to fetch, count or summarise. Every field narrows; none = all.

    Example:
        ```python
        from datetime import UTC, datetime

        recent_promoters = ResponseFilter(
            after=datetime(2026, 11, 1, tzinfo=UTC),
            questions=[QuestionFilter.greater_than("nps", 8)],
        )
        ```

    Attributes:
        questionnaires: Only responses to these questionnaires (``location``).
        after: Only responses given at or after this moment (``afterdate``);
            timezone-aware.
        before: Only responses given before this moment (``beforedate``); timezone-aware.
        channel: Only responses from this channel, e.g. ``"JS-Web"``, ``"email"``.
        archived: Only archived (``True``) or only live (``False``) responses.
        with_notes: Only responses that have notes.
        questions: Only responses whose answers meet every condition
            (``filterquestions``).
    """

    questionnaires: tuple[str, ...] = field(default=(), converter=_strings)
    after: datetime | None = field(default=None, validator=_aware)
    before: datetime | None = field(default=None, validator=_aware)
    channel: str | None = None
    archived: bool | None = None
    with_notes: bool | None = None
    questions: tuple[QuestionFilter, ...] = field(default=(), converter=_question_filters)
