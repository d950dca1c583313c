"""The fake's accounts: passwords, API keys, lock-outs, issued tokens, and WXM's login.

The login route itself stays in ``_fake`` (its controls and counters live there); this
module decides what a login form and a credential header are worth.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qs

from attrs import frozen

from ._wire import Reply, Request, Route, ok

TWO_FACTOR_REQUIRED = "Valid Two Factor Secure Code Required, Enter Code Received"
TWO_FACTOR_INVALID = "Invalid Two Factor Secure Code, Check For Code Sent To Your Email/Phone Or Contact Your Administrator"
LOCKED_OUT = (
    "Your account has been locked out. Please contact your administrator for a fresh password "
    "or try reset password"
)
BAD_CREDENTIALS = "The user name or password is incorrect."

FAKE_USERNAME = "demo"
"""The user name of a fake's default account, which owns its data."""
FAKE_PASSWORD = "demo-password"
"""The password of a fake's default account (its API key is ``fake.api_key(FAKE_USERNAME)``)."""


@frozen
class _IssuedToken:
    username: str
    expires_at: float


class Accounts:
    """User names with their passwords and API keys, locked accounts, and issued tokens."""

    def __init__(self, passwords: Mapping[str, str]) -> None:
        self.passwords = dict(passwords)
        self.api_keys: dict[str, str] = {}
        self.locked: set[str] = set()
        self.tokens: dict[str, _IssuedToken] = {}

    def api_key(self, username: str) -> str:
        """``username``'s API key, generated on first use."""
        return self.api_keys.setdefault(username, secrets.token_urlsafe(24))

    def password_ok(self, username: str, password: str) -> bool:
        """Whether ``password`` is ``username``'s password or API key."""
        expected = self.passwords.get(username)
        key = self.api_keys.get(username)
        return (expected is not None and secrets.compare_digest(password, expected)) or (
            key is not None and secrets.compare_digest(password, key)
        )

    def user_of(self, scheme: str, credentials: str, now: float) -> str | None:
        """Whose credentials these are (Bearer or Basic), or None if they are no good."""
        if scheme.lower() == "bearer":
            issued = self.tokens.get(credentials)
            if issued is None or now >= issued.expires_at:
                return None
            return issued.username
        if scheme.lower() == "basic":
            try:
                username, _, password = (
                    base64.b64decode(credentials, validate=True).decode().partition(":")
                )
            except (binascii.Error, UnicodeDecodeError):
                return None
            return username if self.password_ok(username, password) else None
        return None

    def check_login(
        self, request: Request, *, two_factor_code: str | None, bad_login_status: int
    ) -> str | Reply:
        """The user a login form logs in, or WXM's error answer for it."""
        if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return Reply(400, {"error": "unsupported_grant_type"})
        try:
            form = {
                k: v[0] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()
            }
        except UnicodeDecodeError:
            return Reply(400, {"error": "invalid_request"})
        if form.get("grant_type") != "password":
            return Reply(400, {"error": "unsupported_grant_type"})
        username, _, code = form.get("username", "").partition("#")
        if username in self.locked:
            return Reply(401, {"error": "Authorization Error", "error_description": LOCKED_OUT})
        if not self.password_ok(username, form.get("password", "")):
            return Reply(
                bad_login_status, {"error": "invalid_grant", "error_description": BAD_CREDENTIALS}
            )
        if two_factor_code is not None and code != two_factor_code:
            description = TWO_FACTOR_INVALID if code else TWO_FACTOR_REQUIRED
            return Reply(401, {"error": "two_factor", "error_description": description})
        return username

    def issue(self, username: str, *, lifetime: int, now: float) -> dict[str, Any]:
        """Issue a token for ``username``, living ``lifetime`` seconds from ``now``; WXM's answer."""
        token = secrets.token_urlsafe(32)
        self.tokens[token] = _IssuedToken(username, now + lifetime)
        issued = datetime.now(UTC).replace(microsecond=0)
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": max(lifetime - 1, 0),
            "userName": username,
            "email": f"{username}@example.com",
            "primaryRole": "MasterAdmin",
            "managedBy": username,
            "preview": "False",
            "station": "uswest",
            "hash": secrets.token_hex(16),
            ".issued": format_datetime(issued, usegmt=True),
            ".expires": format_datetime(issued + timedelta(seconds=lifetime), usegmt=True),
        }


def routes(accounts: Accounts) -> list[Route]:
    """The API-key and logout routes."""
    return [
        Route("GET", "/api/GetAPIKey", partial(_get_api_key, accounts)),
        Route("GET", "/api/GenerateAPIKey", partial(_generate_api_key, accounts)),
        Route("GET", "/api/account/logout", partial(_logout, accounts)),
    ]


def _get_api_key(accounts: Accounts, request: Request) -> Reply:
    assert request.user is not None
    return ok(accounts.api_key(request.user))


def _generate_api_key(accounts: Accounts, request: Request) -> Reply:
    assert request.user is not None
    accounts.api_keys.pop(request.user, None)
    return ok(accounts.api_key(request.user))


def _logout(accounts: Accounts, request: Request) -> Reply:
    _, _, token = request.headers.get("authorization", "").partition(" ")
    accounts.tokens.pop(token, None)
    return ok(True)
