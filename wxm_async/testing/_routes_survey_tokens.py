"""Survey tokens: create, list, search, page, read, update, delete one or many.

Beyond the vendor's client, WXM's answers are not documented. The fake's choices: a
page holds ``TOKEN_PAGE_SIZE`` tokens; a search that finds nothing answers ``null``,
as .NET writes an unset list; deleting many answers ``true`` and skips unknown ids.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from . import _quirks
from ._catalog import DAY_MS
from ._wire import (
    Invalid,
    NotFound,
    Reply,
    Request,
    Route,
    iso,
    json_body,
    json_object,
    now_ms,
    ok,
    parse_iso,
    responses_in,
    typed,
)
from ._world import World

DISPATCH_TOKEN_DAYS = 30
"""How long tokens made for a dispatch are valid, in days."""

TOKEN_PAGE_SIZE = 25
"""Tokens per page of ``/api/surveytoken/page/{page}``."""


def routes(world: World) -> list[Route]:
    """The routes of survey tokens."""
    return [
        Route("POST", "/api/surveytoken", partial(_create, world)),
        Route("GET", "/api/surveytoken", partial(_list, world)),
        Route("GET", "/api/SurveyToken/Id/{token_id}", partial(_one, world)),
        Route("POST", "/api/surveytoken/update/{token_id}", partial(_update, world)),
        Route("GET", "/api/surveytoken/search/{location}", partial(_search, world)),
        Route("GET", "/api/surveytoken/search/{location}/{note}", partial(_search, world)),
        Route("GET", "/api/surveytoken/all/{note}", partial(_search, world, location=None)),
        Route("GET", "/api/surveytoken/page/{page}", partial(_page, world)),
        Route("GET", "/api/surveytoken/page/{page}/all", partial(_page, world)),
        Route("GET", "/api/surveytoken/delete/{token_id}", partial(_delete, world)),
        Route("POST", "/api/surveytoken/delete/", partial(_delete_many, world)),
        Route("POST", "/api/SurveyByToken/Import/Dispatch", partial(_for_dispatch, world)),
    ]


def new_token(
    world: World,
    *,
    location: str,
    valid_till: int | None,
    valid_uses: int,
    prefill: list[dict[str, Any]],
    note: str | None,
    language: str | None,
) -> dict[str, Any]:
    """Make a survey token in ``world`` (every route that makes one comes here); return it."""
    token_id = world.new_token_id()
    token: dict[str, Any] = {
        "id": token_id,
        "user": world.user,
        "note": note,
        "preFill": prefill,
        "validTill": None if valid_till is None else iso(valid_till),
        "validUses": valid_uses,
        "location": location,
        "isEmailed": False,
        "isPrinted": False,
        "requireCaptcha": False,
        "skipWelcome": False,
        "doNotPartialSubmit": False,
        "preferredLanguage": language,
    }
    world.tokens[token_id.lower()] = token
    return token


def _create(world: World, request: Request) -> Reply:
    body = json_object(request)
    location = typed(body, "location", str)
    if not location:
        raise Invalid("'location' is required.")
    till = body.get("validtill")
    token = new_token(
        world,
        location=location,
        valid_till=None if till is None else parse_iso(till, "validTill"),
        valid_uses=typed(body, "validUses", int, -1),
        prefill=responses_in(body.get("prefill"), "preFill"),
        note=typed(body, "note", str),
        language=typed(body, "preferredLanguage", str),
    )
    return ok(world.wire(_quirks.token, token))


def _list(world: World, request: Request) -> Reply:
    return ok([world.wire(_quirks.token, token) for token in world.tokens.values()])


def _one(world: World, request: Request, token_id: str) -> Reply:
    token = world.tokens.get(token_id.lower())
    if token is None:
        raise NotFound(f"No survey token has the id '{token_id}'.")
    return ok(world.wire(_quirks.token, token))


def _update(world: World, request: Request, token_id: str) -> Reply:
    token = world.tokens.get(token_id.lower())
    if token is None:
        raise NotFound(f"No survey token has the id '{token_id}'.")
    body = json_object(request)
    till = body.get("validtill")
    location = typed(body, "location", str)
    token.update(
        {
            "location": location or token["location"],
            "validTill": None if till is None else iso(parse_iso(till, "validTill")),
            "validUses": typed(body, "validUses", int, -1),
            "preFill": responses_in(body.get("prefill"), "preFill"),
            "note": typed(body, "note", str),
            "preferredLanguage": typed(body, "preferredLanguage", str),
        }
    )
    return ok(world.wire(_quirks.token, token))


def _search(world: World, request: Request, location: str | None, note: str | None = None) -> Reply:
    found = [
        world.wire(_quirks.token, token)
        for token in world.tokens.values()
        if (location is None or str(token["location"]).lower() == location.lower())
        and (note is None or token["note"] == note)
    ]
    return ok(found if found or world.tidy else None)  # .NET's unset list


def _page(world: World, request: Request, page: str) -> Reply:
    tokens = list(world.tokens.values())
    number, indices, pages = world.page(page, TOKEN_PAGE_SIZE, len(tokens), base=0)
    return ok(
        {
            "currentPage": number,
            "tokens": [world.wire(_quirks.token, tokens[i]) for i in indices],
            "totalCount": len(tokens),
            "totalPages": pages,
        }
    )


def _delete_many(world: World, request: Request) -> Reply:
    ids = json_body(request)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise Invalid("The body must be a list of token ids.")
    for token_id in ids:
        world.tokens.pop(token_id.lower(), None)
    return ok(True)


def _delete(world: World, request: Request, token_id: str) -> Reply:
    if world.tokens.pop(token_id.lower(), None) is None:
        raise NotFound(f"No survey token has the id '{token_id}'.")
    return ok(True)


def _for_dispatch(world: World, request: Request) -> Reply:
    body = json_object(request)
    dispatch_id = typed(body, "DispatchId", str)
    if not dispatch_id:
        raise Invalid("'DispatchId' is required.")
    dispatch = next((d for d in world.dispatches if d["id"].lower() == dispatch_id.lower()), None)
    if dispatch is None:
        raise Invalid(f"No dispatch has the id '{dispatch_id}'.")
    rows = body.get("prefillreponse")  # sic: WXM's key
    if not isinstance(rows, list) or not rows:
        raise Invalid("'PrefillReponse' must be a non-empty list of lists of Responses.")
    batch = typed(body, "Batchid", str)
    typed(body, "UUID", str)
    prefills = [responses_in(row, "PrefillReponse") for row in rows]
    till = now_ms() + DISPATCH_TOKEN_DAYS * DAY_MS
    made = {}
    for prefill in prefills:
        token = new_token(
            world,
            location=dispatch["questionnaireName"],
            valid_till=till,
            valid_uses=1,
            prefill=prefill,
            note=batch,
            language=None,
        )
        made[token["id"]] = prefill
    return ok(made)
