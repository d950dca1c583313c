"""The fake's HTTP vocabulary: requests, replies, routes, WXM's error bodies, dates.

Handlers raise ``Invalid`` or ``NotFound``; the dispatcher turns them into WXM-like 400
and 404 answers, so bad input never becomes a 500 with a Python traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from attrs import field, frozen

JSON_TYPE = "application/json; charset=utf-8"
INVALID_MESSAGE = "The request is invalid."


@frozen
class Reply:
    """One HTTP reply of the fake (not a survey answer): a status, a JSON body (or raw bytes) and headers."""

    status: int
    body: object = None
    raw: bytes | None = None  # sent as it is, instead of body as JSON
    content_type: str = JSON_TYPE
    headers: tuple[tuple[str, str], ...] = ()

    def encoded(self) -> bytes:
        """Return the body as bytes."""
        return self.raw if self.raw is not None else json.dumps(self.body).encode()


@frozen
class Request:
    """One request, as the fake's handlers see it."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    user: str | None = None  # who the credentials belong to, once checked


Handler = Callable[..., Reply | Awaitable[Reply]]


@frozen
class Route:
    """A method and a path template (``{name}`` is one segment), matched ignoring case."""

    method: str
    template: str
    handler: Handler
    protected: bool = True
    pattern: re.Pattern[str] = field(init=False)

    def __attrs_post_init__(self) -> None:
        # WXM's routing ignores case.
        pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template), re.IGNORECASE)
        object.__setattr__(self, "pattern", pattern)

    @property
    def key(self) -> str:
        """The route's name in ``FakeWXM.requests``: method, space, template."""
        return f"{self.method} {self.template}"


class Invalid(Exception):
    """The request's input is wrong: answered 400 ``{"message": "The request is invalid. ..."}``."""

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail

    def reply(self) -> Reply:
        """WXM's 400 reply, with the detail appended."""
        message = INVALID_MESSAGE if not self.detail else f"{INVALID_MESSAGE} {self.detail}"
        return Reply(400, {"message": message})


class NotFound(Exception):
    """A resource named in the path does not exist: answered 404 ``{"message": ...}``."""

    def reply(self) -> Reply:
        """The 404 reply."""
        return Reply(404, {"message": str(self)})


def ok(body: object) -> Reply:
    """A 200 reply with ``body`` as JSON."""
    return Reply(200, body)


def json_body(request: Request, *, empty: object = None) -> Any:
    """Decode the request's JSON body; an empty body is ``empty``, or invalid if None."""
    if not request.body.strip():
        if empty is None:
            raise Invalid("The body is empty.")
        return empty
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise Invalid("The body is not JSON.") from None


def json_object(request: Request, *, empty: bool = False) -> dict[str, Any]:
    """Decode a JSON object body with its keys lower-cased (WXM binds keys ignoring case)."""
    body = json_body(request, empty={} if empty else None)
    if not isinstance(body, dict):
        raise Invalid("The body is not a JSON object.")
    return {str(k).lower(): v for k, v in body.items()}


def typed(
    obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], default: Any = None
) -> Any:
    """``obj[key]`` checked against ``kind`` (bool is not an int); null or missing is ``default``."""
    value = obj.get(key.lower())
    if value is None:
        return default
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise Invalid(f"'{key}' has the wrong type.")
    if not isinstance(value, kinds):
        raise Invalid(f"'{key}' has the wrong type.")
    return value


def responses_in(value: object, name: str) -> list[dict[str, Any]]:
    """A list of Response objects ({questionId, textInput, numberInput}), checked."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(f"'{name}' must be a list.")
    rows = []
    for item in value:
        if not isinstance(item, dict):
            raise Invalid(f"'{name}' must hold Response objects.")
        item = {str(k).lower(): v for k, v in item.items()}
        question_id = typed(item, "questionId", str)
        if question_id is None:
            raise Invalid(f"Every Response in '{name}' needs a 'questionId'.")
        rows.append(
            {
                "questionId": question_id,
                "questionText": typed(item, "questionText", str),
                "textInput": typed(item, "textInput", str),
                "numberInput": typed(item, "numberInput", int, 0),
            }
        )
    return rows


def integer(text: str, name: str) -> int:
    """A path segment that must be a whole number."""
    try:
        return int(text)
    except ValueError:
        raise Invalid(f"'{name}' must be a whole number.") from None


def iso(ms: int) -> str:
    """Milliseconds since the Unix epoch as WXM writes dates: ``2026-11-01T10:00:00.000Z``."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_iso(value: object, name: str) -> int:
    """An ISO-8601 date (UTC if it has no offset) as milliseconds since the epoch."""
    if not isinstance(value, str):
        raise Invalid(f"'{name}' must be an ISO-8601 date.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"'{name}' must be an ISO-8601 date.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def now_ms() -> int:
    """The wall-clock time in milliseconds since the epoch."""
    return round(datetime.now(UTC).timestamp() * 1000)


def find_route(routes: Sequence[Route], request: Request) -> Reply | tuple[Route, dict[str, str]]:
    """The first route for ``request`` and its path parameters, or WXM's 404 or 405 reply."""
    matches = [(route, m) for route in routes if (m := route.pattern.fullmatch(request.path))]
    if not matches:
        return Reply(
            404,
            {
                "message": f"No HTTP resource was found that matches the request URI '{request.path}'."
            },
        )
    found = [(route, m) for route, m in matches if route.method == request.method]
    if not found:
        return Reply(
            405,
            {"message": f"The requested resource does not support http method '{request.method}'."},
        )
    route, match = found[0]
    return route, match.groupdict()
