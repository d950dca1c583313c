"""``client.surveys``: what a survey front end does, without the account's credentials."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from attrs import frozen

from .._exceptions import ConfigurationError
from .._http import Sender
from .._models import Answer, Survey, SurveyResponse, SurveySubmission
from .._paths import segment

__all__ = ["Surveys", "checked_answers", "response_time"]


@frozen
class Surveys:
    """Show, answer and save surveys by their token (``client.surveys``).

    These calls take no credentials and never send the account's: a client built with
    ``AnonymousAuth()`` can make them, as can any other. WXM knows the respondent by
    the token alone.
    """

    _sender: Sender

    async def get(self, token: str, device_id: str | None = None) -> Survey:
        """Return the questionnaire of a token: ``GET /api/SurveyByToken/{token}[/{deviceId}]``.

        Example:
            ```python
            survey = await client.surveys.get("DM-10001")
            for question in sorted(survey.questions, key=lambda q: q.sequence or 0):
                print(question.text)
            ```

        Args:
            token: The survey token, e.g. ``"DM-10001"`` (``SurveyToken.id``).
            device_id: The respondent's device, for surveys answered in an app.

        Returns:
            The questions, the prefilled answers, the branding and texts, and the
            ``partial_response_id`` to save answers given so far under.

        Raises:
            ConfigurationError: ``token`` or ``device_id`` cannot be a path segment.
            NotFoundError: WXM knows no such token (the fake answers 404).
            BadRequestError: The token expired or was used up (the fake answers 400).
        """
        path = f"/api/SurveyByToken/{segment(token, 'token')}"
        if device_id is not None:
            path += f"/{segment(device_id, 'device_id')}"
        return await self._sender.call("GET", path, Survey, idempotent=True, anonymous=True)

    async def submit(
        self,
        token: str,
        answers: Sequence[Answer],
        *,
        response_date_time: datetime | None = None,
        channel: str | None = None,
        duration: int | None = None,
        device_id: str | None = None,
    ) -> SurveyResponse:
        """Submit one respondent's answers: ``POST /api/SurveyByToken/{token}``.

        Retried only where WXM cannot have recorded it (a 429, a connection never
        opened), never after a 5xx or a lost answer: it could be recorded twice.

        Example:
            ```python
            response = await client.surveys.submit(
                "DM-10001",
                [Answer(question_id="q-nps", number=9), Answer(question_id="q-comment", text="Fast")],
                channel="JS-Web",
            )
            print(response.id)
            ```

        Args:
            token: The survey token.
            answers: The answers, one per question answered.
            response_date_time: When it was answered; default now; naive is UTC.
            channel: Where it was answered, e.g. ``"JS-Web"`` (``surveyClient``).
            duration: How long answering took, in seconds.
            device_id: The device it was answered on, for app surveys.

        Returns:
            The response as WXM recorded it.

        Raises:
            ConfigurationError: A bad ``token``, ``answers`` or ``response_date_time``.
            NotFoundError: WXM knows no such token (the fake answers 404).
            BadRequestError: The token expired or was used up, or WXM refused the answers.
        """
        path = f"/api/SurveyByToken/{segment(token, 'token')}"
        body = SurveySubmission(
            response_date_time=response_time(response_date_time),
            answers=checked_answers(answers),
            channel=channel,
            duration=duration,
            device_id=device_id,
        )
        return await self._sender.call(
            "POST", path, SurveyResponse, body=body, idempotent=False, anonymous=True
        )

    async def save_partial(
        self,
        partial_response_id: str | None,
        answers: Sequence[Answer],
        *,
        complete: bool = False,
        channel: str | None = None,
        device_id: str | None = None,
    ) -> None:
        """Save the answers given so far: ``POST /api/PartialSurvey/...``.

        The path is ``/api/PartialSurvey/{partialResponseId}/{complete}[/{channel}[/{deviceId}]]``.
        Survey front ends call it as the respondent moves on, so that an abandoned
        survey still counts. WXM's answer is not documented; it is read and dropped.

        Example:
            ```python
            survey = await client.surveys.get("DM-10001")
            await client.surveys.save_partial(
                survey.partial_response_id, [Answer(question_id="q-nps", number=9)]
            )
            ```

        Args:
            partial_response_id: ``Survey.partial_response_id`` of ``get()``.
            answers: The answers given so far.
            complete: Whether these are all the answers the respondent will give.
            channel: Where it is answered, e.g. ``"JS-Web"``.
            device_id: The device, for app surveys; needs ``channel``, as the path does.

        Raises:
            ConfigurationError: An id cannot be a path segment, ``partial_response_id``
                is ``None`` (the survey has none), or ``device_id`` comes without ``channel``.
            NotFoundError: WXM knows no such partial response (the fake answers 404).
        """
        path = _partial_path(partial_response_id, complete, channel, device_id)
        await self._sender.send(
            "POST", path, body=list(checked_answers(answers)), idempotent=False, anonymous=True
        )


def _partial_path(
    partial_response_id: str | None, complete: bool, channel: str | None, device_id: str | None
) -> str:
    """``/api/PartialSurvey/{partialResponseId}/{complete}[/{channel}[/{deviceId}]]``, checked."""
    if partial_response_id is None:
        raise ConfigurationError(
            "partial_response_id is None: the survey WXM sent has no partialResponseId"
        )
    if device_id is not None and channel is None:
        raise ConfigurationError("save_partial(device_id=...) needs channel=... too")
    path = (
        f"/api/PartialSurvey/{segment(partial_response_id, 'partial_response_id')}"
        f"/{'true' if complete else 'false'}"
    )
    if channel is not None:
        path += f"/{segment(channel, 'channel')}"
    if device_id is not None:
        path += f"/{segment(device_id, 'device_id')}"
    return path


def response_time(value: datetime | None, name: str = "response_date_time") -> datetime:
    """When a response (or a note) was given: ``value`` (a naive one is UTC), or now.

    Raises:
        ConfigurationError: ``value`` is not a datetime.
    """
    when = datetime.now(UTC) if value is None else value
    if not isinstance(when, datetime):
        raise ConfigurationError(f"{name} must be a datetime, not {type(when).__name__}")
    # WXM writes naive dates as UTC, and so does the converter.
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def checked_answers(answers: Iterable[Answer], name: str = "answers") -> tuple[Answer, ...]:
    """The caller's answers, checked: a string, a mapping or a lone ``Answer`` is not a list of them.

    Any iterable (a generator too) is read once.

    Raises:
        ConfigurationError: ``answers`` is not an iterable of ``Answer``.
    """
    if isinstance(answers, str | bytes | Answer | Mapping) or not isinstance(answers, Iterable):
        raise ConfigurationError(f"{name} must be a list of Answer")
    found = tuple(answers)
    if not all(isinstance(answer, Answer) for answer in found):
        raise ConfigurationError(f"{name} must be a list of Answer")
    return found
