"""What WXM posts to an HTTP target when a notification rule fires."""

from __future__ import annotations

from attrs import frozen

from ._responses import SurveyResponse

__all__ = ["Notification"]


@frozen(kw_only=True)
class Notification:
    """One webhook notification: the rule that fired and the response that fired it.

    Attributes:
        rule: The name of the notification rule (``notification`` on the wire).
        response: The survey response (``answer`` on the wire), decoded as tolerantly
            as every response the client reads.
    """

    rule: str
    response: SurveyResponse
