"""``client.account``: settings, profile, sub-users, the API key and user data."""

from __future__ import annotations

from attrs import frozen

from .._http import Sender
from .._models import Profile, Settings, SubUser, SubUserPage
from .._pagination import PageIterator, Paging
from .._paths import number_segment, segment

__all__ = ["FIRST_SUB_USER_PAGE", "Account"]

FIRST_SUB_USER_PAGE = 1
"""The first page of sub-users, as WXM's own .NET client numbers them."""

_SUB_USER_PAGING: Paging[SubUserPage, SubUser] = Paging(
    items=lambda page: page.users,
    key=lambda user: user.id,
    current_page=lambda page: page.page,
    total_pages=lambda page: page.total_pages,
    total_count=lambda page: page.total_count,
)


@frozen
class Account:
    """The account and the logged-in user (``client.account``)."""

    _sender: Sender

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

    async def sub_users_page(
        self, page: int = FIRST_SUB_USER_PAGE, search: str = ""
    ) -> SubUserPage:
        """Return one page of sub-users: ``GET /api/account/getsubusers/page/{page}/{search}``.

        As WXM's own .NET client does, the first page is 1 and the path always ends
        with the search segment, empty for all users
        (``/api/account/getsubusers/page/1/``). WXM picks the page size.

        Args:
            page: The page number; the first is 1.
            search: Only users whose user name, name or email contains it; default all.
        """
        path = (
            f"/api/account/getsubusers/page/{number_segment(page, 'page', at_least=1)}"
            f"/{segment(search, 'search') if search else ''}"
        )
        return await self._sender.call("GET", path, SubUserPage, idempotent=True)

    def iterate_sub_users(self, search: str = "") -> PageIterator[SubUserPage, SubUser]:
        """Iterate every sub-user, one page at a time, from page 1.

        Args:
            search: Only users whose user name, name or email contains it; default all.

        Raises:
            PaginationError: WXM answered the same page twice in a row.
        """

        async def fetch(page: int) -> SubUserPage:
            return await self.sub_users_page(page, search)

        return PageIterator(
            fetch,
            first_page=FIRST_SUB_USER_PAGE,
            page_size=None,  # WXM's choice; the first full page tells it
            paging=_SUB_USER_PAGING,
            what="GET /api/account/getsubusers/page/{page}/{search}",
        )

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
