"""wxm_async: an asyncio and trio client for Webex Experience Management (WXM).

Formerly CloudCherry. ``WXMClient`` is the typed client, one namespace per area of the
API. ``WXMAuth`` is the ``httpx.Auth`` beneath it: it logs in once for any number of
concurrent requests, refreshes the token before it expires, and replays a request once
when WXM answers 401. Processes that share a ``FileTokenStore`` (one host) or a
``RedisTokenStore`` (a fleet) share one token and one login.
"""

import logging as _logging

from ._api import Account, Analytics, Delivery, Questions, Responses, SurveyTokens
from ._api._responses import DEFAULT_PAGE_SIZE
from ._auth import WXMAuth
from ._client import (
    DEFAULT_BASE_URL,
    DEFAULT_FIRST_PAGE,
    DEFAULT_LIMITS,
    DEFAULT_TIMEOUT,
    WXMClient,
)
from ._config import ENV_API_KEY, ENV_BASE_URL, ENV_PASSWORD, ENV_TOKEN_KEY, ENV_USERNAME
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
    PermissionDeniedError,
    RateLimitedError,
    RequestNotReplayableError,
    ServerError,
    TokenStoreError,
    TwoFactorRequiredError,
    UnprocessableEntityError,
    WXMError,
)
from ._file_store import FileTokenStore
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
    SurveyResponse,
    SurveyToken,
)
from ._pagination import PageIterator
from ._redis_store import DEFAULT_LEASE, RedisTokenStore
from ._retry import DEFAULT_RETRY_STATUSES, RetryPolicy
from ._shared import DEFAULT_FAILURE_WINDOW
from ._static_auth import BasicAuthWarning, WXMBasicAuth, WXMBearerAuth
from ._store import DEFAULT_REFRESH_LEEWAY, CachedToken, LoginTurn, MemoryTokenStore, TokenStore
from ._version import __version__ as __version__

# A library's logs are its caller's to show: without logging configured, Python's
# last-resort handler would print our warnings to stderr (the logging HOWTO's advice).
_logging.getLogger(__name__).addHandler(_logging.NullHandler())

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_FAILURE_WINDOW",
    "DEFAULT_FIRST_PAGE",
    "DEFAULT_LEASE",
    "DEFAULT_LIMITS",
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_REFRESH_LEEWAY",
    "DEFAULT_RETRY_STATUSES",
    "DEFAULT_TIMEOUT",
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "ENV_PASSWORD",
    "ENV_TOKEN_KEY",
    "ENV_USERNAME",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AccessToken",
    "Account",
    "Analytics",
    "Answer",
    "AuthenticationError",
    "BadRequestError",
    "BasicAuthWarning",
    "CachedToken",
    "ConfigurationError",
    "ConflictError",
    "ContentTemplate",
    "DecodeError",
    "Delivery",
    "DeliveryEvent",
    "DeliveryPlan",
    "DeliveryStep",
    "DeliveryTarget",
    "Dispatch",
    "FileTokenStore",
    "Location",
    "LoginInterruptedError",
    "LoginTurn",
    "MemoryTokenStore",
    "NPSReport",
    "NetPromoterScore",
    "NotFoundError",
    "Note",
    "PageIterator",
    "PermissionDeniedError",
    "Profile",
    "Question",
    "QuestionFilter",
    "QuestionSummary",
    "Questionnaire",
    "Questions",
    "RateLimitedError",
    "RedisTokenStore",
    "RequestNotReplayableError",
    "ResponseFilter",
    "ResponsePage",
    "Responses",
    "RetryPolicy",
    "ServerError",
    "Settings",
    "SubUser",
    "SubUserPage",
    "Summary",
    "SurveyResponse",
    "SurveyToken",
    "SurveyTokens",
    "TokenStore",
    "TokenStoreError",
    "TwoFactorRequiredError",
    "UnprocessableEntityError",
    "WXMAuth",
    "WXMBasicAuth",
    "WXMBearerAuth",
    "WXMClient",
    "WXMError",
]
