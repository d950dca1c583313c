"""Questions and questionnaires."""

from __future__ import annotations

from functools import partial

from . import _quirks
from ._catalog import questionnaires
from ._wire import Invalid, Reply, Request, Route, json_object, ok, typed
from ._world import World


def routes(world: World) -> list[Route]:
    """The routes of questions and questionnaires."""
    return [
        Route("GET", "/api/Questions/Active", partial(_active, world)),
        Route("GET", "/api/questions", partial(_all, world)),
        Route("POST", "/api/Questions/Questionnaire", partial(_of_questionnaire, world)),
        Route("GET", "/api/AllSurveyQuestionnaires", _questionnaires),
    ]


def _active(world: World, request: Request) -> Reply:
    return ok([world.wire(_quirks.question, q) for q in world.questions if not q["isRetired"]])


def _all(world: World, request: Request) -> Reply:
    return ok([world.wire(_quirks.question, q) for q in world.questions])


def _of_questionnaire(world: World, request: Request) -> Reply:
    name = typed(json_object(request), "name", str)
    if name is None:
        raise Invalid("'name' is required.")
    wanted = name.lower()
    return ok(
        [
            world.wire(_quirks.question, q)
            for q in world.questions
            if wanted in (loc.lower() for loc in q["displayLocation"])
        ]
    )


def _questionnaires(request: Request) -> Reply:
    return ok(questionnaires())
