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
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
from typing import Any

import attrs
import cattrs

from ._wire_values import PASS_THROUGH

__all__ = ["fast_structure"]

Structure = Callable[[Any, Any], Any]


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
    namespace: dict[str, Any] = {"__cls": cls, "__tolerant": tolerant}
    lines = [
        "def structure(value, _):",
        "    if type(value) is not dict:",
        "        return __tolerant(value, _)",
        "    try:",
        "        kw = {}",
    ]
    for index, field in enumerate(attrs.fields(cls)):
        if not field.init:
            continue
        key, name = repr(wire_names[field.name]), repr(field.alias)
        hook, tp = f"__hook{index}", f"__type{index}"
        namespace[hook] = converter.get_structure_hook(field.type)
        namespace[tp] = field.type
        kept = PASS_THROUGH.get(field.type)
        if kept is not None:
            namespace[f"__kept{index}"] = kept
            value = f"v if type(v) is __kept{index} else {hook}(v, {tp})"
        else:
            value = f"{hook}(v, {tp})"
        if field.default is attrs.NOTHING:  # required: a missing key is the tolerant one's to say
            lines += [f"        v = value[{key}]", f"        kw[{name}] = {value}"]
        else:  # null or missing: the default
            lines += [
                f"        v = value.get({key})",
                "        if v is not None:",
                f"            kw[{name}] = {value}",
            ]
    lines += [
        "        return __cls(**kw)",
        "    except Exception:  # the tolerant function decodes it, or says what is wrong",
        "        return __tolerant(value, _)",
    ]
    source = "\n".join(lines) + "\n"
    filename = f"<wxm_async fast structure {cls.__module__}.{cls.__qualname__}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # our own generated code
    function: Structure = namespace["structure"]
    return function
