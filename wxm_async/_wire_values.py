"""How WXM writes values: numbers, flags, dates, lists and maps, and how we read them.

WXM is an ASP.NET Web API serialising .NET objects with Newtonsoft's defaults, so any
value may be ``null``, a number may come as an int or a float, and dates come naive
(UTC), with up to seven fractional digits, with offsets, or as .NET's
``DateTime.MinValue`` for "never". These hooks read all of it, and refuse what does
not fit with an error cattrs turns into a path. ``_converter`` registers them on the
one converter; nothing else uses them.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import UnionType
from typing import Any, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote

from ._exceptions import ConfigurationError

__all__ = [
    "PASS_THROUGH",
    "STRINGS",
    "check_kinds",
    "field_kinds",
    "json_kind",
    "register_value_hooks",
]


def json_kind(data: object) -> str:
    """Name the JSON kind of ``data`` for a message: "a list", "null", ..."""
    kinds = {
        list: "a list",
        dict: "an object",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return kinds.get(type(data), type(data).__name__)


def _structure_str(value: object, _: object) -> str:
    # cattrs' default would turn a number or an object into a string without a word.
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {json_kind(value)}")


#: A number written as a string (``"12"``, ``"-4.5"``), as some WXM fields are: ASCII
#: digits only (Python's ``int()`` and ``float()`` also take ``1_000`` and Arabic digits).
_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _structure_int(value: object, _: object) -> int:
    """A whole number; .NET writes ints, but a float (rounded) or digits are taken too."""
    if isinstance(value, bool):
        raise TypeError("expected a number, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"expected a number, got {value}")
        return round(value)
    if isinstance(value, str):
        if not _WHOLE.fullmatch(value.strip()):
            raise ValueError("not a whole number")  # cattrs: "... expected int"
        return int(value)
    raise TypeError(f"expected a number, got {json_kind(value)}")


#: How Json.NET writes the doubles JSON has no number for.
_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _structure_float(value: object, _: object) -> float:
    if isinstance(value, bool):
        raise TypeError("expected a number, got a boolean")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value]
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        return float(value)
    raise TypeError(f"expected a number, got {json_kind(value)}")


def _structure_bool(value: object, _: object) -> bool:
    # WXM sends some flags as the strings "True" and "False".
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int) and value in (0, 1):  # a flag written as a number
        return bool(value)
    raise ValueError("expected true, false, 'True', 'False', 0 or 1")


def _parse_date(value: object) -> datetime | None:
    """RFC 1123 (``.issued``) or ISO 8601 with 0-7 fractional digits; naive means UTC.

    .NET's ``DateTime.MinValue`` (``0001-01-01T00:00:00``, WXM's "never") is ``None``.
    """
    if not isinstance(value, str):
        raise TypeError(f"expected a date string, got {json_kind(value)}")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            raise ValueError("expected an RFC 1123 or ISO 8601 date") from None
    if parsed.year == 1 and parsed.replace(tzinfo=None) == datetime.min:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _structure_datetime(value: object, _: object) -> datetime:
    parsed = _parse_date(value)
    if parsed is None:
        raise ValueError("expected a date, got .NET's MinValue (no date)")
    return parsed


def _structure_optional_datetime(value: object, _: object) -> datetime | None:
    return None if value is None else _parse_date(value)


def _is_sequence(tp: Any) -> bool:
    args = get_args(tp)
    origin = get_origin(tp)
    return origin is list or (origin is tuple and len(args) == 2 and args[1] is Ellipsis)


#: ``isinstance(value, str)``, without a lambda: the strings of a list checked in C.
_is_str = str.__instancecheck__


def _structure_sequence_factory(tp: Any, converter: cattrs.Converter) -> Any:
    """Lists and ``tuple[X, ...]``: a JSON list; ``null`` is empty and ``null`` items are skipped.

    A string or an object is refused: cattrs would take its letters or its keys.
    """
    item_type = get_args(tp)[0]
    make = list if get_origin(tp) is list else tuple
    found: list[Any] = []  # the items' hook, looked up at the first list: a model may nest

    def structure(value: object, _: object) -> Any:
        if value is None:
            return make()
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {json_kind(value)}")
        if item_type is str and all(map(_is_str, value)):
            return make(value)  # the common case: the strings as they are
        if not found:
            found.append(converter.get_structure_hook(item_type))
        handler = found[0]
        try:  # the common case in one pass; a failure is gone over again, item by item
            return make([handler(item, item_type) for item in value if item is not None])
        except Exception:  # the loop below raises each one with its index
            pass
        items = []
        errors = []
        for index, item in enumerate(value):
            if item is None:
                continue
            try:
                items.append(handler(item, item_type))
            except Exception as exc:  # gathered with its index, as cattrs does
                note = IterableValidationNote(f"Structuring @ index {index}", index, item_type)
                exc.__notes__ = [*getattr(exc, "__notes__", []), note]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
        return make(items)

    return structure


def _structure_mapping_factory(tp: Any, converter: cattrs.Converter) -> Any:
    """``dict[K, V]``: a JSON object; ``null`` is empty, ``null`` values are skipped.

    A ``null`` list value is an empty one (it is kept: its key may be what matters, as a
    new survey token is); a date key that is .NET's MinValue is no date: skipped.
    """
    key_type, value_type = get_args(tp) or (Any, Any)

    def structure(value: object, _: object) -> Any:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise TypeError(f"expected an object, got {json_kind(value)}")
        key_handler = (
            _structure_optional_datetime
            if key_type is datetime
            else converter.get_structure_hook(key_type)
        )
        value_handler = converter.get_structure_hook(value_type)
        found = {}
        errors = []
        for key, item in value.items():
            if item is None and not _is_sequence(value_type):
                continue
            try:
                structured_key = key_handler(key, key_type)
                if structured_key is not None:  # a MinValue date as a key: no date at all
                    found[structured_key] = value_handler(item, value_type)
            except Exception as exc:  # gathered with its index, as cattrs does
                note = IterableValidationNote(f"Structuring @ key {key!r}", key, value_type)
                exc.__notes__ = [*getattr(exc, "__notes__", []), note]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
        return found

    return structure


def _unstructure_datetime(value: datetime) -> str:
    """ISO 8601 in UTC, as WXM writes dates: ``2026-11-01T10:00:00.000Z``.

    Milliseconds, or microseconds when the date has them. A naive date is UTC, as
    when one is read (``astimezone`` would take it as the machine's local time).
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 with an offset: written as it is
        return value.isoformat()
    spec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    return value.isoformat(timespec=spec).replace("+00:00", "Z")


def _is_mapping(tp: Any) -> bool:
    return get_origin(tp) is dict


def _is_optional(tp: Any) -> bool:
    args = get_args(tp)
    return isinstance(tp, UnionType) and len(args) == 2 and type(None) in args


def _structure_optional_factory(tp: Any, converter: cattrs.Converter) -> Any:
    """``X | None``: ``None``, or an ``X``, through the hook for ``X`` found once.

    cattrs' own hook looks that hook up again for every value, which made a good part
    of decoding an answer (six optional fields per question).
    """
    inner = next(arg for arg in get_args(tp) if arg is not type(None))
    found: list[Any] = []  # looked up at the first value: a model may name itself

    def structure(value: object, _: object) -> Any:
        if value is None:
            return None
        if type(value) is inner and inner is str:  # the common case, without a call
            return value
        if not found:
            found.append(converter.get_structure_hook(inner))
        return found[0](value, inner)

    return structure


def _is_optional_datetime(tp: Any) -> bool:
    return bool(tp == datetime | None)


#: For a field of the key's type, the type of value its hook returns unchanged: a
#: string for ``str`` or ``str | None``, an int (not a bool) for ``int``... A decoder may
#: keep such a value as it is without calling the hook (``_fast_structure`` does).
PASS_THROUGH: dict[Any, type] = {
    **{tp: tp for tp in (str, int, float, bool)},
    **{tp | None: tp for tp in (str, int, float, bool)},
}

#: Sequences of strings, and what their hook makes of a JSON list of strings: the
#: strings, as they are, in a tuple or a list.
STRINGS: dict[Any, type] = {tuple[str, ...]: tuple, list[str]: list}


#: What a field of each simple type may hold when it is written: an int is no bool, and a
#: float field takes an int. Fields of other types (models, lists) are their hooks' to check.
_KINDS: dict[Any, tuple[type, ...]] = {
    str: (str,),
    int: (int,),
    float: (int, float),
    bool: (bool,),
    datetime: (datetime,),
}
_NAMES = {str: "a string", int: "a whole number", float: "a number", bool: "True or False"}


def field_kinds(cls: type) -> list[tuple[str, tuple[type, ...]]]:
    """Each simple field of the attrs class ``cls``, with the types its value may have."""
    found = []
    for field in attrs.fields(cls):
        tp = field.type
        if _is_optional(tp):
            tp = next(arg for arg in get_args(tp) if arg is not type(None))
        if tp in _KINDS:
            found.append((field.name, _KINDS[tp]))
    return found


def check_kinds(value: object, kinds: list[tuple[str, tuple[type, ...]]]) -> None:
    """Refuse a model about to be written whose simple field holds another kind of value.

    A caller's ``questionnaire=12`` or ``value=5`` would go out as a JSON number where
    WXM binds a string (and ``valid_uses="3"`` the reverse); it is caught before sending.

    Raises:
        ConfigurationError: A field holds a value of the wrong type; the message names
            the field and the type, never the value.
    """
    for name, allowed in kinds:
        item = getattr(value, name)
        if item is None or (
            isinstance(item, allowed) and (bool in allowed or not isinstance(item, bool))
        ):
            continue
        if isinstance(item, float) and not math.isfinite(item):
            raise ConfigurationError(f"{name} is NaN or infinite, which JSON cannot hold")
        wanted = _NAMES.get(allowed[-1], "a datetime")
        raise ConfigurationError(f"{name} must be {wanted}, not {type(item).__name__}")


def register_value_hooks(converter: cattrs.Converter) -> None:
    """Register the hooks of this module on ``converter``."""
    # First: a hook registered later for one optional type (a date's) takes precedence.
    converter.register_structure_hook_factory(_is_optional, _structure_optional_factory)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_structure_hook_func(_is_optional_datetime, _structure_optional_datetime)
    converter.register_structure_hook_factory(_is_sequence, _structure_sequence_factory)
    converter.register_structure_hook_factory(_is_mapping, _structure_mapping_factory)
    converter.register_unstructure_hook(datetime, _unstructure_datetime)
