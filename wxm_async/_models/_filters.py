"""The filter WXM applies to responses, summaries and counts (its "FilterBy")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from attrs import field, frozen, validators

from .._config import check_kind

__all__ = ["EVERY_RESPONSE", "QuestionFilter", "ResponseFilter", "response_filter"]


def _moment(name: str, value: object) -> datetime | None:
    """Read a date bound: a datetime, a date or an ISO 8601 string.

    A date means midnight UTC at its start. A datetime must carry its time zone:
    without one the moment is ambiguous. A string without one is UTC, as WXM writes
    its own dates.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"{name} must be an ISO 8601 date or date and time, not {value!r}"
            ) from None
        if isinstance(value, datetime) and value.utcoffset() is None:
            value = value.replace(tzinfo=UTC)  # WXM's own dates are naive UTC
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(
                f"{name} must be a timezone-aware datetime (e.g. datetime.now(UTC)), "
                "or a string with an offset (e.g. '2026-01-01T00:00:00Z')"
            )
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise TypeError(
        f"{name} must be a datetime, a date or an ISO 8601 string, not {type(value).__name__}"
    )


def _optional(kind: type) -> Callable[[Any, Any, Any], Any]:
    """An attrs validator: ``None``, or an instance of ``kind`` (a TypeError naming the field)."""
    return validators.optional(validators.instance_of(kind))


def _after(value: datetime | date | str | None) -> datetime | None:
    return _moment("after", value)


def _before(value: datetime | date | str | None) -> datetime | None:
    return _moment("before", value)


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):  # a lone name, not its letters
        return (values,)
    if not isinstance(values, Iterable) or not all(isinstance(v, str) for v in values):
        raise TypeError(f"expected a string or strings, not {values!r:.60}")
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
    found = tuple(values)
    if not all(isinstance(value, QuestionFilter) for value in found):
        raise TypeError(
            "questions must be QuestionFilter conditions (QuestionFilter.equal_to(...))"
        )
    return found


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
        after: Only responses given at or after this moment (``afterdate``): a
            timezone-aware datetime, a date (midnight UTC), or an ISO 8601 string
            (``"2026-01-01"``, ``"2026-01-01T09:00:00+05:30"``).
        before: Only responses given before this moment (``beforedate``); as ``after``.
        channel: Only responses from this channel, e.g. ``"JS-Web"``, ``"email"``.
        archived: ``True``: only archived responses. Left unset (or ``False``): only
            live ones, as WXM does: its ``archived`` is a bool that defaults to
            ``false``, and a response filter without it leaves archived responses out.
        with_notes: ``True``: only responses that have notes. ``False`` or unset: no
            filter on notes (WXM's own .NET client always sends ``false``, so WXM
            cannot read it as "only responses without notes").
        questions: Only responses whose answers meet every condition
            (``filterquestions``).
    """

    questionnaires: tuple[str, ...] = field(default=(), converter=_strings)
    after: datetime | None = field(default=None, converter=_after)
    before: datetime | None = field(default=None, converter=_before)
    channel: str | None = field(default=None, validator=_optional(str))
    archived: bool | None = field(default=None, validator=_optional(bool))
    with_notes: bool | None = field(default=None, validator=_optional(bool))
    questions: tuple[QuestionFilter, ...] = field(default=(), converter=_question_filters)


EVERY_RESPONSE = ResponseFilter()
"""The filter a call sends when its caller gives none: every response."""


def response_filter(value: ResponseFilter | None) -> ResponseFilter:
    """The filter a call sends: the caller's, or ``EVERY_RESPONSE`` for ``None``.

    Anything else (a questionnaire's name, a dict) is refused before it is sent: WXM
    would not bind it, and a filter it cannot read is every response.

    Raises:
        ConfigurationError: ``value`` is neither ``None`` nor a ``ResponseFilter``.
    """
    check_kind("filter", value, ResponseFilter, "ResponseFilter(questionnaires=['Survey'])")
    return EVERY_RESPONSE if value is None else value
