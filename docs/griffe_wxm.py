"""Griffe extensions for the API reference; ``mkdocs.yml`` loads this file.

Griffe reads the source without running it, so it misses two things Python knows:

- ``AttrsInit``: the ``__init__`` that attrs writes at run time. Without it a
  ``@frozen`` or ``@define`` class shows no signature, and its ``Args:`` look like
  parameters of nothing (types missing, "required" instead of the defaults). This is
  griffe's own ``dataclasses`` extension, taught attrs: fields in order, inherited ones
  first, ``kw_only``, ``init=False``, ``default=``/``factory=``, the leading underscore
  attrs drops (a private field with a default is left out: callers do not pass it),
  and a converter's parameter type as the argument's type.
- ``Builtins``: a namespace whose method is named ``list`` must write its return type as
  ``builtins.list[...]``; the reader should see ``list[...]``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import griffe

_ATTRS_DECORATORS = {
    "attr.attrs",
    "attr.define",
    "attr.frozen",
    "attr.mutable",
    "attr.s",
    "attrs.define",
    "attrs.frozen",
    "attrs.mutable",
}
_FACTORIES = {"attr.Factory", "attrs.Factory"}
_FIELDS = {"attr.field", "attr.ib", "attrs.field"}


def _call_arguments(expr: object) -> dict[str, Any]:
    """The keyword arguments of a call expression, as expressions or source strings."""
    if not isinstance(expr, griffe.ExprCall):
        return {}
    return {arg.name: arg.value for arg in expr.arguments if isinstance(arg, griffe.ExprKeyword)}


def _attrs_decorator(cls: griffe.Class) -> griffe.Expr | None:
    for decorator in cls.decorators:
        value = decorator.value
        if isinstance(value, griffe.Expr) and value.canonical_path in _ATTRS_DECORATORS:
            return value
    return None


def _converter_type(converter: object, cls: griffe.Class) -> object | None:
    """The type of a converter function's first parameter, when griffe knows the function."""
    if not isinstance(converter, griffe.Expr):
        return None
    try:
        function = cls.modules_collection[converter.canonical_path]
    except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    if not isinstance(function, griffe.Function) or not function.parameters:
        return None
    return function.parameters[0].annotation


def _fields(cls: griffe.Class) -> list[griffe.Parameter]:
    kw_only = _call_arguments(_attrs_decorator(cls)).get("kw_only") == "True"
    parameters = []
    for member in cls.members.values():
        if member.is_alias or not isinstance(member, griffe.Attribute):
            continue
        if member.annotation is None or "instance-attribute" not in member.labels:
            continue  # attrs makes fields of annotated class attributes, not ClassVars
        value = member.value
        field = _call_arguments(value) if isinstance(value, griffe.ExprCall) else {}
        if isinstance(value, griffe.ExprCall) and value.canonical_path not in _FIELDS:
            field = {}
        if field.get("init") == "False":
            continue
        if "factory" in field:
            default: Any = griffe.ExprCall(function=field["factory"], arguments=[])
        elif isinstance(value, griffe.ExprCall) and value.canonical_path in _FACTORIES:
            default = griffe.ExprCall(function=value.arguments[0], arguments=[])
        elif isinstance(value, griffe.ExprCall) and value.canonical_path in _FIELDS:
            default = field.get("default")
        else:
            default = value
        if member.name.startswith("_") and default is not None:
            continue  # a private field with a default: not for callers to pass
        annotation = _converter_type(field.get("converter"), cls) or member.annotation
        name = field.get("alias")
        parameters.append(
            griffe.Parameter(
                name.strip("'\"") if isinstance(name, str) else member.name.lstrip("_"),
                annotation=annotation,
                kind=griffe.ParameterKind.keyword_only
                if kw_only or field.get("kw_only") == "True"
                else griffe.ParameterKind.positional_or_keyword,
                default=default,
                docstring=member.docstring,
            )
        )
    return parameters


def _add_init(cls: griffe.Class) -> None:
    if "__init__" in cls.members or _attrs_decorator(cls) is None:
        return
    parameters: dict[str, griffe.Parameter] = {}
    try:
        parents = [parent for parent in reversed(cls.mro()) if _attrs_decorator(parent)]
    except ValueError:
        parents = []
    for owner in [*parents, cls]:
        for parameter in _fields(owner):
            parameters[parameter.name] = parameter
    ordered = sorted(parameters.values(), key=lambda p: p.kind is griffe.ParameterKind.keyword_only)
    self = griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword)
    cls.set_member(
        "__init__",
        griffe.Function(
            "__init__",
            lineno=0,
            endlineno=0,
            parent=cls,
            parameters=griffe.Parameters(self, *ordered),
            returns="None",
        ),
    )


def _walk(obj: griffe.Module | griffe.Class, seen: set[str]) -> None:
    if obj.path in seen:
        return
    seen.add(obj.path)
    if isinstance(obj, griffe.Class):
        _add_init(obj)
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Module | griffe.Class):
            _walk(member, seen)


class AttrsInit(griffe.Extension):
    """Give attrs classes the ``__init__`` attrs writes at run time."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Add the ``__init__`` of every attrs class in the package."""
        _walk(pkg, set())


def _unqualify(expr: object) -> object:
    """``expr`` with every ``builtins.<name>`` written ``<name>``."""
    if isinstance(expr, griffe.ExprAttribute):
        first = expr.values[0]
        if isinstance(first, griffe.ExprName) and first.name == "builtins":
            return expr.last
    if not isinstance(expr, griffe.Expr):
        return expr
    for field in dataclasses.fields(expr):
        value = getattr(expr, field.name)
        if isinstance(value, list | tuple):
            setattr(expr, field.name, type(value)(_unqualify(item) for item in value))
        elif isinstance(value, griffe.Expr):
            setattr(expr, field.name, _unqualify(value))
    return expr


class Builtins(griffe.Extension):
    """Show ``builtins.list[X]`` as ``list[X]`` in signatures."""

    def on_function(self, *, func: griffe.Function, **kwargs: Any) -> None:
        """Rewrite the function's return and parameter annotations."""
        func.returns = _unqualify(func.returns)  # type: ignore[assignment]
        for parameter in func.parameters:
            parameter.annotation = _unqualify(parameter.annotation)  # type: ignore[assignment]
