"""The environment variables wxm_async reads, all in one place.

They are only ever a fallback to arguments. ``docs/reference/environment.md`` lists
them for users.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._exceptions import ConfigurationError

__all__ = [
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "ENV_PASSWORD",
    "ENV_TOKEN_KEY",
    "ENV_USERNAME",
    "base_url_from_env",
    "credentials_from_env",
    "token_key_from_env",
]

ENV_USERNAME = "WXM_USERNAME"
"""The WXM user name (for an API user, the account's user name)."""
ENV_API_KEY = "WXM_API_KEY"
"""An API key, sent as the password. Preferred over ``WXM_PASSWORD`` when both are set."""
ENV_PASSWORD = "WXM_PASSWORD"
"""The account's password, when there is no API key."""
ENV_BASE_URL = "WXM_BASE_URL"
"""WXM's address, for ``WXMClient.from_env()``; default ``https://api.getcloudcherry.com``."""


def base_url_from_env(environ: Mapping[str, str]) -> str | None:
    """Return ``WXM_BASE_URL`` from ``environ``, or ``None`` when it is unset or empty."""
    return environ.get(ENV_BASE_URL) or None


ENV_TOKEN_KEY = "WXM_TOKEN_KEY"
"""A Fernet key with which shared token stores encrypt the token at rest."""


def credentials_from_env(environ: Mapping[str, str]) -> tuple[str, str]:
    """Read the user name and the API key (or password) from ``environ``.

    Empty values count as missing.

    Returns:
        ``(username, api_key_or_password)``.

    Raises:
        ConfigurationError: A variable is missing; the message names it.
    """
    username = environ.get(ENV_USERNAME, "")
    secret = environ.get(ENV_API_KEY, "") or environ.get(ENV_PASSWORD, "")
    missing = []
    if not username:
        missing.append(ENV_USERNAME)
    if not secret:
        missing.append(f"{ENV_API_KEY} (or {ENV_PASSWORD})")
    if missing:
        raise ConfigurationError(
            f"set the environment variable {' and '.join(missing)} to log in to WXM"
        )
    return username, secret


def token_key_from_env(environ: Mapping[str, str]) -> str | None:
    """Read the key that encrypts tokens at rest from ``environ``, or ``None``.

    An empty value counts as missing.
    """
    return environ.get(ENV_TOKEN_KEY) or None
