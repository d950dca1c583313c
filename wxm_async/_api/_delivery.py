"""``client.delivery``: delivery plans, dispatches, templates, delivery events, invitations."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import datetime

import httpx
from attrs import frozen

from .._body import json_body
from .._config import check_number
from .._exceptions import ConfigurationError, DecodeError
from .._http import Sender
from .._models import (
    Answer,
    ContentTemplate,
    DeliveryPlan,
    DeliveryTarget,
    Dispatch,
    InvitationRequest,
    MergedDataRequest,
    MergedDelivery,
    ResponseFilter,
)
from .._models._filters import response_filter
from .._paths import MAX_ID_LENGTH, id_list, segment
from .._redact import redacted
from ._merged import DEFAULT_MERGED_BATCH, MergedDataIterator
from ._survey_tokens import token_details

__all__ = ["Delivery"]


@frozen
class Delivery:
    """How invitations go out, and what happened to them (``client.delivery``)."""

    _sender: Sender

    async def plans(self) -> list[DeliveryPlan]:
        """Return the delivery plans (policies): ``GET /api/DeliveryPlan``."""
        return await self._sender.call(
            "GET", "/api/DeliveryPlan", list[DeliveryPlan], idempotent=True
        )

    async def plan(self, plan_id: str) -> DeliveryPlan:
        """Return one delivery plan: ``GET /api/DeliveryPlan/{id}``.

        Raises:
            NotFoundError: There is no such plan.
        """
        return await self._sender.call(
            "GET", f"/api/DeliveryPlan/{segment(plan_id, 'plan_id')}", DeliveryPlan, idempotent=True
        )

    async def dispatches(self) -> list[Dispatch]:
        """Return the dispatches: ``GET /api/Dispatches``."""
        return await self._sender.call("GET", "/api/Dispatches", list[Dispatch], idempotent=True)

    async def dispatch(self, dispatch_id: str) -> Dispatch:
        """Return one dispatch: ``GET /api/Dispatches/{id}``.

        Raises:
            NotFoundError: There is no such dispatch.
        """
        return await self._sender.call(
            "GET",
            f"/api/Dispatches/{segment(dispatch_id, 'dispatch_id')}",
            Dispatch,
            idempotent=True,
        )

    async def templates(self) -> list[ContentTemplate]:
        """Return the email and SMS templates: ``GET /api/ContentTemplates``."""
        return await self._sender.call(
            "GET", "/api/ContentTemplates", list[ContentTemplate], idempotent=True
        )

    async def events(self, target: str) -> list[DeliveryTarget]:
        """Return what happened to the invitations sent to one recipient.

        ``GET /api/DeliveryEventsBy/Target/{target}``.

        Args:
            target: The recipient's unique customer id: the value of the question the
                delivery plan names in ``uniqueCustomerIDByPreFilledQuestionTag``
                (often an email address or a phone number), hashed as WXM stores it
                when that question is marked as personal data. WXM's own
                Invitations module passes it so.

        Returns:
            One record per invitation sent to the recipient; an empty list if none.
        """
        return await self._sender.call(
            "GET",
            f"/api/DeliveryEventsBy/Target/{segment(target, 'target')}",
            list[DeliveryTarget],
            idempotent=True,
        )

    def merged_data(
        self,
        token_ids: Iterable[str],
        *,
        filter: ResponseFilter | None = None,
        batch_size: int = DEFAULT_MERGED_BATCH,
    ) -> AsyncIterator[MergedDelivery]:
        """Iterate what WXM knows of each token's invitation: events and answers.

        ``POST /api/DeliveryPlan/WXMMergedData`` with ``{filter, TokenIds}``, once per
        ``batch_size`` token ids: WXM does not page it. Each token asked for that WXM
        knows comes once; records of tokens not asked for are skipped.

        Example:
            ```python
            from datetime import UTC, datetime, timedelta

            token_id = await client.delivery.request_invitation(
                questionnaire="CustomerSurvey",
                valid_till=datetime.now(UTC) + timedelta(days=2),
                email="ann@example.com",
            )
            week = ResponseFilter(after=datetime.now(UTC) - timedelta(days=7))
            async for record in client.delivery.merged_data([token_id], filter=week):
                print(record.token_id, [event.action for event in record.events])
            ```

        Args:
            token_ids: The survey tokens (read at once; none gives nothing).
            filter: The answers to merge in, by date (``afterdate``, ``beforedate``);
                default all.
            batch_size: Token ids per call.

        Raises:
            ConfigurationError: A token id is not a usable id, or ``token_ids`` is one
                string, or ``batch_size`` is not a whole number of at least 1, or
                ``filter`` is not a ``ResponseFilter``.
        """
        ids = id_list(token_ids, "token_ids")
        check_number("batch_size", batch_size, at_least=1, whole=True)
        where = response_filter(filter)

        async def fetch(batch: tuple[str, ...]) -> list[MergedDelivery]:
            return await self._sender.call(
                "POST",
                "/api/DeliveryPlan/WXMMergedData",
                list[MergedDelivery],
                body=MergedDataRequest(filter=where, token_ids=batch),
                idempotent=True,  # a read
            )

        return MergedDataIterator(fetch, ids, batch_size)

    async def request_invitation(
        self,
        *,
        questionnaire: str,
        valid_till: datetime,
        email: str | None = None,
        phone: str | None = None,
        sms: bool = False,
        customer_name: str | None = None,
        subject: str | None = None,
        template_url: str | None = None,
        valid_uses: int = 1,
        prefill: Iterable[Answer] = (),
        note: str | None = None,
        preferred_language: str | None = None,
        unique_by_question_tag: str | None = None,
        not_within_days: int | None = None,
        prefill_question_id: str | None = None,
        prefill_by_question_tag: Mapping[str, str] | None = None,
    ) -> str:
        """Make a survey token and have WXM email or text it: ``POST /api/RequestInvitation``.

        Not retried on a server error: the customer might be invited twice. This is
        WXM's own endpoint; the partner-hosted Invitations module's
        ``/api/dispatchRequest`` is not part of WXM and not covered here.

        Example:
            ```python
            from datetime import UTC, datetime, timedelta

            token_id = await client.delivery.request_invitation(
                questionnaire="CustomerSurvey",
                valid_till=datetime.now(UTC) + timedelta(days=2),
                email="ann@example.com",
                customer_name="Ann",
                subject="Two minutes for your feedback?",
                unique_by_question_tag="email",
                not_within_days=30,
                prefill_by_question_tag={"email": "ann@example.com"},
            )
            print(token_id)
            ```

        Args:
            questionnaire: The questionnaire the token opens (``tokenDetails.location``).
            valid_till: When the token stops working; timezone-aware.
            email: Where to email the invitation (``customerEmail``); needed unless ``sms``.
            phone: Where to text it (``customerPhone``); needed with ``sms``.
            sms: Text the invitation instead of emailing it (``isSMS``).
            customer_name: The customer's name, for the message.
            subject: The email's subject.
            template_url: The URL of the email or SMS template (``template``).
            valid_uses: How many times the token can be answered.
            prefill: Answers filled in before the customer sees the survey.
            note: A free-form note on the token.
            preferred_language: The survey's language, e.g. ``"en"``.
            unique_by_question_tag: The question tag that identifies a customer, for
                ``not_within_days`` (``nonRepeatByUniquieQuestionTag``, WXM's spelling).
            not_within_days: Do not invite a customer invited within this many days.
            prefill_question_id: The question the email or phone is filled in to.
            prefill_by_question_tag: Answers by question tag, e.g. ``{"email": ...}``.

        Returns:
            The new token's id.

        Raises:
            ConfigurationError: No ``email`` (or with ``sms``, no ``phone``), a naive
                ``valid_till``, or ``valid_uses`` / ``not_within_days`` below 1.
            DecodeError: WXM's answer holds no token id.
            BadRequestError: WXM refused the request.
        """
        body = InvitationRequest(
            token=token_details(
                questionnaire=questionnaire,
                valid_till=valid_till,
                valid_uses=valid_uses,
                prefill=prefill,
                note=note,
                preferred_language=preferred_language,
            ),
            customer_name=customer_name,
            email=email,
            phone=phone,
            sms=sms,
            subject=subject,
            template_url=template_url,
            unique_by_question_tag=unique_by_question_tag,
            not_within_days=not_within_days,
            prefill_question_id=prefill_question_id,
            prefill_by_question_tag=prefill_by_question_tag,
        )
        response = await self._sender.send(
            "POST", "/api/RequestInvitation", body=_checked(body), idempotent=False
        )
        request = redacted(response.request)
        what = "the answer to POST /api/RequestInvitation"
        return _token_id(json_body(response, what=what, request=request), request)


def _token_id(answer: object, request: httpx.Request) -> str:
    """The token id in WXM's answer: a JSON string, or an object with an ``id``.

    The vendor's sample reads the answer as the token id; no source shows its shape.
    """
    if isinstance(answer, dict):
        answer = answer.get("id", answer.get("Id"))
    if isinstance(answer, str) and answer.strip() and len(answer) <= MAX_ID_LENGTH:
        return answer.strip()
    raise DecodeError(
        "the answer to POST /api/RequestInvitation holds no token id "
        f"(a string, or an object with an 'id'), but {type(answer).__name__}",
        request=request,
    )


def _checked(body: InvitationRequest) -> InvitationRequest:
    """``body`` if WXM could act on it: someone to send to, counts in range.

    (Its token's date and prefill were checked as it was made: ``token_details``.)

    Raises:
        ConfigurationError: No ``email`` (or with ``sms``, no ``phone``), or
            ``valid_uses`` / ``not_within_days`` below 1.
    """
    if body.sms and not body.phone:
        raise ConfigurationError("request_invitation(sms=True) needs phone=...")
    if not body.sms and not body.email:
        raise ConfigurationError("request_invitation() needs email=... (or sms=True, phone=...)")
    check_number("valid_uses", body.token.valid_uses, at_least=1, whole=True)
    if body.not_within_days is not None:
        check_number("not_within_days", body.not_within_days, at_least=1, whole=True)
    return body
