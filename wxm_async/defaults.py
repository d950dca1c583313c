"""Every default value of wxm_async's options, in one place.

Each is the default of an argument: pass the argument to change it.
"""

from ._api._responses import DEFAULT_PAGE_SIZE
from ._client import DEFAULT_BASE_URL, DEFAULT_FIRST_PAGE, DEFAULT_LIMITS, DEFAULT_TIMEOUT
from ._retry import DEFAULT_RETRY_STATUSES
from ._stores._protocol import DEFAULT_FAILURE_WINDOW
from ._stores._redis import DEFAULT_LEASE
from ._stores._token import DEFAULT_REFRESH_LEEWAY

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
]
