"""Anonymous survey routes: a token's survey, a submission, a partial save.

They take no credentials (``protected=False``), as survey front ends call them. WXM
does not document what it answers for an unknown, expired or used-up token, nor what
a partial save returns: the fake answers 404 for an unknown token or partial response,
400 for an expired or used-up token, and ``true`` for a partial save.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from attrs import define, field

from . import _quirks
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
    parse_iso,
    responses_in,
    typed,
)
from ._world import World

MAX_KEPT = 10_000
"""The most submissions and partial responses the log keeps; the oldest go first."""

BRAND_COLORS = ("#838383", "#838383", "#ffffff")
"""The fake's brand colours: those of the web micro-survey's sample survey."""


@define
class SurveyLog:
    """What respondents did through the fake: submissions and partial saves.

    Each keeps the latest ``MAX_KEPT``, so a fake serving a long load test stays small.

    Attributes:
        submitted: The responses recorded, as WXM answered them (tidy), in order.
        partials: Partial responses by id: ``{"token", "responses", "complete", ...}``.
        answered: The latest response submitted through each token, by its id
            lower-cased (for ``WXMMergedData``).
    """

    submitted: list[dict[str, Any]] = field(factory=list)
    partials: dict[str, dict[str, Any]] = field(factory=dict)
    answered: dict[str, dict[str, Any]] = field(factory=dict)
    next_id: int = 1


def routes(world: World, log: SurveyLog | None = None) -> list[Route]:
    """The anonymous survey routes."""
    log = SurveyLog() if log is None else log
    return [
        Route("GET", "/api/SurveyByToken/{token}", partial(_survey, world, log), protected=False),
        Route(
            "GET",
            "/api/SurveyByToken/{token}/{device_id}",
            partial(_survey, world, log),
            protected=False,
        ),
        Route("POST", "/api/SurveyByToken/{token}", partial(_submit, world, log), protected=False),
        *(
            Route("POST", template, partial(_save_partial, log), protected=False)
            for template in (
                "/api/PartialSurvey/{partial_id}/{complete}",
                "/api/PartialSurvey/{partial_id}/{complete}/{channel}",
                "/api/PartialSurvey/{partial_id}/{complete}/{channel}/{device_id}",
            )
        ),
    ]


def _usable_token(world: World, token_id: str) -> dict[str, Any]:
    token = world.tokens.get(token_id.lower())
    if token is None:
        raise NotFound(f"No survey token has the id '{token_id}'.")
    till = token.get("validTill")
    if till is not None and parse_iso(till, "validTill") < now_ms():
        raise Invalid("The survey token has expired.")
    if token.get("validUses") == 0:
        raise Invalid("The survey token has been used up.")
    return token


def _survey(
    world: World, log: SurveyLog, request: Request, token: str, device_id: str | None = None
) -> Reply:
    record = _usable_token(world, token)
    location = record["location"]
    partial_id = f"{log.next_id:024x}"
    log.next_id += 1
    if len(log.partials) >= MAX_KEPT:
        del log.partials[next(iter(log.partials))]
    log.partials[partial_id] = {
        "token": record["id"],
        "deviceId": device_id,
        "responses": [],
        "complete": False,
    }
    questions = [
        q for q in world.questions if location in q["displayLocation"] and not q["isRetired"]
    ]
    survey = {
        "businessName": world.user,
        "logoURL": None,
        "backgroundURL": None,
        "colorCode1": BRAND_COLORS[0],
        "colorCode2": BRAND_COLORS[1],
        "colorCode3": BRAND_COLORS[2],
        "welcomeText": "Please share your feedback.",
        "thankyouText": "Thank you for your response.",
        "disclaimerText": None,
        "questions": questions,
        "preFill": list(record.get("preFill") or []),
        "partialResponseId": partial_id,
        "reCaptchaSiteKey": None,
        "classicCaptcha": False,
        "skipWelcome": bool(record.get("skipWelcome")),
        "preferredStation": "api",
    }
    return Reply(200, world.wire(_quirks.survey, survey))


def _submit(world: World, log: SurveyLog, request: Request, token: str) -> Reply:
    record = _usable_token(world, token)
    body = json_object(request)
    responses = responses_in(body.get("responses"), "responses")
    when = body.get("responsedatetime")
    at = now_ms() if when is None else parse_iso(when, "responseDateTime")
    if record.get("validUses", -1) > 0:
        record["validUses"] -= 1
    answer = {
        "id": f"{0xA0000000 + len(log.submitted):08x}{log.next_id:016x}",
        "user": world.user,
        "locationId": record["location"],
        "responseDateTime": iso(at),
        "responses": responses,
        "surveyClient": typed(body, "surveyClient", str),
        "responseDuration": typed(body, "responseDuration", int, 0),
        "archived": False,
        "notes": [],
        "deviceId": typed(body, "deviceId", str),
    }
    log.next_id += 1
    if len(log.submitted) >= MAX_KEPT:
        del log.submitted[0]
    log.submitted.append(answer)
    log.answered.pop(record["id"].lower(), None)  # the latest last, the oldest first
    log.answered[record["id"].lower()] = answer
    if len(log.answered) > MAX_KEPT:
        del log.answered[next(iter(log.answered))]
    return Reply(200, world.wire(_quirks.submitted, answer))


def _save_partial(
    log: SurveyLog,
    request: Request,
    partial_id: str,
    complete: str,
    channel: str | None = None,
    device_id: str | None = None,
) -> Reply:
    saved = log.partials.get(partial_id.lower())
    if saved is None:
        raise NotFound(f"No partial response has the id '{partial_id}'.")
    if complete.lower() not in ("true", "false"):
        raise Invalid("'complete' must be true or false.")
    body = json_body(request)
    if not isinstance(body, list):
        raise Invalid("The body must be a list of Responses.")
    saved["responses"] = responses_in(body, "responses")
    saved["complete"] = complete.lower() == "true"
    saved["channel"] = channel
    if device_id is not None:
        saved["deviceId"] = device_id
    return Reply(200, True)
