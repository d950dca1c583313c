"""Survey responses ("answers"): filtered, paged, counted, one by id, notes, written.

Responses written through ``answers/add`` and ``answers/update`` are kept apart from
the generated ones, in ``World.written`` (at most ``MAX_WRITTEN``): ``GET
/api/answer/{id}`` finds them; listings, pages, counts and filters do not.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from . import _quirks
from ._wire import (
    Invalid,
    NotFound,
    Reply,
    Request,
    Route,
    integer,
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

MAX_WRITTEN = 10_000
"""The most written responses the fake keeps; the oldest go first."""


def routes(world: World) -> list[Route]:
    """The routes of survey responses."""
    return [
        Route("POST", "/api/answers", partial(_answers, world)),
        Route("GET", "/api/answers", partial(_answers, world)),
        Route("POST", "/api/answers/page/{page}/{rows}", partial(_page, world)),
        Route("POST", "/api/answers/count", partial(_count, world)),
        Route("GET", "/api/answer/{answer_id}", partial(_one, world)),
        Route("POST", "/api/Answers/Note/{answer_id}", partial(_note, world)),
        Route("POST", "/api/answers/add", partial(_add, world)),
        Route("POST", "/api/answers/update", partial(_update, world)),
    ]


def _answers(world: World, request: Request) -> Reply:
    found = world.answers.select(world.filter_of(request))
    if not found and not world.tidy:
        return ok(None)  # WXM's answer when nothing matches: null, not []
    return ok([_shaped(world, i) for i in found])


def _shaped(world: World, i: int) -> dict[str, object]:
    return world.wire(_quirks.answer, world.answers.answer(i))


def _page(world: World, request: Request, page: str, rows: str) -> Reply:
    size = integer(rows, "rows")
    if not 1 <= size <= world.max_page_size:
        raise Invalid(f"'rows' must be from 1 to {world.max_page_size}.")
    where = world.filter_of(request)
    found = world.answers.select(where)
    number, on_page, pages = world.page(page, size, len(found))
    return ok(
        {
            "currentPage": number,
            "responses": [_shaped(world, found[k]) for k in on_page],
            "totalCount": len(found),
            "totalPages": pages,
        }
    )


def _count(world: World, request: Request) -> Reply:
    return ok(len(world.answers.select(world.filter_of(request))))


def _index(world: World, answer_id: str) -> int:
    i = world.answers.index_of(answer_id)
    if i is None:
        raise NotFound(f"No response has the id '{answer_id}'.")
    return i


def _one(world: World, request: Request, answer_id: str) -> Reply:
    written = world.written.get(answer_id.lower())
    if written is not None:
        return ok(world.wire(_quirks.answer, written))
    return ok(_shaped(world, _index(world, answer_id)))


def _record(world: World, body: dict[str, Any], answer_id: str, user: str) -> dict[str, Any]:
    """An Answer from a request's JSON object (keys lower-cased), checked."""
    location = typed(body, "locationId", str)
    if not location:
        raise Invalid("'locationId' is required.")
    when = body.get("responsedatetime")
    return {
        "id": answer_id,
        "user": user,
        "locationId": location,
        "responseDateTime": iso(now_ms() if when is None else parse_iso(when, "responseDateTime")),
        "responseDuration": typed(body, "responseDuration", int, 0),
        "surveyClient": typed(body, "surveyClient", str),
        "responses": responses_in(body.get("responses"), "responses"),
        "archived": typed(body, "archived", bool, False),
        "notes": [],
        "openTicket": None,
        "deviceId": typed(body, "deviceId", str),
    }


def _keep(world: World, record: dict[str, Any]) -> None:
    world.written[record["id"].lower()] = record
    while len(world.written) > MAX_WRITTEN:
        world.written.pop(next(iter(world.written)))


def _add(world: World, request: Request) -> Reply:
    assert request.user is not None
    answer_id = f"{0xADD:08x}{world.next_written:016x}"
    record = _record(world, json_object(request), answer_id, request.user)
    world.next_written += 1
    _keep(world, record)
    return ok(world.wire(_quirks.answer, record))


def _update(world: World, request: Request) -> Reply:
    assert request.user is not None
    body = json_body(request)
    if not isinstance(body, dict) or not body:
        raise Invalid("The body must map response ids to responses.")
    records = []
    for answer_id, answer in body.items():
        if not isinstance(answer, dict):
            raise Invalid("The body must map response ids to responses.")
        known = answer_id.lower() in world.written or world.answers.index_of(answer_id) is not None
        if not known:
            return ok(False)  # nothing changed
        fields = {str(k).lower(): v for k, v in answer.items()}
        records.append(_record(world, fields, answer_id, request.user))
    for record in records:
        _keep(world, record)
    return ok(True)


def _note(world: World, request: Request, answer_id: str) -> Reply:
    i = _index(world, answer_id)
    body = json_object(request)
    text = typed(body, "note", str)
    if text is None:
        raise Invalid("'note' is required.")
    when = body.get("notetime")
    moment = now_ms() if when is None else parse_iso(when, "noteTime")
    assert request.user is not None
    world.answers.add_note(
        i,
        {"user": request.user, "authorName": request.user, "noteTime": iso(moment), "note": text},
    )
    return ok(True)
