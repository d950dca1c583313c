"""``client.survey_tokens``: the links through which people answer surveys."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from datetime import datetime

from attrs import frozen

from .._config import check_aware
from .._exceptions import ConfigurationError, WXMError
from .._http import Sender
from .._models import (
    Answer,
    DispatchTokensRequest,
    SurveyToken,
    SurveyTokenPage,
    TokenDetails,
)
from .._paths import id_list, number_segment, segment
from . import _token_files
from ._surveys import checked_answers

__all__ = ["SurveyTokens", "token_details"]


@frozen
class SurveyTokens:
    """Survey links (``client.survey_tokens``): create, find, page, update, delete.

    Also made in bulk from a CSV file, and drawn as QR codes.
    """

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
        body = token_details(
            questionnaire=questionnaire,
            valid_till=valid_till,
            valid_uses=valid_uses,
            prefill=prefill,
            note=note,
            preferred_language=preferred_language,
        )
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
        body = DispatchTokensRequest(
            dispatch_id=dispatch_id,
            prefills=_checked_prefills(prefills),
            uuid_question_id=uuid_question_id,
            batch_question_id=batch_question_id,
        )
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

    async def delete_many(self, token_ids: Iterable[str]) -> None:
        """Delete several survey tokens in one call: ``POST /api/surveytoken/delete/``.

        Example:
            ```python
            old = await client.survey_tokens.search(note="spring-campaign")
            await client.survey_tokens.delete_many(token.id for token in old)
            ```

        Args:
            token_ids: The tokens' ids; none at all sends nothing.

        Raises:
            ConfigurationError: ``token_ids`` is a string, or holds something that is not
                a non-empty string of at most ``MAX_ID_LENGTH`` characters.
            WXMError: WXM answered ``false``.
        """
        ids = id_list(token_ids, "token_ids")
        if not ids:
            return
        done = await self._sender.call(
            "POST", "/api/surveytoken/delete/", bool, body=ids, idempotent=True
        )
        if not done:
            raise WXMError(f"WXM did not delete the {len(ids)} survey tokens (it answered false)")

    async def update(self, token: SurveyToken) -> SurveyToken:
        """Replace a survey token's settings: ``POST /api/surveytoken/update/{id}``.

        WXM replaces the token with what is sent; fields this library does not model
        (``requireCaptcha``, ``rewardCode``...) are not sent, and ``None`` fields are
        left out. Start from ``get()`` and change what you need with ``attrs.evolve``.

        Example:
            ```python
            from datetime import UTC, datetime, timedelta

            import attrs

            token = await client.survey_tokens.create(
                questionnaire="CustomerSurvey", valid_till=datetime.now(UTC) + timedelta(days=1)
            )
            longer = attrs.evolve(token, valid_till=token.valid_till + timedelta(days=30))
            updated = await client.survey_tokens.update(longer)
            print(updated.valid_till)
            ```

        Args:
            token: The token as it should be; ``token.id`` names the one to update.

        Returns:
            The token as WXM saved it.

        Raises:
            ConfigurationError: ``token`` is not a ``SurveyToken``, its id cannot be a
                path segment, or its ``valid_till`` is a naive datetime.
            NotFoundError: There is no such token.
        """
        if not isinstance(token, SurveyToken):
            raise ConfigurationError(f"token must be a SurveyToken, not {type(token).__name__}")
        if token.valid_till is not None:
            check_aware("token.valid_till", token.valid_till)
        path = f"/api/surveytoken/update/{segment(token.id, 'token.id')}"
        return await self._sender.call("POST", path, SurveyToken, body=token, idempotent=True)

    async def search(
        self, *, questionnaire: str | None = None, note: str | None = None
    ) -> builtins.list[SurveyToken]:
        """Return the tokens of a questionnaire, with a note, or both.

        ``GET /api/surveytoken/search/{location}[/{note}]``, or
        ``GET /api/surveytoken/all/{note}`` with a note alone.

        Example:
            ```python
            mine = await client.survey_tokens.search(questionnaire="CustomerSurvey")
            spring = await client.survey_tokens.search(note="spring-campaign")
            print(len(mine), len(spring))
            ```

        Args:
            questionnaire: The questionnaire the tokens open.
            note: The note the tokens were created with.

        Raises:
            ConfigurationError: Neither is given, or one cannot be a path segment.
        """
        if questionnaire is None and note is None:
            raise ConfigurationError("search() needs questionnaire=..., note=... or both")
        if questionnaire is None:
            path = f"/api/surveytoken/all/{segment(note, 'note')}"  # type: ignore[arg-type]
        else:
            path = f"/api/surveytoken/search/{segment(questionnaire, 'questionnaire')}"
            if note is not None:
                path += f"/{segment(note, 'note')}"
        return await self._sender.call("GET", path, builtins.list[SurveyToken], idempotent=True)

    async def page(self, page: int = 0) -> SurveyTokenPage:
        """Return one page of the account's tokens: ``GET /api/surveytoken/page/{page}/all``.

        WXM sets the page size. The vendor's client starts at page 0.

        Example:
            ```python
            first = await client.survey_tokens.page(0)
            print(len(first.tokens), "of", first.total_count)
            ```

        Args:
            page: The page number, from 0.

        Raises:
            ConfigurationError: ``page`` is not a whole number of at least 0.
        """
        path = f"/api/surveytoken/page/{number_segment(page, 'page', at_least=0)}/all"
        return await self._sender.call("GET", path, SurveyTokenPage, idempotent=True)

    async def qr(self, token_id: str) -> bytes:
        r"""Return the token's QR code, a PNG image: ``GET /api/SurveyByToken/QR/{token}``.

        Example:
            ```python
            from datetime import UTC, datetime, timedelta

            token = await client.survey_tokens.create(
                questionnaire="CustomerSurvey", valid_till=datetime.now(UTC) + timedelta(days=1)
            )
            png = await client.survey_tokens.qr(token.id)
            assert png.startswith(b"\x89PNG")
            ```

        Args:
            token_id: The token, e.g. ``"DM-10001"``.

        Returns:
            The PNG file's bytes (WXM's are 200 x 200 pixels).

        Raises:
            ConfigurationError: ``token_id`` cannot be a path segment.
            NotFoundError: There is no such token.
            DecodeError: The answer is not a PNG image.
            ResponseTooLargeError: The answer is larger than ``MAX_QR_BYTES`` (1 MiB).
        """
        return await _token_files.download_qr(self._sender, token_id)

    async def import_csv(
        self,
        csv: bytes,
        *,
        questionnaire: str,
        valid_days: int = 30,
        valid_uses: int = 1,
        delivery_plan_id: str | None = None,
    ) -> bytes:
        r"""Make one token per row of a CSV file, and return the file with the tokens in.

        Uploads the file as WXM's dashboard does
        (``POST /api/SurveyByToken/Import/{days}/{uses}/{location}[/{deliveryWorkflowId}]``,
        multipart part ``files``), then downloads the file WXM fills in
        (``GET /api/Download/{code}``). The rows follow the sample file the dashboard
        offers for the questionnaire. Not retried: the tokens might be made twice.

        Example:
            ```python
            rows = b"q3\nann@example.com\nbob@example.com\n"
            filled = await client.survey_tokens.import_csv(rows, questionnaire="CustomerSurvey")
            print(filled.decode())
            ```

        Args:
            csv: The file's bytes, at most ``MAX_CSV_BYTES`` (32 MiB).
            questionnaire: The questionnaire the tokens open.
            valid_days: For how many days each token works.
            valid_uses: How many times each token can be answered.
            delivery_plan_id: A delivery plan to hand the tokens to, if any.

        Returns:
            The CSV file WXM made: the rows, with their tokens.

        Raises:
            ConfigurationError: ``csv`` is not bytes, is empty or too large; a number
                is below 1; a name cannot be a path segment.
            DecodeError: WXM's answer is not the path of a file to download.
            BadRequestError: WXM refused the file.
        """
        return await _token_files.import_csv(
            self._sender,
            csv,
            questionnaire=questionnaire,
            valid_days=valid_days,
            valid_uses=valid_uses,
            delivery_plan_id=delivery_plan_id,
        )


def _checked_prefills(prefills: Iterable[Sequence[Answer]]) -> tuple[tuple[Answer, ...], ...]:
    """The caller's rows of prefills, each a list of ``Answer``, read once.

    Raises:
        ConfigurationError: ``prefills`` is not a list of lists of ``Answer``.
    """
    if isinstance(prefills, str | bytes | Answer) or not isinstance(prefills, Iterable):
        raise ConfigurationError("prefills must be a list of lists of Answer")
    return tuple(checked_answers(row, "each of prefills") for row in prefills)


def token_details(
    *,
    questionnaire: str,
    valid_till: datetime,
    valid_uses: int,
    prefill: Iterable[Answer],
    note: str | None,
    preferred_language: str | None,
) -> TokenDetails:
    """The token to make, a ``SurveyToken`` without the id WXM assigns, from checked arguments.

    For ``create`` and for ``delivery.request_invitation``, which makes one too.

    Raises:
        ConfigurationError: ``valid_till`` is naive, or ``prefill`` is not answers.
    """
    check_aware("valid_till", valid_till)
    return TokenDetails(
        questionnaire=questionnaire,
        valid_till=valid_till,
        valid_uses=valid_uses,
        prefill=checked_answers(prefill, "prefill"),
        note=note,
        preferred_language=preferred_language,
    )
