"""The public surface: __all__ is honest and every public name is documented."""

from __future__ import annotations

import inspect

import pytest

import wxm_async
import wxm_async.testing


@pytest.mark.parametrize("module", [wxm_async, wxm_async.testing])
def test_all_lists_exactly_the_public_names(module: object) -> None:
    """Every public name is in __all__, and everything in __all__ exists."""
    public = {name for name in dir(module) if not name.startswith("_") and name not in {"testing"}}
    public -= {name for name in public if inspect.ismodule(getattr(module, name))}
    assert set(module.__all__) == public  # type: ignore[attr-defined]


@pytest.mark.parametrize("module", [wxm_async, wxm_async.testing])
def test_every_public_class_and_function_has_a_docstring(module: object) -> None:
    """Each public class, function and public method says what it does."""
    for name in module.__all__:  # type: ignore[attr-defined]
        obj = getattr(module, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        assert inspect.getdoc(obj), name
        if inspect.isclass(obj):
            for member, value in vars(obj).items():
                if not member.startswith("_") and callable(value):
                    assert inspect.getdoc(value), f"{name}.{member}"
