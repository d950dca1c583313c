"""A call's path as a template, ids replaced: what events and spans may show.

Ids in WXM's paths can be secrets of a kind (a survey token lets anyone answer the
survey) and make every path unique, which telemetry cannot aggregate. So events carry
``/api/SurveyToken/Id/{token_id}``, never the id.

The client's own routes are listed here; a path none of them matches (a caller's
``client.request()``) keeps only its segments made of letters (``DeliveryPlans``) and
shows any other segment as ``{id}``. The query is always left out.
"""

from __future__ import annotations

import re

__all__ = ["url_template"]

#: The routes of the client's namespaces, literal segments matched without case; a
#: ``{name}`` matches one segment that is not empty.
_ROUTES = (
    "/api/SurveyByToken/Import/Dispatch",
    "/api/account/getsubusers/page/{page}/{search}",
    "/api/account/getsubusers/page/{page}/",
    "/api/answers/page/{page}/{rows}",
    "/api/Answers/Note/{response_id}",
    "/api/answer/{response_id}",
    "/api/DeliveryEventsBy/Target/{target}",
    "/api/DeliveryPlan/{plan_id}",
    "/api/Dispatches/{dispatch_id}",
    "/api/PartialSurvey/{partial_response_id}/{complete}/{channel}/{device_id}",
    "/api/PartialSurvey/{partial_response_id}/{complete}/{channel}",
    "/api/PartialSurvey/{partial_response_id}/{complete}",
    "/api/SurveyByToken/{token}/{device_id}",
    "/api/SurveyByToken/{token}",
    "/api/SurveyToken/Id/{token_id}",
    "/api/surveytoken/delete/{token_id}",
    "/api/UserData/{key}",
)

_WORD = re.compile(r"[A-Za-z]{1,64}", re.ASCII)


def _parse(route: str) -> tuple[tuple[str | None, ...], tuple[str, ...]]:
    parts = route.split("/")[1:]
    literal = tuple(None if p.startswith("{") else p.lower() for p in parts)
    return literal, tuple(parts)


_PARSED = tuple(_parse(route) for route in _ROUTES)


def url_template(path: str) -> str:
    """Return ``path`` with its ids replaced by ``{name}`` and without its query.

    Args:
        path: A path as sent (percent-encoded), possibly below a prefix
            (``/wxm/api/...``) and with a query.

    Returns:
        The template, e.g. ``/api/SurveyToken/Id/{token_id}``.
    """
    path = path.partition("?")[0].partition("#")[0]
    at = path.find("/api/")
    prefix, rest = (path[:at], path[at:]) if at >= 0 else ("", path)
    segments = rest.split("/")[1:]
    lowered = [s.lower() for s in segments]
    for literal, parts in _PARSED:
        if len(literal) == len(segments) and all(
            (got != "" if want is None else want == got)
            for want, got in zip(literal, lowered, strict=True)
        ):
            return _generic(prefix) + "/" + "/".join(parts)
    return _generic(prefix) + _generic(rest)


def _generic(path: str) -> str:
    """Keep the segments made of letters only; show any other as ``{id}``."""
    if not path:
        return ""
    return "/".join(s if not s or _WORD.fullmatch(s) else "{id}" for s in path.split("/"))
