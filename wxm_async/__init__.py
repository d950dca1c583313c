"""wxm_async: an asyncio and trio client for Webex Experience Management (WXM).

Formerly CloudCherry. Start with ``WXMAuth``: an ``httpx.Auth`` that logs in once for any
number of concurrent requests, refreshes the token before it expires, and replays a
request once when WXM answers 401. Processes that share a ``FileTokenStore`` (one
host) or a ``RedisTokenStore`` (a fleet) share one token and one login.
"""

from ._auth import WXMAuth
from ._config import ENV_API_KEY, ENV_PASSWORD, ENV_TOKEN_KEY, ENV_USERNAME
from ._exceptions import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    DecodeError,
    LoginInterruptedError,
    RequestNotReplayableError,
    ServerError,
    TokenStoreError,
    TwoFactorRequiredError,
    WXMError,
)
from ._file_store import FileTokenStore
from ._models import AccessToken
from ._redis_store import DEFAULT_LEASE, RedisTokenStore
from ._shared import DEFAULT_FAILURE_WINDOW
from ._static_auth import BasicAuthWarning, WXMBasicAuth, WXMBearerAuth
from ._store import DEFAULT_REFRESH_LEEWAY, CachedToken, LoginTurn, MemoryTokenStore, TokenStore

__all__ = [
    "DEFAULT_FAILURE_WINDOW",
    "DEFAULT_LEASE",
    "DEFAULT_REFRESH_LEEWAY",
    "ENV_API_KEY",
    "ENV_PASSWORD",
    "ENV_TOKEN_KEY",
    "ENV_USERNAME",
    "APIStatusError",
    "AccessToken",
    "AuthenticationError",
    "BasicAuthWarning",
    "CachedToken",
    "ConfigurationError",
    "DecodeError",
    "FileTokenStore",
    "LoginInterruptedError",
    "LoginTurn",
    "MemoryTokenStore",
    "RedisTokenStore",
    "RequestNotReplayableError",
    "ServerError",
    "TokenStore",
    "TokenStoreError",
    "TwoFactorRequiredError",
    "WXMAuth",
    "WXMBasicAuth",
    "WXMBearerAuth",
    "WXMError",
]
