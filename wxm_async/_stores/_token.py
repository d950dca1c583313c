"""A token as a process holds it: WXM's answer, with deadlines on the monotonic clock."""

from __future__ import annotations

from attrs import field, frozen

from .._models import AccessToken

__all__ = ["DEFAULT_REFRESH_LEEWAY", "REFRESH_LEEWAY_FRACTION", "CachedToken", "cache_token"]

DEFAULT_REFRESH_LEEWAY = 300.0
"""The most time, in seconds, before expiry at which a token is refreshed."""
REFRESH_LEEWAY_FRACTION = 0.1
"""The leeway never exceeds this share of a token's lifetime, so that short-lived tokens
(an account may set seconds) are still used for 90% of their life."""


@frozen(kw_only=True)
class CachedToken:
    """A token as the auth holds it: WXM's answer and its deadlines.

    The deadlines are on the process's monotonic clock (``time.monotonic()`` unless the
    auth was given another), counted from when the login answer arrived. They are never
    compared with WXM's wall-clock dates.

    Attributes:
        token: WXM's login answer.
        authorization: The ``Authorization`` header value; left out of ``repr()``.
        refresh_at: From this moment on, the next request refreshes the token.
        expires_at: From this moment on, the token is no longer sent.
        requested_at: When the login that got it was sent; ``None`` for a token
            another process obtained.
    """

    token: AccessToken
    authorization: str = field(repr=False)
    refresh_at: float
    expires_at: float
    requested_at: float | None = None


def cache_token(
    token: AccessToken,
    *,
    received_at: float,
    max_leeway: float,
    requested_at: float | None = None,
) -> CachedToken:
    """Work out a token's deadlines from when its login answer was received.

    Args:
        token: WXM's login answer.
        received_at: When it arrived, in seconds on the monotonic clock.
        max_leeway: The most time before expiry, in seconds, at which to refresh.
        requested_at: When the login was sent, on the same clock.

    Returns:
        The token with ``expires_at = received_at + lifetime`` and a refresh that comes
        ``min(max_leeway, 10% of the lifetime)`` before that.
    """
    lifetime = token.lifetime
    leeway = min(max_leeway, lifetime * REFRESH_LEEWAY_FRACTION)
    return CachedToken(
        token=token,
        authorization=f"Bearer {token.access_token}",
        refresh_at=received_at + lifetime - leeway,
        expires_at=received_at + lifetime,
        requested_at=requested_at,
    )
