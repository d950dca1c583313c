"""The domain models: frozen, keyword-only attrs classes named for what they are.

They know nothing of the wire format; ``_converter`` alone does.
"""

from ._account import Location, Profile, Settings, SubUser, SubUserPage
from ._analytics import NetPromoterScore, NPSReport, QuestionSummary, Summary
from ._delivery import (
    ContentTemplate,
    DeliveryEvent,
    DeliveryPlan,
    DeliveryStep,
    DeliveryTarget,
    Dispatch,
)
from ._filters import QuestionFilter, ResponseFilter
from ._notifications import Notification
from ._questions import Question, Questionnaire
from ._responses import Answer, Note, ResponsePage, SurveyResponse
from ._surveys import Survey, SurveySubmission
from ._token import AccessToken
from ._tokens import SurveyToken

__all__ = [
    "AccessToken",
    "Answer",
    "ContentTemplate",
    "DeliveryEvent",
    "DeliveryPlan",
    "DeliveryStep",
    "DeliveryTarget",
    "Dispatch",
    "Location",
    "NPSReport",
    "NetPromoterScore",
    "Note",
    "Notification",
    "Profile",
    "Question",
    "QuestionFilter",
    "QuestionSummary",
    "Questionnaire",
    "ResponseFilter",
    "ResponsePage",
    "Settings",
    "SubUser",
    "SubUserPage",
    "Summary",
    "Survey",
    "SurveyResponse",
    "SurveySubmission",
    "SurveyToken",
]
