"""``client.account``: settings, profile, sub-users, the API key and user data."""

from __future__ import annotations

from attrs import frozen

from .._http import Sender, number_segment, segment
from .._models import Profile, Settings, SubUser, SubUserPage

__all__ = ["Account"]


@frozen
class Account:
    """The account and the logged-in user (``client.account``)."""

    _sender: Sender
    _first_page: int

    async def settings(self) -> Settings:
        """Return the account's settings: ``GET /api/settings``."""
        return await self._sender.call("GET", "/api/settings", Settings, idempotent=True)

    async def profile(self) -> Profile:
        """Return the logged-in user's profile: ``GET /api/Profile``."""
        return await self._sender.call("GET", "/api/Profile", Profile, idempotent=True)

    async def sub_users(self) -> list[SubUser]:
        """Return every sub-user: ``GET /api/account/getsubusers``."""
        return await self._sender.call(
            "GET", "/api/account/getsubusers", list[SubUser], idempotent=True
        )

    async def sub_users_page(self, page: int, search: str = "") -> SubUserPage:
        """Return one page of sub-users: ``GET /api/account/getsubusers/page/{page}/{search}``.

        Args:
            page: The page number; the first page is the client's ``first_page``.
            search: Only users whose user name, name or email contains it; default all.
        """
        path = f"/api/account/getsubusers/page/{number_segment(page, 'page', at_least=0)}"
        if search:
            path += f"/{segment(search, 'search')}"
        return await self._sender.call("GET", path, SubUserPage, idempotent=True)

    async def api_key(self) -> str:
        """Return the account's API key: ``GET /api/GetAPIKey``. The key is a secret."""
        return await self._sender.call("GET", "/api/GetAPIKey", str, idempotent=True)

    async def generate_api_key(self) -> str:
        """Make a new API key and return it: ``GET /api/GenerateAPIKey``.

        Not retried: a retry would make yet another key. Whether the old key stops
        working is not documented; log in again with the new key.
        """
        return await self._sender.call("GET", "/api/GenerateAPIKey", str, idempotent=False)

    async def user_data(self, key: str) -> str | None:
        """Return the string stored under ``key``, or ``None``: ``GET /api/UserData/{key}``."""
        return await self._sender.call(
            "GET",
            f"/api/UserData/{segment(key, 'key')}",
            str | None,  # type: ignore[arg-type]
            idempotent=True,
        )

    async def set_user_data(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``: ``POST /api/UserData/{key}``."""
        await self._sender.send(
            "POST",
            f"/api/UserData/{segment(key, 'key')}",
            body={"value": value},
            idempotent=True,  # writing the same value twice changes nothing
        )
