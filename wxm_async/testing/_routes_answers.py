"""Survey responses ("answers"): filtered, paged, counted, one by id, notes."""

from __future__ import annotations

from functools import partial

from . import _quirks
from ._wire import (
    Invalid,
    NotFound,
    Reply,
    Request,
    Route,
    integer,
    iso,
    json_object,
    now_ms,
    ok,
    parse_iso,
    typed,
)
from ._world import World


def routes(world: World) -> list[Route]:
    """The routes of survey responses."""
    return [
        Route("POST", "/api/answers", partial(_answers, world)),
        Route("GET", "/api/answers", partial(_answers, world)),
        Route("POST", "/api/answers/page/{page}/{rows}", partial(_page, world)),
        Route("POST", "/api/answers/count", partial(_count, world)),
        Route("GET", "/api/answer/{answer_id}", partial(_one, world)),
        Route("POST", "/api/Answers/Note/{answer_id}", partial(_note, world)),
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
    return ok(_shaped(world, _index(world, answer_id)))


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
