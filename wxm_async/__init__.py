"""wxm_async: an asyncio and trio client for Webex Experience Management (WXM).

Formerly CloudCherry. ``WXMClient`` is the typed client, one namespace per area of the
API. ``WXMAuth`` is the ``httpx.Auth`` beneath it: it logs in once for any number of
concurrent requests, refreshes the token before it expires, and recovers from a 401 by
itself (a replay per token WXM rejected). Processes that share a ``FileTokenStore`` (one host) or a
``RedisTokenStore`` (a fleet) share one token and one login.

Public modules: ``wxm_async.stores`` (token stores, and the base to write your own),
``wxm_async.defaults`` (the default of every option), ``wxm_async.namespaces`` (the
types of the client's namespaces), ``wxm_async.webhooks`` (the notifications WXM posts)
and ``wxm_async.testing`` (a fake WXM).
"""

import logging as _logging

from ._anonymous import AnonymousAuth
from ._auth import WXMAuth
from ._client import WXMClient
from ._config import ENV_API_KEY, ENV_BASE_URL, ENV_PASSWORD, ENV_TOKEN_KEY, ENV_USERNAME
from ._converter import from_wire, to_wire
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    DecodeError,
    LoginInterruptedError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitedError,
    RequestNotReplayableError,
    ResponseTooLargeError,
    ServerError,
    TokenStoreError,
    TwoFactorRequiredError,
    UnprocessableEntityError,
    WXMError,
)
from ._models import (
    AccessToken,
    Answer,
    ContentTemplate,
    DeliveryEvent,
    DeliveryPlan,
    DeliveryStep,
    DeliveryTarget,
    Dispatch,
    Location,
    MergedDelivery,
    NetPromoterScore,
    Note,
    NPSReport,
    Profile,
    Question,
    QuestionFilter,
    Questionnaire,
    QuestionSummary,
    ResponseFilter,
    ResponsePage,
    Settings,
    SubUser,
    SubUserPage,
    Summary,
    Survey,
    SurveyResponse,
    SurveyToken,
    SurveyTokenPage,
)
from ._pagination import PageIterator
from ._public import publish as _publish
from ._rate import RequestRate
from ._retry import RetryPolicy
from ._static_auth import BasicAuthWarning, WXMBasicAuth, WXMBearerAuth
from ._version import __version__ as __version__

# A library's logs are its caller's to show: without logging configured, Python's
# last-resort handler would print our warnings to stderr (the logging HOWTO's advice).
_logging.getLogger(__name__).addHandler(_logging.NullHandler())

__all__ = [
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "ENV_PASSWORD",
    "ENV_TOKEN_KEY",
    "ENV_USERNAME",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AccessToken",
    "AnonymousAuth",
    "Answer",
    "AuthenticationError",
    "BadRequestError",
    "BasicAuthWarning",
    "ConfigurationError",
    "ConflictError",
    "ContentTemplate",
    "DecodeError",
    "DeliveryEvent",
    "DeliveryPlan",
    "DeliveryStep",
    "DeliveryTarget",
    "Dispatch",
    "Location",
    "LoginInterruptedError",
    "MergedDelivery",
    "NPSReport",
    "NetPromoterScore",
    "NotFoundError",
    "Note",
    "PageIterator",
    "PaginationError",
    "PermissionDeniedError",
    "Profile",
    "Question",
    "QuestionFilter",
    "QuestionSummary",
    "Questionnaire",
    "RateLimitedError",
    "RequestNotReplayableError",
    "RequestRate",
    "ResponseFilter",
    "ResponsePage",
    "ResponseTooLargeError",
    "RetryPolicy",
    "ServerError",
    "Settings",
    "SubUser",
    "SubUserPage",
    "Summary",
    "Survey",
    "SurveyResponse",
    "SurveyToken",
    "SurveyTokenPage",
    "TokenStoreError",
    "TwoFactorRequiredError",
    "UnprocessableEntityError",
    "WXMAuth",
    "WXMBasicAuth",
    "WXMBearerAuth",
    "WXMClient",
    "WXMError",
    "from_wire",
    "to_wire",
]

_publish(__name__, globals())
