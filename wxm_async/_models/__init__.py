"""The domain models: frozen, keyword-only attrs classes named for what they are.

They know nothing of the wire format; ``_converter`` alone does.
"""

from ._access_token import AccessToken
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
from ._invitations import InvitationRequest, TokenDetails
from ._merged import MergedDataRequest, MergedDelivery
from ._notifications import Notification
from ._questions import Question, Questionnaire
from ._requests import DispatchTokensRequest, QuestionnaireName, UserDataValue
from ._responses import Answer, NewResponse, Note, ResponsePage, SurveyResponse
from ._survey_tokens import SurveyToken, SurveyTokenPage
from ._surveys import Survey, SurveySubmission

__all__ = [
    "AccessToken",
    "Answer",
    "ContentTemplate",
    "DeliveryEvent",
    "DeliveryPlan",
    "DeliveryStep",
    "DeliveryTarget",
    "Dispatch",
    "DispatchTokensRequest",
    "InvitationRequest",
    "Location",
    "MergedDataRequest",
    "MergedDelivery",
    "NPSReport",
    "NetPromoterScore",
    "NewResponse",
    "Note",
    "Notification",
    "Profile",
    "Question",
    "QuestionFilter",
    "QuestionSummary",
    "Questionnaire",
    "QuestionnaireName",
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
    "SurveyTokenPage",
    "TokenDetails",
    "UserDataValue",
]
