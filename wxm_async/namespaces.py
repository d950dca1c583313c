"""The types of ``WXMClient``'s namespaces, for type hints.

``client.questions`` is a ``Questions``, ``client.responses`` a ``Responses``, and so
on. You never build them: the client does.
"""

from ._api import Account, Analytics, Delivery, Questions, Responses, Surveys, SurveyTokens
from ._public import publish as _publish

__all__ = ["Account", "Analytics", "Delivery", "Questions", "Responses", "SurveyTokens", "Surveys"]

_publish(__name__, globals())
