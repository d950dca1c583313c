"""``client.survey_tokens``: the links through which people answer surveys."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from datetime import datetime

from attrs import frozen

from .._converter import unstructure
from .._exceptions import WXMError
from .._http import Sender
from .._models import Answer, SurveyToken
from .._paths import segment

__all__ = ["SurveyTokens"]


@frozen
class SurveyTokens:
    """Survey tokens: create, list, read and delete survey links (``client.survey_tokens``)."""

    _sender: Sender

    async def create(
        self,
        *,
        questionnaire: str,
        valid_till: datetime,
        valid_uses: int = 1,
        prefill: Iterable[Answer] = (),
        note: str | None = None,
        preferred_language: str | None = None,
    ) -> SurveyToken:
        """Create one survey token: ``POST /api/surveytoken``.

        Not retried on a server error: a second token might be created.

        Example:
            ```python
            token = await client.survey_tokens.create(
                questionnaire="Store visit",
                valid_till=datetime.now(UTC) + timedelta(days=7),
                prefill=[Answer(question_id="email", text="ann@example.com")],
            )
            print(token.id)
            ```

        Args:
            questionnaire: The questionnaire the link opens.
            valid_till: When the link stops working; timezone-aware.
            valid_uses: How many times it can be answered.
            prefill: Answers filled in before the respondent sees the survey.
            note: A free-form note, to find the token again.
            preferred_language: The survey's language, e.g. ``"en"``.
        """
        if valid_till.utcoffset() is None:
            raise ValueError("valid_till must be a timezone-aware datetime")
        new = SurveyToken(
            id="",  # WXM assigns it
            questionnaire=questionnaire,
            valid_till=valid_till,
            valid_uses=valid_uses,
            prefill=tuple(prefill),
            note=note,
            preferred_language=preferred_language,
        )
        body = unstructure(new)
        del body["id"]
        return await self._sender.call(
            "POST", "/api/surveytoken", SurveyToken, body=body, idempotent=False
        )

    async def bulk_for_dispatch(
        self,
        dispatch_id: str,
        prefills: Iterable[Sequence[Answer]],
        *,
        uuid_question_id: str,
        batch_question_id: str,
    ) -> dict[str, tuple[Answer, ...]]:
        """Create one token per prefill, for a dispatch: ``POST /api/SurveyByToken/Import/Dispatch``.

        Not retried on a server error: tokens might be created twice.

        Args:
            dispatch_id: The dispatch (``Dispatch.id``) the tokens are for.
            prefills: For each token, the answers filled in (one recipient each).
            uuid_question_id: The question that holds each recipient's unique id.
            batch_question_id: The question that holds the batch id.

        Returns:
            Each new token, with the prefill it was created with.
        """
        body = {
            "DispatchId": dispatch_id,
            # WXM's own spelling of the key.
            "PrefillReponse": [list(row) for row in prefills],
            "UUID": uuid_question_id,
            "Batchid": batch_question_id,
        }
        return await self._sender.call(
            "POST",
            "/api/SurveyByToken/Import/Dispatch",
            dict[str, tuple[Answer, ...]],
            body=body,
            idempotent=False,
        )

    async def list(self) -> builtins.list[SurveyToken]:
        """Return the account's survey tokens: ``GET /api/surveytoken``."""
        return await self._sender.call(
            "GET", "/api/surveytoken", builtins.list[SurveyToken], idempotent=True
        )

    async def get(self, token_id: str) -> SurveyToken:
        """Return one survey token: ``GET /api/SurveyToken/Id/{id}``.

        Raises:
            NotFoundError: There is no such token.
        """
        return await self._sender.call(
            "GET",
            f"/api/SurveyToken/Id/{segment(token_id, 'token_id')}",
            SurveyToken,
            idempotent=True,
        )

    async def delete(self, token_id: str) -> None:
        """Delete one survey token: ``GET /api/surveytoken/delete/{id}`` (WXM uses GET).

        Raises:
            NotFoundError: There is no such token.
            WXMError: WXM answered ``false``.
        """
        done = await self._sender.call(
            "GET", f"/api/surveytoken/delete/{segment(token_id, 'token_id')}", bool, idempotent=True
        )
        if not done:
            raise WXMError(f"WXM did not delete the survey token {token_id!r} (it answered false)")
