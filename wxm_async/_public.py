"""Public names report the module users import them from: ``wxm_async.WXMClient``.

Tracebacks, reprs and pickles then name ``wxm_async.AuthenticationError`` rather than
``wxm_async._exceptions.AuthenticationError``, a private path that may change.

Moving ``__module__`` would break every tool that resolves a class's string annotations
(``from __future__ import annotations``) through ``sys.modules[cls.__module__]``:
``typing.get_type_hints``, ``attrs.resolve_types`` and so cattrs. So each class's
annotations are first resolved in the module that defines them.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Mapping

import attrs

__all__ = ["publish"]


def publish(module: str, namespace: Mapping[str, object]) -> None:
    """Make each class and function in ``namespace["__all__"]`` report ``module``.

    Only names still reporting a private module change, so a name exported by two
    public modules reports the first to publish it.

    Args:
        module: The public module's name, e.g. ``"wxm_async"``.
        namespace: That module's globals.
    """
    for name in typing.cast("list[str]", namespace["__all__"]):
        obj = namespace[name]
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if "._" not in f"{obj.__module__}.":  # already public (or not ours)
            continue
        if inspect.isclass(obj):
            _resolve_annotations(obj)
        obj.__module__ = module


def _resolve_annotations(cls: type) -> None:
    """Replace ``cls``'s own string annotations by the types they name, where they can be."""
    own = inspect.get_annotations(cls)
    if any(isinstance(value, str) for value in own.values()):
        try:
            hints = typing.get_type_hints(cls, include_extras=True)
        except NameError:  # names imported only for type checkers: left as they were
            return
        cls.__annotations__ = {key: hints[key] for key in own}
    if attrs.has(cls):
        attrs.resolve_types(cls)
