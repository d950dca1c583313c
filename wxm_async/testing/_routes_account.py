"""Settings, profile, sub-users and the user-data key-value store."""

from __future__ import annotations

from functools import partial

from . import _quirks
from ._catalog import settings
from ._wire import Invalid, Reply, Request, Route, json_object, ok, typed
from ._world import World

SUB_USER_PAGE_SIZE = 25
"""Sub-users per page of ``/api/account/getsubusers/page/{page}/{search}``."""
FIRST_SUB_USER_PAGE = 1
"""The first sub-user page, as WXM's own .NET client asks for it."""


def routes(world: World) -> list[Route]:
    """The routes of the account."""
    return [
        Route("GET", "/api/settings", partial(_settings, world)),
        Route("GET", "/api/Profile", _profile),
        Route("GET", "/api/account/getsubusers", partial(_sub_users, world)),
        Route("GET", "/api/account/getsubusers/page/{page}", partial(_sub_user_page, world)),
        # The .NET client's path when it searches for nothing: an empty last segment.
        Route("GET", "/api/account/getsubusers/page/{page}/", partial(_sub_user_page, world)),
        Route(
            "GET", "/api/account/getsubusers/page/{page}/{search}", partial(_sub_user_page, world)
        ),
        Route("GET", "/api/UserData/{key}", partial(_get_user_data, world)),
        Route("POST", "/api/UserData/{key}", partial(_set_user_data, world)),
    ]


def _settings(world: World, request: Request) -> Reply:
    tidy = settings(world.user)
    return ok(
        {**tidy, "locationList": [world.wire(_quirks.location, x) for x in tidy["locationList"]]}
    )


def _profile(request: Request) -> Reply:
    return ok({"user": request.user, "name": request.user, "timeZoneOffset": 0})


def _sub_users(world: World, request: Request) -> Reply:
    return ok([world.wire(_quirks.sub_user, u) for u in world.sub_users])


def _sub_user_page(world: World, request: Request, page: str, search: str = "") -> Reply:
    wanted = search.lower()
    found = [
        u
        for u in world.sub_users
        if any(wanted in (u[key] or "").lower() for key in ("userName", "name", "email"))
    ]
    number, on_page, pages = world.page(
        page, SUB_USER_PAGE_SIZE, len(found), base=FIRST_SUB_USER_PAGE
    )
    return ok(
        {
            "currentPage": number,
            "users": [world.wire(_quirks.sub_user, found[k]) for k in on_page],
            "totalCount": len(found),
            "totalPages": pages,
        }
    )


def _get_user_data(world: World, request: Request, key: str) -> Reply:
    assert request.user is not None
    return ok(world.user_data.get((request.user, key)))


def _set_user_data(world: World, request: Request, key: str) -> Reply:
    assert request.user is not None
    value = typed(json_object(request), "value", str)
    if value is None:
        raise Invalid("'value' is required.")
    world.user_data[(request.user, key)] = value
    return ok(True)
