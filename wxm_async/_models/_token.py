"""The token WXM hands out at login."""

from __future__ import annotations

import math
import sys
from datetime import datetime

from attrs import field, frozen

__all__ = [
    "DEFAULT_TOKEN_LIFETIME",
    "AccessToken",
    "unusable",
]

DEFAULT_TOKEN_LIFETIME = 3600.0
"""The lifetime assumed, in seconds, for a token whose answer states none (neither
``expires_in`` nor both dates): shorter than any WXM has been seen to give, so the token
is refreshed early rather than sent after it died."""


@frozen(kw_only=True)
class AccessToken:
    """WXM's answer to a login (``POST /api/LoginToken``).

    The token itself is left out of ``repr()`` so that it cannot end up in a log line.

    Attributes:
        access_token: The bearer token (a secret).
        token_type: Always ``"bearer"`` in practice; a login answer of another type is
            refused.
        expires_in: The lifetime WXM states, in seconds, or ``None`` if it states none.
        user_name: The account the token belongs to (``userName``).
        email: The account's email address.
        primary_role: The account's role, e.g. ``"MasterAdmin"`` (``primaryRole``).
        managed_by: The admin account that manages this one (``managedBy``).
        preview: Whether preview features are on (WXM sends ``"True"``/``"False"``).
        station: The API station serving the account, e.g. ``"uswest"``.
        hash: An account hash WXM sends; left out of ``repr()``.
        issued: When WXM issued the token (``.issued``), timezone-aware.
        expires: When WXM says the token expires (``.expires``), timezone-aware.

    The informational fields (all but the first three) are ``None`` when WXM leaves
    them out or sends something that does not read as their type: they never make a
    login with a usable token fail.
    """

    access_token: str = field(repr=False)
    token_type: str = "bearer"
    expires_in: float | None = None
    user_name: str | None = None
    email: str | None = None
    primary_role: str | None = None
    managed_by: str | None = None
    preview: bool | None = None
    station: str | None = None
    hash: str | None = field(default=None, repr=False)
    issued: datetime | None = None
    expires: datetime | None = None

    @property
    def lifetime(self) -> float:
        """How long the token lives, in seconds, counted from when it was received.

        The smaller of ``expires_in`` and ``expires - issued``: WXM's own examples
        disagree (a 24-hour ``expires_in`` beside 12 hours between the dates), so the
        shorter one is trusted. Dates in the wrong order are ignored. With neither,
        ``DEFAULT_TOKEN_LIFETIME``. Never negative; NaN if ``expires_in`` is NaN (such
        an answer is refused at login).
        """
        lifetimes = []
        if self.expires_in is not None:
            lifetimes.append(float(self.expires_in))
        if self.issued is not None and self.expires is not None:
            span = (self.expires - self.issued).total_seconds()
            if span >= 0:
                lifetimes.append(span)
        if not lifetimes:
            return DEFAULT_TOKEN_LIFETIME
        if any(math.isnan(lifetime) for lifetime in lifetimes):
            return math.nan
        return min(max(min(lifetimes), 0.0), sys.float_info.max)  # huge: as good as forever


def unusable(token: AccessToken) -> str | None:
    """Why ``token`` cannot be sent as a bearer token, or ``None``. Never quotes it."""
    if token.token_type.lower() != "bearer":
        return "the token type is not bearer (RFC 6749 §7.1: an unknown type is not used)"
    value = token.access_token
    if not value:
        return "the access token is empty"
    if not all("!" <= c <= "~" for c in value):
        return (
            "the access token cannot be sent in a header "
            "(it holds whitespace, control or non-ASCII characters)"
        )
    if math.isnan(token.lifetime):
        return "the token's lifetime is not a number"
    return None
