"""``client.responses``: survey responses, filtered, paged, counted and annotated."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from datetime import datetime

import httpx
from attrs import frozen

from .._exceptions import ConfigurationError, WXMError
from .._http import Sender
from .._models import Answer, NewResponse, Note, ResponseFilter, ResponsePage, SurveyResponse
from .._models._filters import response_filter
from .._pagination import PageIterator, Paging
from .._paths import number_segment, segment
from ._surveys import checked_answers, response_time

__all__ = ["DEFAULT_PAGE_SIZE", "Responses"]

DEFAULT_PAGE_SIZE = 500
"""Responses per page when iterating; WXM documents no maximum."""

_RESPONSE_PAGING: Paging[ResponsePage, SurveyResponse] = Paging(
    items=lambda page: page.responses,
    key=lambda response: response.id,
    current_page=lambda page: page.page,
    total_pages=lambda page: page.total_pages,
    total_count=lambda page: page.total_count,
)


@frozen
class Responses:
    """Survey responses (``client.responses``); WXM calls them answers."""

    _sender: Sender
    _first_page: int

    async def list(
        self, filter: ResponseFilter | None = None, *, timeout: httpx.Timeout | float | None = None
    ) -> builtins.list[SurveyResponse]:
        """Return every response that matches, in one answer: ``POST /api/answers``.

        For many responses, ``iterate()`` is kinder to both sides. WXM answers
        ``null`` when nothing matches: that is an empty list.

        Args:
            filter: Which responses; default all.
            timeout: httpx's timeouts for this call, e.g. ``600`` seconds for a large
                account; default the client's (360 s to read).
        """
        return await self._sender.call(
            "POST",
            "/api/answers",
            builtins.list[SurveyResponse],
            body=response_filter(filter),
            idempotent=True,
            timeout=timeout,
        )

    async def page(
        self, page: int, *, rows: int = DEFAULT_PAGE_SIZE, filter: ResponseFilter | None = None
    ) -> ResponsePage:
        """Return one page of responses: ``POST /api/answers/page/{page}/{rows}``.

        Args:
            page: The page number; the first page is the client's ``first_page``.
            rows: Responses per page.
            filter: Which responses; default all.
        """
        return await self._sender.call(
            "POST",
            f"/api/answers/page/{number_segment(page, 'page', at_least=0)}"
            f"/{number_segment(rows, 'rows', at_least=1)}",
            ResponsePage,
            body=response_filter(filter),
            idempotent=True,
        )

    def iterate(
        self, filter: ResponseFilter | None = None, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> PageIterator[ResponsePage, SurveyResponse]:
        """Iterate every matching response, fetching one page at a time.

        Memory holds one page, however many responses match. Responses that arrive
        while iterating can shift the pages; pin ``filter.before`` to a moment in the
        past for a stable snapshot. It goes on to the end when WXM leaves out
        ``totalPages``, never asks for more pages than ``totalCount`` fills, and
        raises ``PaginationError`` rather than loop if WXM repeats a page.

        Example:
            ```python
            async for response in client.responses.iterate(ResponseFilter(after=since)):
                print(response.id, response.response_date_time)
            ```

        Args:
            filter: Which responses; default all.
            page_size: Responses per page.

        Raises:
            ConfigurationError: ``filter`` is not a ``ResponseFilter`` (at once).
            PaginationError: WXM answered the same page twice in a row.
        """
        chosen = response_filter(filter)

        async def fetch(page: int) -> ResponsePage:
            return await self.page(page, rows=page_size, filter=chosen)

        return PageIterator(
            fetch,
            first_page=self._first_page,
            page_size=page_size,
            paging=_RESPONSE_PAGING,
            what="POST /api/answers/page/{page}/{rows}",
        )

    async def count(
        self, filter: ResponseFilter | None = None, *, timeout: httpx.Timeout | float | None = None
    ) -> int:
        """Return how many responses match: ``POST /api/answers/count``.

        Args:
            filter: Which responses; default all.
            timeout: httpx's timeouts for this call; default the client's.
        """
        return await self._sender.call(
            "POST",
            "/api/answers/count",
            int,
            body=response_filter(filter),
            idempotent=True,
            timeout=timeout,
        )

    async def get(self, response_id: str) -> SurveyResponse:
        """Return one response: ``GET /api/answer/{id}``.

        Raises:
            NotFoundError: There is no response with that id.
        """
        return await self._sender.call(
            "GET",
            f"/api/answer/{segment(response_id, 'response_id')}",
            SurveyResponse,
            idempotent=True,
        )

    async def add_note(
        self, response_id: str, text: str, *, note_time: datetime | None = None
    ) -> None:
        """Add a note to a response: ``POST /api/Answers/Note/{id}``.

        Not retried on a server error: the note might have been added twice.

        Args:
            response_id: The response to annotate.
            text: The note.
            note_time: When the note was written (naive is UTC); default: WXM's clock.

        Raises:
            ConfigurationError: ``note_time`` is not a datetime.
        """
        await self._sender.send(
            "POST",
            f"/api/Answers/Note/{segment(response_id, 'response_id')}",
            body=Note(
                text=text,
                note_time=None if note_time is None else response_time(note_time, "note_time"),
            ),
            idempotent=False,
        )

    async def add(
        self,
        questionnaire: str,
        answers: Sequence[Answer],
        *,
        response_date_time: datetime | None = None,
        channel: str | None = None,
        duration: int | None = None,
        device_id: str | None = None,
    ) -> SurveyResponse:
        """Record a response with the account's credentials: ``POST /api/answers/add``.

        For responses collected elsewhere (a kiosk, a call centre, an import). A
        respondent's own answers go through ``client.surveys.submit`` and a token.
        Not retried on a server error: the response might be recorded twice.

        Example:
            ```python
            from wxm_async import Answer

            response = await client.responses.add(
                "CustomerSurvey",
                [Answer(question_id="q1", number=9), Answer(question_id="q2", text="Quick")],
                channel="voice",
            )
            print(response.id)
            ```

        Args:
            questionnaire: The questionnaire answered (``locationId``).
            answers: The answers, one per question answered.
            response_date_time: When it was answered; default now. Naive is UTC.
            channel: Where it was answered, e.g. ``"voice"`` (``surveyClient``).
            duration: How long answering took, in seconds.
            device_id: The device it was answered on, if any.

        Returns:
            The response as WXM recorded it, with its id.

        Raises:
            ConfigurationError: ``answers`` is not a sequence of ``Answer``, or
                ``response_date_time`` not a datetime.
            BadRequestError: WXM refused the response.
        """
        body = NewResponse(
            questionnaire=questionnaire,
            response_date_time=response_time(response_date_time),
            answers=checked_answers(answers),
            channel=channel,
            duration=duration,
            device_id=device_id,
        )
        return await self._sender.call(
            "POST", "/api/answers/add", SurveyResponse, body=body, idempotent=False
        )

    async def update_many(self, responses: Iterable[SurveyResponse]) -> None:
        """Replace several responses in one call: ``POST /api/answers/update``.

        WXM takes ``{responseId: Answer}`` and replaces each response with what is
        sent: start from responses you read, and change them with ``attrs.evolve``.
        Fields left at their default (no notes, not archived) are not sent. Not
        retried on a server error: nothing says WXM does not merge (notes added twice).

        Example:
            ```python
            import attrs

            page = await client.responses.page(0, rows=2)
            await client.responses.update_many(
                attrs.evolve(response, archived=True) for response in page.responses
            )
            ```

        Args:
            responses: The responses as they should be; none at all sends nothing.

        Raises:
            ConfigurationError: An item is not a ``SurveyResponse``, has an empty id,
                or two have the same id.
            WXMError: WXM did not answer ``true``.
        """
        if isinstance(responses, str | bytes | SurveyResponse) or not isinstance(
            responses, Iterable
        ):
            raise ConfigurationError(
                f"update_many() takes SurveyResponse items, not {type(responses).__name__}"
            )
        body: dict[str, SurveyResponse] = {}
        for response in responses:
            if not isinstance(response, SurveyResponse):
                raise ConfigurationError(
                    f"update_many() takes SurveyResponse items, not {type(response).__name__}"
                )
            segment(response.id, "a response's id")  # a usable id, as in a path
            if response.id in body:
                raise ConfigurationError("update_many() got two responses with the same id")
            body[response.id] = response
        if not body:
            return
        done = await self._sender.call(
            "POST", "/api/answers/update", bool, body=body, idempotent=False
        )
        if done is not True:
            raise WXMError(f"WXM did not update the {len(body)} responses (it answered false)")
