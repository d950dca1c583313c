"""``POST /api/DeliveryPlan/WXMMergedData``: each token's delivery events and answers.

Body ``{filter: FilterBy, TokenIds: [id]}``; the answer has one record per known token
asked for: ``{_id, responses, answeredAt, partial, wxmEvents}`` (cisco/WXM-Invitations
``WXMDeliveryEvents``). The fake merges what it saw: an invitation
(``RequestInvitation``) is a ``Sent`` event; a response submitted through the token
within the filter's dates is ``Answered``, else its partial response (``partial``
true). As .NET writes them, a token without answers has ``answeredAt``
``0001-01-01T00:00:00`` (MinValue) and ``responses`` ``null``, and one without events
``wxmEvents`` ``null``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from . import _quirks
from ._filters import parse_filter
from ._routes_surveys import SurveyLog
from ._wire import Invalid, Reply, Request, Route, iso, json_object, ok, parse_iso
from ._world import World


def routes(world: World, log: SurveyLog) -> list[Route]:
    """The merged-data route."""
    return [Route("POST", "/api/DeliveryPlan/WXMMergedData", partial(_merged, world, log))]


def _merged(world: World, log: SurveyLog, request: Request) -> Reply:
    body = json_object(request)
    ids = body.get("tokenids")
    if ids is None:
        ids = []
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise Invalid("'TokenIds' must be a list of token ids.")
    raw_filter = body.get("filter") or {}
    if not isinstance(raw_filter, dict):
        raise Invalid("'filter' must be a FilterBy object.")
    where = parse_filter({str(k).lower(): v for k, v in raw_filter.items()})
    records = []
    for token_id in dict.fromkeys(i.lower() for i in ids):
        token = world.tokens.get(token_id)
        if token is not None:
            records.append(_record(world, log, token, where.after_ms, where.before_ms))
    return ok(records)


def _record(
    world: World, log: SurveyLog, token: dict[str, Any], after: int | None, before: int | None
) -> dict[str, Any]:
    key = token["id"].lower()
    events = [
        {"timeStamp": iso(i["at"]), "channel": i["channel"], "action": "Sent"}
        for i in world.invitations
        if i["token"].lower() == key
    ]
    answer = log.answered.get(key)
    if answer is not None:
        at = parse_iso(answer["responseDateTime"], "responseDateTime")
        if (after is None or at >= after) and (before is None or at < before):
            events.append(
                {"timeStamp": answer["responseDateTime"], "channel": "Survey", "action": "Answered"}
            )
            return _shape(world, token, answer["responses"], answer["responseDateTime"], events)
    saved = [p for p in log.partials.values() if p["token"].lower() == key and p["responses"]]
    if saved:
        return _shape(world, token, saved[-1]["responses"], None, events, partial=True)
    return _shape(world, token, [], None, events)


def _shape(
    world: World,
    token: dict[str, Any],
    responses: list[dict[str, Any]],
    answered_at: str | None,
    events: list[dict[str, Any]],
    *,
    partial: bool = False,
) -> dict[str, Any]:
    for event in events:
        event.update(sentSequence=1, message=None)
    record = {
        "_id": token["id"],
        "responses": responses,
        "answeredAt": answered_at,
        "partial": partial,
        "wxmEvents": events,
    }
    return world.wire(_quirks.merged, record)
