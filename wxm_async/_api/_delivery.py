"""``client.delivery``: delivery plans, dispatches, templates and delivery events."""

from __future__ import annotations

from attrs import frozen

from .._http import Sender
from .._models import ContentTemplate, DeliveryPlan, DeliveryTarget, Dispatch
from .._paths import segment

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
