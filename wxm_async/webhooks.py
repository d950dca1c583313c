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

MAX_NOTIFICATION_DEPTH = 64
"""The deepest nesting of arrays and objects taken; WXM's responses nest about 5 deep."""

# A JSON string (skipped whole, so brackets inside it do not count) or a bracket.
_TOKENS = _re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', _re.DOTALL)
_OPENING = frozenset(b"[{")


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
        ConfigurationError: ``body`` is not bytes.
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise _ConfigurationError(
            f"parse_notification() takes the body as bytes, not {type(body).__name__}"
        )
    body = bytes(body)
    if len(body) > max_bytes:
        raise _DecodeError(
            f"could not decode the notification: {len(body)} bytes, "
            f"more than the {max_bytes} taken (max_bytes)"
        )
    if _too_deep(body, max_depth):
        raise _DecodeError(
            f"could not decode the notification: nested deeper than {max_depth} "
            "arrays and objects (max_depth)"
        )
    try:
        data = _json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise _DecodeError(
            f"could not decode the notification: the body is not JSON ({len(body)} bytes)"
        ) from None
    return _structure(data, Notification, what="the notification", request=None)


def _too_deep(body: bytes, limit: int) -> bool:
    """Whether ``body`` nests arrays and objects deeper than ``limit`` (strings skipped)."""
    depth = 0
    for match in _TOKENS.finditer(body):
        token = match.group()
        if len(token) != 1:
            continue  # a string
        if token[0] in _OPENING:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


_publish(__name__, globals())
