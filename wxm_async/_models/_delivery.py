"""How survey invitations are delivered: plans, dispatches, templates and events."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

__all__ = [
    "ContentTemplate",
    "DeliveryEvent",
    "DeliveryPlan",
    "DeliveryStep",
    "DeliveryTarget",
    "Dispatch",
]


@frozen(kw_only=True)
class DeliveryStep:
    """One step of a delivery plan: a message on one channel, some hours after the last.

    Attributes:
        channel: ``"Email"``, ``"SMS"``, ... (``onChannel``).
        delay_by_hours: Hours to wait after the previous step.
        subject: The message's subject, for email.
        template_id: The content template it sends.
    """

    channel: str | None = None
    delay_by_hours: float | None = None
    subject: str | None = None
    template_id: str | None = None


@frozen(kw_only=True)
class DeliveryPlan:
    """A delivery policy: when and through which channels invitations go out.

    Attributes:
        id: The plan's id.
        name: Its name.
        description: What it is for.
        is_live: Whether it is sending.
        steps: Its messages, in order (``schedule``).
        status: Its state as WXM reports it.
        user: The account that owns it.
        last_run: When it last ran, timezone-aware; ``None`` if never.
    """

    id: str
    name: str | None = None
    description: str | None = None
    is_live: bool = False
    steps: tuple[DeliveryStep, ...] = ()
    status: str | None = None
    user: str | None = None
    last_run: datetime | None = None


@frozen(kw_only=True)
class Dispatch:
    """A dispatch: a questionnaire sent by a delivery plan with its templates.

    Attributes:
        id: The dispatch's id (bulk token creation takes it).
        name: Its name.
        delivery_plan_id: The plan that sends it.
        questionnaire_name: The questionnaire it sends.
        questionnaire_display_name: That questionnaire's display name.
        is_live: Whether it is sending.
        created: When it was created, timezone-aware.
        updated: When it last changed, timezone-aware.
        user: The account that owns it.
    """

    id: str
    name: str | None = None
    delivery_plan_id: str | None = None
    questionnaire_name: str | None = None
    questionnaire_display_name: str | None = None
    is_live: bool = False
    created: datetime | None = None
    updated: datetime | None = None
    user: str | None = None


@frozen(kw_only=True)
class ContentTemplate:
    """An email or SMS template used by delivery plans.

    Attributes:
        id: The template's id.
        name: Its name.
        account: The account that owns it.
    """

    id: str
    name: str | None = None
    account: str | None = None


@frozen(kw_only=True)
class DeliveryEvent:
    """Something that happened to one invitation: sent, opened, answered, bounced...

    Attributes:
        action: ``"Sent"``, ``"Bounced"``, ``"Unsubscribed"``, ``"Displayed"``,
            ``"Open"`` or ``"Answered"``.
        channel: The channel it happened on.
        timestamp: When, timezone-aware (``timeStamp``).
        sent_sequence: Which step of the plan sent the invitation.
        message: Details, e.g. why a message bounced.
    """

    action: str | None = None
    channel: str | None = None
    timestamp: datetime | None = None
    sent_sequence: int | None = None
    message: str | None = None


@frozen(kw_only=True)
class DeliveryTarget:
    """The invitations sent to one recipient through one dispatch, and their events.

    Attributes:
        id: The record's id.
        target: The recipient: the customer's unique id, as the delivery plan's
            ``uniqueCustomerIDByPreFilledQuestionTag`` question holds it (hashed when
            that question is marked as personal data).
        dispatch_id: The dispatch that invited them.
        delivery_workflow_id: The delivery workflow (``deliveryWorkFlowId``).
        questionnaire: The questionnaire (``location``).
        events: What happened, in order.
        created: When the first invitation was made, timezone-aware.
        updated: When the last event came, timezone-aware.
    """

    id: str
    target: str | None = None
    dispatch_id: str | None = None
    delivery_workflow_id: str | None = None
    questionnaire: str | None = None
    events: tuple[DeliveryEvent, ...] = ()
    created: datetime | None = None
    updated: datetime | None = None
