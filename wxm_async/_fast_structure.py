"""Decoding a model from a well-formed answer without per-field dispatch.

Most of what WXM sends is well formed: strings where strings are due, ints where
ints are. The tolerant structure function (cattrs' generated one, behind
``_converter``'s wrapper) calls a hook for every field and gathers every failure
with its path; that is what decoding cost. For each model, ``fast_structure``
writes once a function that reads each field's key straight from the object,
keeps a value of exactly the type the field wants as it is (the hooks would return
it unchanged: ``_wire_values.PASS_THROUGH``), and calls the field's hook, found
once, for anything else.

The tolerant function stays the authority: on anything unexpected (not an object, a
required key missing, any hook or the class refusing a value) the fast function
hands the whole object to it, which decodes it, or raises the error it always
raised, every path included. So the two cannot differ in what they accept or say.

Only the outermost model of a decoding does so: inside it, a model's failure goes up
as it is, and once the outermost hands over, the models inside it decode tolerantly
straight away. Were each level to try fast and then tolerantly, a bad value three
models deep in lists would be read 32 times; it is read 8 (the tolerant path alone
reads it 4).
"""

from __future__ import annotations

import linecache
import threading
from collections.abc import Callable
from typing import Any

import attrs
import cattrs

from ._wire_values import PASS_THROUGH, STRINGS

#: ``isinstance(value, str)`` without a Python call: the strings of a list checked in C.
_is_str = str.__instancecheck__

__all__ = ["fast_structure"]

Structure = Callable[[Any, Any], Any]


class _Mode(threading.local):
    """How this thread decodes models: ``None`` (no model), ``"fast"`` or ``"tolerant"``."""

    value: str | None = None


_mode = _Mode()


def fast_structure(
    cls: type, wire_names: dict[str, str], tolerant: Structure, converter: cattrs.Converter
) -> Structure:
    """Return a structure function for ``cls`` that falls back to ``tolerant``.

    Args:
        cls: An attrs model.
        wire_names: Each attribute's key on the wire.
        tolerant: The detailed, tolerant structure function for ``cls``: it decides
            every case the fast one does not take as it comes.
        converter: Where the fields' hooks are found (once, here).

    Returns:
        A function ``(value, type) -> cls`` that gives what ``tolerant`` gives.
    """
    attrs.resolve_types(cls)  # the fields' types, not their annotations' text
    namespace: dict[str, Any] = {
        "__cls": cls,
        "__tolerant": tolerant,
        "__mode": _mode,
        "__is_str": _is_str,
    }
    lines = [
        "def structure(value, _):",
        "    mode = __mode.value",
        "    if mode == 'tolerant' or type(value) is not dict:",
        "        return __tolerant(value, _)",
        "    if mode is None:  # the outermost model",
        "        __mode.value = 'fast'",
        "    try:",
        "        get = value.get",
    ]
    lines += _decode_fields(cls, wire_names, namespace, converter)
    lines += [
        "    except Exception:",
        "        if mode is not None:  # inside a model: the outermost one hands over",
        "            raise",
        "        __mode.value = 'tolerant'",
        "        return __tolerant(value, _)",
        "    finally:",
        "        if mode is None:",
        "            __mode.value = None",
    ]
    source = "\n".join(lines) + "\n"
    filename = f"<wxm_async fast structure {cls.__module__}.{cls.__qualname__}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # our own generated code
    structure = namespace["structure"]
    structure.__wrapped__ = tolerant  # the authority, for the tests to compare
    function: Structure = structure
    return function


def _decode_fields(
    cls: type, wire_names: dict[str, str], namespace: dict[str, Any], converter: cattrs.Converter
) -> list[str]:
    """The generated lines that read each field of ``cls`` and make the instance."""
    lines = []
    arguments, factories = [], False
    for index, field in enumerate(attrs.fields(cls)):
        if not field.init:
            continue
        key, local = repr(wire_names[field.name]), f"x{index}"
        value = _value(index, field.type, namespace, converter)
        if field.default is attrs.NOTHING:  # required: a missing key is the tolerant one's to say
            lines += [f"        v = value[{key}]", f"        {local} = {value}"]
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            if not factories:
                factories, lines = True, [*lines, "        kw = {}"]
            lines += [  # null or missing: left to the factory
                f"        v = get({key})",
                "        if v is not None:",
                f"            kw[{field.alias!r}] = {value}",
            ]
            continue
        else:  # null or missing: the default
            namespace[f"__default{index}"] = field.default
            lines += [
                f"        v = get({key})",
                f"        {local} = __default{index} if v is None else ({value})",
            ]
        arguments.append(f"{field.alias}={local}")
    call = ", ".join([*arguments, "**kw"] if factories else arguments)
    return [*lines, f"        return __cls({call})"]


def _value(index: int, tp: Any, namespace: dict[str, Any], converter: cattrs.Converter) -> str:
    """The expression that turns ``v`` (not ``None``) into field ``index``'s value."""
    hook = f"__hook{index}(v, __type{index})"
    namespace[f"__hook{index}"] = converter.get_structure_hook(tp)
    namespace[f"__type{index}"] = tp
    if tp in PASS_THROUGH:
        namespace[f"__kept{index}"] = PASS_THROUGH[tp]
        return f"v if type(v) is __kept{index} else {hook}"
    if tp in STRINGS:
        namespace[f"__make{index}"] = STRINGS[tp]
        return f"__make{index}(v) if type(v) is list and all(map(__is_str, v)) else {hook}"
    return hook
