"""The account: its settings, its profile and its sub-users."""

from __future__ import annotations

from attrs import frozen

__all__ = ["Location", "Profile", "Settings", "SubUser", "SubUserPage"]


@frozen(kw_only=True)
class Location:
    """A questionnaire as the account's settings list it (WXM's "location").

    Attributes:
        name: Its name, as filters use it.
        display_name: The name shown to people.
        is_name_immutable: Whether the name can no longer change.
        tags: Its tags.
    """

    name: str
    display_name: str | None = None
    is_name_immutable: bool | None = None
    tags: tuple[str, ...] = ()


@frozen(kw_only=True)
class Settings:
    """The account's settings (the parts most programs need).

    Attributes:
        id: The settings' id.
        user: The account.
        locations: The account's questionnaires (``locationList``).
        time_zone_offset: The account's time zone, in minutes from UTC.
    """

    id: str | None = None
    user: str | None = None
    locations: tuple[Location, ...] = ()
    time_zone_offset: int | None = None


@frozen(kw_only=True)
class Profile:
    """The logged-in user's profile.

    Attributes:
        user: The user name.
        name: The person's name.
        time_zone_offset: Their time zone, in minutes from UTC.
    """

    user: str
    name: str | None = None
    time_zone_offset: int | None = None


@frozen(kw_only=True)
class SubUser:
    """A user of the account other than its owner.

    Attributes:
        id: The user's id.
        user_name: Their user name (WXM prefixes it with the account's).
        name: Their name.
        email: Their email address.
        mobile_phone: Their phone number.
        primary_role: Their role, e.g. ``"Manager"``.
        department: Their department.
        is_active: Whether they can log in.
        is_email_verified: Whether their email address is verified.
    """

    id: str
    user_name: str | None = None
    name: str | None = None
    email: str | None = None
    mobile_phone: str | None = None
    primary_role: str | None = None
    department: str | None = None
    is_active: bool | None = None
    is_email_verified: bool | None = None


@frozen(kw_only=True)
class SubUserPage:
    """One page of sub-users.

    Attributes:
        page: The page number WXM says this is (``currentPage``), if it says.
        users: The sub-users on this page.
        total_count: How many sub-users match, on all pages, if WXM says.
        total_pages: How many pages there are, if WXM says.
    """

    page: int | None = None
    users: tuple[SubUser, ...] = ()
    total_count: int | None = None
    total_pages: int | None = None
