"""One namespace per area of WXM's API; each method is one call."""

from ._account import Account
from ._analytics import Analytics
from ._delivery import Delivery
from ._questions import Questions
from ._responses import Responses
from ._survey_tokens import SurveyTokens
from ._surveys import Surveys

__all__ = ["Account", "Analytics", "Delivery", "Questions", "Responses", "SurveyTokens", "Surveys"]
