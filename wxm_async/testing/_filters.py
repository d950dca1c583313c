"""WXM's filter object (FilterBy): parsed from a request body, matched against answers.

Keys bind ignoring case, unknown keys are ignored, ``null`` is the same as absent, and a
key of the wrong type makes the request invalid (400). As in WXM's .NET types,
``archived`` and ``withNotes`` are bools that default to ``false``: ``archived: false``
keeps live responses only (``mashup.withArchived`` adds the archived ones), and
``withNotes: false`` filters nothing (WXM's own client always sends it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from ._wire import Invalid, parse_iso, typed

_OPERATORS = {"gt", "lt", "eq"}


@frozen
class QuestionCheck:
    """One ``filterquestions`` entry: an operator and number, or option texts."""

    question_id: str
    operator: str | None  # "gt", "lt" or "eq", for numbers
    number: int
    options: frozenset[str]  # lower-cased option texts, for text answers; "any text" matches any

    def matches(self, answer: Mapping[str, Any]) -> bool:
        """Whether ``answer`` has a response to the question that passes the check."""
        for response in answer["responses"]:
            if response["questionId"].lower() != self.question_id:
                continue
            if self.operator is not None:
                value: int = response["numberInput"]
                return {
                    "gt": value > self.number,
                    "lt": value < self.number,
                    "eq": value == self.number,
                }[self.operator]
            text = response["textInput"]
            if not text:
                return False
            return "any text" in self.options or text.lower() in self.options
        return False


@frozen
class FilterBy:
    """The parts of WXM's FilterBy the fake understands."""

    locations: frozenset[str] | None = None  # lower-cased questionnaire names
    after_ms: int | None = None  # inclusive
    before_ms: int | None = None  # exclusive
    archived: bool | None = False  # WXM's default: live responses only; None: both
    channel: str | None = None  # lower-cased surveyClient
    checks: tuple[QuestionCheck, ...] = ()
    any_check: bool = False  # groupBy "OR": one passing check is enough
    with_notes: bool | None = None  # True: only with notes; never "only without"

    @property
    def dates_only(self) -> bool:
        """Whether only the dates and ``archived`` restrict the answers (then no scan)."""
        return (
            self.locations is None
            and self.channel is None
            and not self.checks
            and self.with_notes is None
        )

    def matches_outline(
        self, *, location: str, archived: bool, channel: str, has_notes: bool
    ) -> bool:
        """Whether an answer's outline passes every part but the dates and the checks."""
        if self.locations is not None and location.lower() not in self.locations:
            return False
        if self.archived is not None and archived != self.archived:
            return False
        if self.channel is not None and channel.lower() != self.channel:
            return False
        return not self.with_notes or has_notes

    def matches_checks(self, answer: Mapping[str, Any]) -> bool:
        """Whether ``answer`` passes the ``filterquestions`` checks (all, or one for OR)."""
        if not self.checks:
            return True
        passed = (check.matches(answer) for check in self.checks)
        return any(passed) if self.any_check else all(passed)


def parse_filter(body: Mapping[str, Any]) -> FilterBy:
    """Build a ``FilterBy`` from a JSON object whose keys are already lower-cased.

    Raises:
        Invalid: A key has the wrong type or a date is not ISO-8601.
    """
    locations = typed(body, "location", list)
    if locations is not None:
        if not all(isinstance(name, str) for name in locations):
            raise Invalid("'location' must be a list of strings.")
        locations = frozenset(name.lower() for name in locations) or None
    after = body.get("afterdate")
    before = body.get("beforedate")
    channel = typed(body, "channel", str)
    checks, any_check = _parse_checks(typed(body, "filterquestions", list, []))
    mashup = typed(body, "mashup", dict, {})
    with_archived = typed({str(k).lower(): v for k, v in mashup.items()}, "withArchived", bool)
    archived = typed(body, "archived", bool, False)
    return FilterBy(
        locations=locations,
        after_ms=None if after is None else parse_iso(after, "afterdate"),
        before_ms=None if before is None else parse_iso(before, "beforedate"),
        archived=None if with_archived else archived,
        channel=channel.lower() if channel else None,
        checks=checks,
        any_check=any_check,
        with_notes=typed(body, "withNotes", bool) or None,
    )


def _parse_checks(entries: list[Any]) -> tuple[tuple[QuestionCheck, ...], bool]:
    checks = []
    any_check = False
    for entry in entries:
        if not isinstance(entry, dict):
            raise Invalid("'filterquestions' must be a list of objects.")
        entry = {str(k).lower(): v for k, v in entry.items()}
        question_id = typed(entry, "questionId", str)
        if not question_id:
            raise Invalid("'filterquestions' entries need a 'questionId'.")
        words = typed(entry, "answerCheck", list, [])
        if not all(isinstance(word, str) for word in words):
            raise Invalid("'answerCheck' must be a list of strings.")
        number = typed(entry, "number", int, 0)
        group = typed(entry, "groupBy", str, "AND")
        any_check = any_check or group.upper() == "OR"
        lowered = [word.strip().lower() for word in words]
        if len(lowered) == 1 and lowered[0] in _OPERATORS:
            checks.append(QuestionCheck(question_id.lower(), lowered[0], number, frozenset()))
        else:
            options = frozenset(o.strip() for word in lowered for o in word.split(",") if o.strip())
            checks.append(QuestionCheck(question_id.lower(), None, number, options))
    return tuple(checks), any_check
