"""A call's path as a template, ids replaced: what events and spans may show.

Ids in WXM's paths can be secrets of a kind (a survey token lets anyone answer the
survey) and make every path unique, which telemetry cannot aggregate. So events carry
``/api/SurveyToken/Id/{token_id}``, never the id.

The client's own routes are listed here; in a path none of them matches (a caller's
``client.request()``), a segment stays only if it is a word of those routes
(``DeliveryPlan``, ``answers``), and any other shows as ``{id}``: a name made of
letters (``/api/User/johnsmith``) is as private as a number. The query is always left
out.
"""

from __future__ import annotations

import re

__all__ = ["url_template"]

#: The routes of the client's namespaces, literal segments matched without case; a
#: ``{name}`` matches one segment that is not empty.
_ROUTES = (
    "/api/AllSurveyQuestionnaires",
    "/api/ContentTemplates",
    "/api/DeliveryPlan",
    "/api/Dispatches",
    "/api/FlashNPS",
    "/api/GenerateAPIKey",
    "/api/GetAPIKey",
    "/api/Profile",
    "/api/Questions/Active",
    "/api/Questions/Questionnaire",
    "/api/RequestInvitation",
    "/api/account/getsubusers",
    "/api/account/logout",
    "/api/answers",
    "/api/answers/add",
    "/api/answers/count",
    "/api/answers/update",
    "/api/questions",
    "/api/settings",
    "/api/summary",
    "/api/surveytoken",
    "/api/LoginToken",
    "/api/SurveyByToken/Import/Dispatch",
    "/api/account/getsubusers/page/{page}/{search}",
    "/api/account/getsubusers/page/{page}/",
    "/api/answers/page/{page}/{rows}",
    "/api/Answers/Note/{response_id}",
    "/api/answer/{response_id}",
    "/api/DeliveryEventsBy/Target/{target}",
    "/api/DeliveryPlan/WXMMergedData",
    "/api/DeliveryPlan/{plan_id}",
    "/api/Dispatches/{dispatch_id}",
    "/api/PartialSurvey/{partial_response_id}/{complete}/{channel}/{device_id}",
    "/api/PartialSurvey/{partial_response_id}/{complete}/{channel}",
    "/api/PartialSurvey/{partial_response_id}/{complete}",
    "/api/SurveyByToken/QR/{token_id}",
    "/api/SurveyByToken/Import/{valid_days}",
    "/api/SurveyByToken/{token}/{device_id}",
    "/api/SurveyByToken/{token}",
    "/api/SurveyToken/Id/{token_id}",
    "/api/surveytoken/all/{note}",
    "/api/surveytoken/delete/{token_id}",
    "/api/surveytoken/page/{page}/all",
    "/api/surveytoken/search/{questionnaire}",
    "/api/surveytoken/update/{token_id}",
    "/api/Download/{code}",
    "/api/UserData/{key}",
)

_WORD = re.compile(r"[A-Za-z]{1,64}", re.ASCII)
#: The words of the routes above, lower-cased: the segments a path the client does not
#: know may show as they are.
_WORDS = frozenset(
    part.lower() for route in _ROUTES for part in route.split("/") if _WORD.fullmatch(part)
)


def _pattern(route: str) -> str:
    return "/".join(
        "[^/]+" if part.startswith("{") else re.escape(part) for part in route.split("/")
    )


#: One pattern for all routes, tried in order: the first that matches names the route.
_ROUTE = re.compile(
    "|".join(f"(?P<r{n}>{_pattern(route)})" for n, route in enumerate(_ROUTES)), re.IGNORECASE
)


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
    prefix, rest = (path[:at], path[at:]) if at > 0 else ("", path)
    if prefix:
        prefix = _generic(prefix, known=None)
    match = _ROUTE.fullmatch(rest)
    if match is not None and match.lastgroup is not None:
        return prefix + _ROUTES[int(match.lastgroup[1:])]
    return prefix + _generic(rest, known=_WORDS)


def _generic(path: str, *, known: frozenset[str] | None) -> str:
    """Keep the segments made of letters (of them, only ``known`` words); others: ``{id}``.

    A gateway's prefix (``known=None``) keeps its words: it is the same on every call.
    """
    if not path:
        return ""
    return "/".join(
        s if not s or (_WORD.fullmatch(s) and (known is None or s.lower() in known)) else "{id}"
        for s in path.split("/")
    )
