"""Survey responses (WXM's "answers"), their notes, and pages of them."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

__all__ = ["Answer", "NewResponse", "Note", "ResponsePage", "SurveyResponse"]


@frozen(kw_only=True)
class Answer:
    """The answer to one question: text for text questions, a number for the others.

    Also what a survey token is prefilled with.

    Attributes:
        question_id: The question answered.
        question_text: The question's text when the answer was given, if WXM sent it.
        text: The text answer (``textInput``), or ``None``.
        number: The numeric answer (``numberInput``), or ``None``.
    """

    question_id: str
    question_text: str | None = None
    text: str | None = None
    number: int | None = None


@frozen(kw_only=True)
class Note:
    """A note someone added to a response.

    Attributes:
        text: The note, or ``None`` for a note of attachments only.
        user: The user who added it.
        author_name: The author's name.
        note_time: When it was added, timezone-aware.
    """

    text: str | None = None
    user: str | None = None
    author_name: str | None = None
    note_time: datetime | None = None


@frozen(kw_only=True)
class SurveyResponse:
    """One completed survey: who answered what, when, through which channel.

    Attributes:
        id: The response's id.
        questionnaire: The questionnaire answered (``locationId``).
        response_date_time: When it was answered, timezone-aware.
        answers: The answers, one per question answered (``responses``).
        channel: Where it was answered, e.g. ``"JS-Web"``, ``"email"`` (``surveyClient``).
        duration: How long answering took, in seconds (``responseDuration``).
        archived: Whether it was archived.
        notes: Notes added to it.
        device_id: The device it came from, if known.
        user: The account it belongs to.
    """

    id: str
    questionnaire: str | None = None
    response_date_time: datetime | None = None
    answers: tuple[Answer, ...] = ()
    channel: str | None = None
    duration: int | None = None
    archived: bool = False
    notes: tuple[Note, ...] = ()
    device_id: str | None = None
    user: str | None = None


@frozen(kw_only=True)
class ResponsePage:
    """One page of responses, as ``POST /api/answers/page/{page}/{rows}`` gives it.

    Attributes:
        page: The page number WXM says this is (``currentPage``), if it says.
        responses: The responses on this page.
        total_count: How many responses match the filter, on all pages, if WXM says.
        total_pages: How many pages there are at this page size, if WXM says.
    """

    page: int | None = None
    responses: tuple[SurveyResponse, ...] = ()
    total_count: int | None = None
    total_pages: int | None = None


@frozen(kw_only=True)
class NewResponse:
    """The body of ``POST /api/answers/add``: a response the account records itself.

    Private to the library: ``client.responses.add`` builds it; ``_converter`` spells it.
    """

    questionnaire: str
    response_date_time: datetime
    answers: tuple[Answer, ...] = ()
    channel: str | None = None
    duration: int | None = None
    device_id: str | None = None
