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

    @classmethod
    def expiring(
        cls,
        token: AccessToken,
        *,
        expires_at: float,
        leeway: float,
        requested_at: float | None = None,
    ) -> CachedToken:
        """Hold ``token`` until ``expires_at``, refreshing it ``leeway`` seconds before.

        The one place the ``Authorization`` header is written: ``Bearer <token>``.
        """
        return cls(
            token=token,
            authorization=f"Bearer {token.access_token}",
            refresh_at=expires_at - leeway,
            expires_at=expires_at,
            requested_at=requested_at,
        )

    @property
    def leeway(self) -> float:
        """How long before it expires the token is due for refresh, in seconds."""
        return self.expires_at - self.refresh_at

    def due(self, now: float) -> bool:
        """Whether the token is due for refresh at ``now``: the next request refreshes it."""
        return now >= self.refresh_at

    def expired(self, now: float) -> bool:
        """Whether the token has expired at ``now``: it is no longer sent."""
        return not now < self.expires_at

    def still_serves(self, *, current: CachedToken | None, now: float) -> bool:
        """Whether this token, which a request could not use, may still be sent.

        It may while it is the store's ``current`` token and has not expired: while
        another request refreshes it, or after its refresh failed.
        """
        return self is current and not self.expired(now)


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
    return CachedToken.expiring(
        token,
        expires_at=received_at + lifetime,
        leeway=min(max_leeway, lifetime * REFRESH_LEEWAY_FRACTION),
        requested_at=requested_at,
    )
