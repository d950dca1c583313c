"""Analytics over the filtered responses: the summary and the flash NPS."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import partial
from typing import Any

from . import _quirks
from ._catalog import NPS_QUESTION_ID
from ._wire import Reply, Request, Route, ok
from ._world import World


def routes(world: World) -> list[Route]:
    """The routes of analytics."""
    return [
        Route("POST", "/api/summary", partial(_summary, world)),
        Route("POST", "/api/FlashNPS", partial(_flash_nps, world)),
    ]


def _filtered(world: World, request: Request) -> list[dict[str, Any]]:
    return [world.answers.answer(i) for i in world.answers.select(world.filter_of(request))]


def net_promoter(question: dict[str, Any], answers: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The NPS of ``question`` over ``answers``: 9-10 promote, 7-8 pass, 0-6 detract."""
    scores = [
        r["numberInput"]
        for a in answers
        for r in a["responses"]
        if r["questionId"] == question["id"]
    ]
    promoters = sum(score >= 9 for score in scores)
    detractors = sum(score <= 6 for score in scores)
    # WXM's netPromoters is an int (the .NET DTO's type), so the score is rounded.
    net = round(100 * (promoters - detractors) / len(scores)) if scores else 0
    return {
        "questionID": question["id"],
        "questionText": question["text"],
        "promoters": promoters,
        "passive": len(scores) - promoters - detractors,
        "detractors": detractors,
        "netPromoters": net,
        "defaultIndex": False,
    }


def _nps_question(world: World) -> dict[str, Any]:
    return next(q for q in world.questions if q["id"] == NPS_QUESTION_ID)


def _flash_nps(world: World, request: Request) -> Reply:
    answers = _filtered(world, request)
    return ok(
        {"totalResponses": len(answers), "netPromoter": net_promoter(_nps_question(world), answers)}
    )


def _summary(world: World, request: Request) -> Reply:
    answers = _filtered(world, request)
    summary = []
    for question in world.questions:
        if question["isRetired"]:
            continue
        numeric = question["displayType"] in ("Scale", "Number")
        given = [r for a in answers for r in a["responses"] if r["questionId"] == question["id"]]
        counts = Counter(str(r["numberInput"]) if numeric else r["textInput"] for r in given)
        summary.append(
            {
                "askedQuestion": world.wire(_quirks.question, question),
                "response": dict(counts),
                "ratingTrend": _rating_trend(question, answers) if numeric else {},
            }
        )
    nps = net_promoter(_nps_question(world), answers)
    scores = [
        r["numberInput"]
        for a in answers
        for r in a["responses"]
        if r["questionId"] == NPS_QUESTION_ID
    ]
    return ok(
        {
            "summary": summary,
            "weightedScore": round(sum(scores) / len(scores)) if scores else 0,
            "responseCount": len(answers),
            "assortedWordCloud": [],
            "tags": [],
            "netPromoter": nps,
        }
    )


def _rating_trend(question: dict[str, Any], answers: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The mean answer per day (midnight UTC, a naive .NET date as key), as ``ratingTrend``."""
    by_day: dict[str, list[int]] = {}
    for answer in answers:
        day = answer["responseDateTime"][:10] + "T00:00:00"
        for response in answer["responses"]:
            if response["questionId"] == question["id"]:
                by_day.setdefault(day, []).append(response["numberInput"])
    return {day: round(sum(v) / len(v), 2) for day, v in sorted(by_day.items())}
