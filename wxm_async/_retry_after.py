"""WXM's ``Retry-After`` header: how long it asks a client to wait, read without trust."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["parse_retry_after", "retry_after_of"]

#: delay-seconds (RFC 9110): ASCII digits, as many as sent (a long run is a long wait,
#: not an unreadable header); a fraction is tolerated, as servers send one.
_DELAY_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]{1,9})?", re.ASCII)


def retry_after_of(response: httpx.Response) -> float | None:
    """The wait ``response`` asks for, in seconds, or ``None``: see ``parse_retry_after``."""
    return parse_retry_after(response.headers.get("retry-after"))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Read a ``Retry-After`` header: delay-seconds or an HTTP-date.

    Args:
        value: The header's value, or ``None`` when there is none.
        now: The current time, for an HTTP-date; default ``datetime.now(UTC)``.

    Returns:
        The wait in seconds (never negative, always finite), or ``None`` for a missing
        or unreadable value. Never raises, whatever the server sent: delay-seconds are
        ASCII digits (with an optional fraction), anything else must be an HTTP-date.
    """
    if value is None:
        return None
    text = value.strip(" \t")
    if _DELAY_SECONDS.fullmatch(text):
        # ASCII digits only: str.isdigit() and float() also take "²" or "١٢", and
        # float() takes "1_0", "nan" and "1e999".
        return min(float(text), sys.float_info.max)  # too many digits: "forever"
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    except OverflowError:  # a date so far off that the difference does not fit
        return None
