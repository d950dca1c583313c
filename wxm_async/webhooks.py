"""Read the notifications WXM posts to an HTTP target when a notification rule fires.

WXM posts ``{"notification": "<rule name>", "answer": {...}}``: the rule's name and
the survey response that fired it. ``parse_notification`` turns such a body into a
``Notification``, as tolerantly as the client reads every response, and refuses
bodies that are too large or too deeply nested with a ``DecodeError``.

WXM documents no signature on these posts: anyone who knows the target's address can
post one. "Receive WXM's notifications" in the docs shows what a receiver can do
instead.

Example:
    ```python
    from wxm_async.webhooks import parse_notification

    notification = parse_notification(body)
    print(notification.rule, notification.response.id)
    ```
"""

import json as _json
import re as _re

from ._config import check_number as _check_number
from ._converter import structure as _structure
from ._exceptions import ConfigurationError as _ConfigurationError
from ._exceptions import DecodeError as _DecodeError
from ._models import Notification
from ._public import publish as _publish

__all__ = [
    "MAX_NOTIFICATION_BYTES",
    "MAX_NOTIFICATION_DEPTH",
    "Notification",
    "parse_notification",
]

MAX_NOTIFICATION_BYTES = 1024 * 1024
"""The largest notification body read by default, in bytes: one response, with room."""

_NOT_JSON = object()

MAX_NOTIFICATION_DEPTH = 64
"""The deepest nesting of arrays and objects taken; WXM's responses nest about 5 deep."""

# What changes the nesting or a string's bounds; everything else is skipped in C.
_SIGNIFICANT = _re.compile(r'[\[\]{}"\\]')
_SURROGATE = _re.compile("[\ud800-\udfff]")


def parse_notification(
    body: bytes | bytearray | memoryview,
    *,
    max_bytes: int = MAX_NOTIFICATION_BYTES,
    max_depth: int = MAX_NOTIFICATION_DEPTH,
) -> Notification:
    """Decode the body WXM posted to a notification target.

    Unset (``null``) and missing fields take their defaults and unknown fields are
    ignored, as in every response the client reads; only the rule's name and the
    response's ``id`` are required. The body is never quoted in an error: it holds a
    respondent's answers.

    Example:
        ```python
        notification = parse_notification(
            b'{"notification": "Detractor alert", "answer": {"id": "r-1", "responses": null}}'
        )
        assert notification.rule == "Detractor alert"
        ```

    Args:
        body: The request's body: bytes, bytearray or memoryview.
        max_bytes: The largest body taken, in bytes.
        max_depth: The deepest nesting of arrays and objects taken.

    Returns:
        The rule's name and the survey response.

    Raises:
        DecodeError: The body is larger than ``max_bytes``, nested deeper than
            ``max_depth``, not JSON, or not a notification (the message gives the
            paths of what does not fit, e.g. ``@ $.answer.responseDateTime``).
        ConfigurationError: ``body`` is not bytes, or ``max_bytes`` or ``max_depth``
            is not a whole number of 1 or more.
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise _ConfigurationError(
            f"parse_notification() takes the body as bytes, not {type(body).__name__}"
        )
    _check_number("max_bytes", max_bytes, at_least=1, whole=True)
    _check_number("max_depth", max_depth, at_least=1, whole=True)
    data = _json_of(body, max_bytes=max_bytes, max_depth=max_depth)
    return _structure(data, Notification, what="the notification", request=None)


def _json_of(body: bytes | bytearray | memoryview, *, max_bytes: int, max_depth: int) -> object:
    """The body's JSON, once its size, its encoding (UTF-8) and its nesting are checked.

    Raises:
        DecodeError: Too large, not UTF-8 (a lone surrogate escaped in a string
            included), nested too deep, or not JSON.
    """
    size = body.nbytes if isinstance(body, memoryview) else len(body)
    if size > max_bytes:  # before any copy
        raise _DecodeError(
            f"could not decode the notification: {size} bytes, "
            f"more than the {max_bytes} taken (max_bytes)"
        )
    try:
        # UTF-8 only (WXM posts UTF-8 JSON): json.loads would also read UTF-16 and -32,
        # whose bytes the nesting check below could not follow.
        text = bytes(body).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _DecodeError(
            f"could not decode the notification: the body is not UTF-8 ({size} bytes)"
        ) from None
    if _too_deep(text, max_depth):
        raise _DecodeError(
            f"could not decode the notification: nested deeper than {max_depth} "
            "arrays and objects (max_depth)"
        )
    try:
        data = _json.loads(text)
    except (ValueError, RecursionError):
        data = _NOT_JSON
    if data is _NOT_JSON:  # raised outside the except: the parser's error quotes the body
        raise _DecodeError(
            f"could not decode the notification: the body is not JSON ({size} bytes)"
        )
    if _has_lone_surrogate(data):
        raise _DecodeError(
            "could not decode the notification: a string escapes a lone surrogate "
            f"(\\ud800-\\udfff), which no UTF-8 text holds ({size} bytes)"
        )
    return data


def _has_lone_surrogate(data: object) -> bool:
    r"""Whether a string (key or value) in ``data`` holds a lone surrogate (``"\ud800"``).

    JSON's escapes can spell one; the string then cannot be encoded, logged or stored
    as UTF-8. A loop, not recursion: the nesting is already bounded, but need not be.
    """
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _too_deep(text: str, limit: int) -> bool:
    """Whether ``text`` nests arrays and objects deeper than ``limit``; strings skipped.

    One pass, in linear time whatever the text (an unclosed string included).
    """
    depth = 0
    in_string = False
    skip = -1  # the character a backslash escapes
    for match in _SIGNIFICANT.finditer(text):
        at, char = match.start(), match.group()
        if at == skip:
            continue
        if in_string:
            if char == "\\":
                skip = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


_publish(__name__, globals())
