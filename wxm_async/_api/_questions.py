"""``client.questions``: the account's questions and questionnaires."""

from __future__ import annotations

from attrs import frozen

from .._http import Sender
from .._models import Question, Questionnaire, QuestionnaireName

__all__ = ["Questions"]


@frozen
class Questions:
    """The account's questions and questionnaires (``client.questions``)."""

    _sender: Sender

    async def active(self) -> list[Question]:
        """Return the questions being asked today: ``GET /api/Questions/Active``.

        Example:
            ```python
            for question in await client.questions.active():
                print(question.id, question.text)
            ```
        """
        return await self._sender.call(
            "GET", "/api/Questions/Active", list[Question], idempotent=True
        )

    async def all(self) -> list[Question]:
        """Return every question, retired ones included: ``GET /api/questions``."""
        return await self._sender.call("GET", "/api/questions", list[Question], idempotent=True)

    async def by_questionnaire(self, name: str) -> list[Question]:
        """Return the questions of one questionnaire: ``POST /api/Questions/Questionnaire``.

        Args:
            name: The questionnaire's name (``Questionnaire.name``).
        """
        return await self._sender.call(
            "POST",
            "/api/Questions/Questionnaire",
            list[Question],
            body=QuestionnaireName(name),
            idempotent=True,  # a query, though WXM takes it as a POST
        )

    async def questionnaires(self) -> list[Questionnaire]:
        """Return the account's questionnaires: ``GET /api/AllSurveyQuestionnaires``."""
        return await self._sender.call(
            "GET", "/api/AllSurveyQuestionnaires", list[Questionnaire], idempotent=True
        )
