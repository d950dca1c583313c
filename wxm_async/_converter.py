"""The one place that knows WXM's wire format.

A private cattrs converter: WXM's key names (``userName``, ``.issued``), its ``"True"``
strings, its RFC 1123 and ISO 8601 dates. Users never see or mutate it. Every failure to
decode becomes one ``DecodeError`` whose message carries cattrs' paths.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import cattrs
import httpx
from cattrs.gen import make_dict_structure_fn, override
from cattrs.v import format_exception

from ._exceptions import DecodeError
from ._models import AccessToken

__all__ = ["decode_response", "structure"]

T = TypeVar("T")

_converter = cattrs.Converter(forbid_extra_keys=False)


def _structure_str(value: object, _: object) -> str:
    # cattrs' default would turn a number or an object into a string without a word.
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {type(value).__name__}")


def _structure_int(value: object, _: object) -> int:
    if isinstance(value, bool):
        raise TypeError("expected a number, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return int(value.strip())  # ValueError for anything but digits
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _structure_bool(value: object, _: object) -> bool:
    # WXM sends some flags as the strings "True" and "False".
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError("expected true, false, 'True' or 'False'")


def _structure_datetime(value: object, _: object) -> datetime:
    """Parse RFC 1123 (``.issued``) or ISO 8601 (everything else); naive means UTC."""
    if not isinstance(value, str):
        raise TypeError(f"expected a date string, got {type(value).__name__}")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise ValueError("expected an RFC 1123 or ISO 8601 date") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


_converter.register_structure_hook(str, _structure_str)
_converter.register_structure_hook(int, _structure_int)
_converter.register_structure_hook(bool, _structure_bool)
_converter.register_structure_hook(datetime, _structure_datetime)
#: For each model, its attributes' names on the wire where they differ, for error paths.
_wire_names: dict[type, dict[str, str]] = {}


def _register(cls: type, **renames: str) -> None:
    """Decode ``cls`` with its attributes read from the wire keys ``renames`` gives."""
    overrides: dict[str, Any] = {name: override(rename=key) for name, key in renames.items()}
    _converter.register_structure_hook(cls, make_dict_structure_fn(cls, _converter, **overrides))
    _wire_names[cls] = renames


_register(
    AccessToken,
    user_name="userName",
    primary_role="primaryRole",
    managed_by="managedBy",
    issued=".issued",
    expires=".expires",
)


def structure(data: Any, cls: type[T], *, what: str, request: httpx.Request | None) -> T:
    """Turn decoded JSON into ``cls``, or raise ``DecodeError`` naming what was wrong.

    Args:
        data: Decoded JSON.
        cls: The model to build.
        what: What the data is, for the message (``"the LoginToken answer"``).
        request: The request the data answers, for the error.

    Returns:
        An instance of ``cls``.

    Raises:
        DecodeError: The data does not fit ``cls``; the message lists cattrs' paths.
    """
    if not isinstance(data, dict):
        raise DecodeError(
            f"could not decode {what}: expected a JSON object, got {_json_kind(data)}",
            request=request,
        )
    try:
        return _converter.structure(data, cls)
    except (cattrs.ClassValidationError, cattrs.IterableValidationError) as exc:
        problems = "; ".join(_problems(exc, "$", cls))
        raise DecodeError(f"could not decode {what}: {problems}", request=request) from None


def decode_response(
    response: httpx.Response, cls: type[T], *, what: str, request: httpx.Request | None
) -> T:
    """Decode a response's JSON body into ``cls``.

    The body must have been read. Its text is never quoted in an error: it may hold
    secrets.

    Raises:
        DecodeError: The body is not JSON, or does not fit ``cls``.
    """
    return structure(
        json_body(response, what=what, request=request), cls, what=what, request=request
    )


def json_body(response: httpx.Response, *, what: str, request: httpx.Request | None) -> Any:
    """Return a read response's body parsed as JSON.

    Raises:
        DecodeError: The body is not JSON; the message names its content type and size.
    """
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested past the parser's depth
        kind = response.headers.get("content-type", "no content type")
        raise DecodeError(
            f"could not decode {what}: the body is not JSON ({kind}, {len(response.content)} bytes)",
            request=request,
        ) from None


def _problems(exc: BaseException, path: str, cls: Any) -> list[str]:
    """Describe every failure under ``exc``, each with its JSON path in wire names.

    Like ``cattrs.transform_error``, but the path names keys as WXM sends them
    (``$.userName``, ``$['.issued']``), not as Python attributes.
    """
    if isinstance(exc, cattrs.ClassValidationError):
        names = _wire_names.get(exc.cl, {})
        with_notes, without_notes = exc.group_exceptions()
        found = [
            p
            for e, note in with_notes
            for p in _problems(e, path + _key(names.get(note.name, note.name)), note.type)
        ]
        return found + [p for e in without_notes for p in _problems(e, path, None)]
    if isinstance(exc, cattrs.IterableValidationError):
        indexed, unindexed = exc.group_exceptions()
        found = [p for e, note in indexed for p in _problems(e, f"{path}[{note.index}]", note.type)]
        return found + [p for e in unindexed for p in _problems(e, path, None)]
    return [f"{format_exception(exc, cls)} @ {path}"]


def _key(name: str) -> str:
    return f".{name}" if name.isidentifier() else f"[{name!r}]"


def _json_kind(data: object) -> str:
    return {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(data), type(data).__name__
    )
