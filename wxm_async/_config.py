"""Configuration, checked in one place: the environment variables, and numeric options.

Environment variables are only ever a fallback to arguments;
``docs/reference/environment.md`` lists them for users. Every numeric option (timeouts,
leeways, windows, caps, concurrency) goes through ``check_number``, so that NaN, an
infinity or a value out of range is refused with one kind of message naming the option.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ._exceptions import ConfigurationError

__all__ = [
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "ENV_PASSWORD",
    "ENV_TOKEN_KEY",
    "ENV_USERNAME",
    "base_url_from_env",
    "check_aware",
    "check_client_options",
    "check_kind",
    "check_number",
    "check_text",
    "check_timeout",
    "credentials_from_env",
    "number",
    "token_key_from_env",
    "two_factor_parts",
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
    check_text(ENV_USERNAME, username)
    check_text(f"{ENV_API_KEY} (or {ENV_PASSWORD})", secret)
    return username, secret


def check_text(name: str, value: str) -> None:
    r"""Refuse a credential that is not valid Unicode text, without quoting it.

    Bytes that are not UTF-8 in the environment or on the command line reach Python as
    lone surrogates (``"\udcff"``), which no request can carry: the login would fail
    with a bare ``UnicodeEncodeError`` from deep inside the auth flow.

    Raises:
        ConfigurationError: ``value`` is not a string, or cannot be encoded as UTF-8;
            the message names ``name``.
    """
    if not isinstance(value, str):
        raise ConfigurationError(f"{name} must be a string, not {type(value).__name__}")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ConfigurationError(
            f"{name} is not valid UTF-8 text (check the locale, or how it was set)"
        ) from None


def two_factor_parts(username: str) -> tuple[str, str]:
    """``"user#123456"`` as ``("user", "123456")``: WXM takes a two-factor code after ``#``.

    The code is a secret and changes at every login: names, keys and messages use the
    user name alone; ``("user", "")`` when there is no code.
    """
    name, _, code = username.partition("#")
    return name, code


def token_key_from_env(environ: Mapping[str, str]) -> str | None:
    """Read the key that encrypts tokens at rest from ``environ``, or ``None``.

    An empty value counts as missing.
    """
    return environ.get(ENV_TOKEN_KEY) or None


def check_number(
    name: str,
    value: object,
    *,
    at_least: float | None = None,
    more_than: float | None = None,
    whole: bool = False,
) -> None:
    """Refuse a numeric option that is not a finite number in its range.

    Args:
        name: The option's name, for the message (``"RetryPolicy.timeout"``).
        value: What the caller gave.
        at_least: The smallest value allowed, if any.
        more_than: A value the option must exceed, if any.
        whole: Whether it must be an ``int``.

    Raises:
        ConfigurationError: ``value`` is not a number (a bool is not one), not whole
            when it must be, NaN or infinite, or out of range. The message names the
            option and the range.
    """
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
        raise ConfigurationError(f"{name} must be {kind}, not {type(value).__name__}")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int with more digits than a float holds
        finite = False
    if not finite:
        raise ConfigurationError(f"{name} must be a finite number, not {_shown(value)}")
    assert isinstance(value, int | float)
    if at_least is not None and value < at_least:
        raise ConfigurationError(f"{name} must be {at_least:g} or more, not {_shown(value)}")
    if more_than is not None and value <= more_than:
        raise ConfigurationError(f"{name} must be more than {more_than:g}, not {_shown(value)}")


def check_aware(name: str, value: object) -> None:
    """Refuse a moment that is not a timezone-aware ``datetime``.

    A naive one could be local time or UTC; WXM would read it as UTC, the converter as
    local time, so the library never guesses.

    Raises:
        ConfigurationError: ``value`` is not a ``datetime``, or has no offset.
    """
    if not isinstance(value, datetime):
        raise ConfigurationError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.utcoffset() is None:
        raise ConfigurationError(
            f"{name} must be a timezone-aware datetime (e.g. datetime.now(UTC))"
        )


def _shown(value: object) -> str:
    """``value`` for a message: short, and never a raw error for an int of 4,300+ digits."""
    try:
        return f"{value!r:.40}"
    except ValueError:  # Python refuses to print such an int
        return "an integer of thousands of digits"


def number(
    *, at_least: float | None = None, more_than: float | None = None, whole: bool = False
) -> Callable[[Any, Any, Any], None]:
    """An attrs validator running ``check_number`` on a field, named ``Class.field``."""

    def validate(instance: Any, attribute: Any, value: Any) -> None:
        check_number(
            f"{type(instance).__name__}.{attribute.name}",
            value,
            at_least=at_least,
            more_than=more_than,
            whole=whole,
        )

    return validate


def check_timeout(name: str, timeout: object) -> None:
    """Refuse a timeout (seconds, or an ``httpx.Timeout``) that is not a positive finite number.

    ``None`` (the default) passes, as does ``None`` for one part of an ``httpx.Timeout``
    (no limit on that part, as httpx has it).

    Raises:
        ConfigurationError: The timeout, or one of its parts, is not a number, NaN,
            infinite, or not above 0; the message names it.
    """
    import httpx  # the config module otherwise needs no HTTP

    if timeout is None:
        return
    if isinstance(timeout, httpx.Timeout):
        for part in ("connect", "read", "write", "pool"):
            value = getattr(timeout, part)
            if value is not None:
                check_number(f"{name}.{part}", value, more_than=0)
        return
    check_number(name, timeout, more_than=0)


def check_kind(name: str, value: object, kind: type, example: str) -> None:
    """Refuse an option that is neither ``None`` nor a ``kind``: it would fail at a call.

    Raises:
        ConfigurationError: ``value`` is of another type; the message names the option.
    """
    if value is not None and not isinstance(value, kind):
        raise ConfigurationError(
            f"{name} must be a {kind.__name__}, e.g. {example}, not {type(value).__name__}"
        )


def check_client_options(
    timeout: object,
    limits: object,
    first_page: int,
    max_answer_bytes: int,
) -> None:
    """Refuse ``WXMClient``'s numeric options that are NaN, infinite or out of range.

    Raises:
        ConfigurationError: One is; the message names it.
    """
    check_number("first_page", first_page, at_least=0, whole=True)
    check_number("max_answer_bytes", max_answer_bytes, at_least=1, whole=True)
    check_timeout("timeout", timeout)
    if limits is not None:
        import httpx

        check_kind("limits", limits, httpx.Limits, "httpx.Limits(max_connections=20)")
        assert isinstance(limits, httpx.Limits)  # for mypy: check_kind refused the rest
        for part, least in (("max_connections", 1), ("max_keepalive_connections", 0)):
            value = getattr(limits, part)
            if value is not None:
                check_number(f"limits.{part}", value, at_least=least, whole=True)
        if limits.keepalive_expiry is not None:
            check_number("limits.keepalive_expiry", limits.keepalive_expiry, at_least=0)
