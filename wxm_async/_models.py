"""The domain models: frozen, keyword-only attrs classes named for what they are.

They know nothing of the wire format; ``_converter`` alone does.
"""

from __future__ import annotations

import sys
from datetime import datetime

from attrs import field, frozen

__all__ = ["AccessToken"]


@frozen(kw_only=True)
class AccessToken:
    """WXM's answer to a login (``POST /api/LoginToken``).

    The token itself is left out of ``repr()`` so that it cannot end up in a log line.

    Attributes:
        access_token: The bearer token (a secret).
        token_type: Always ``"bearer"`` in practice.
        expires_in: The lifetime WXM states, in seconds.
        user_name: The account the token belongs to (``userName``).
        email: The account's email address.
        primary_role: The account's role, e.g. ``"MasterAdmin"`` (``primaryRole``).
        managed_by: The admin account that manages this one (``managedBy``).
        preview: Whether preview features are on (WXM sends ``"True"``/``"False"``).
        station: The API station serving the account, e.g. ``"uswest"``.
        hash: An account hash WXM sends; left out of ``repr()``.
        issued: When WXM issued the token (``.issued``), timezone-aware.
        expires: When WXM says the token expires (``.expires``), timezone-aware.
    """

    access_token: str = field(repr=False)
    token_type: str = "bearer"
    expires_in: int
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
        shorter one is trusted. Dates in the wrong order are ignored. Never negative.
        """
        try:
            lifetime = float(self.expires_in)
        except OverflowError:  # more digits than a float holds: as good as forever
            lifetime = sys.float_info.max
        if self.issued is not None and self.expires is not None:
            span = (self.expires - self.issued).total_seconds()
            if span >= 0:
                lifetime = min(lifetime, span)
        return max(lifetime, 0.0)
