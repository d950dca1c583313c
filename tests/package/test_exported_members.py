"""The public surface: honest __all__, docstrings, public module names, type hints."""

from __future__ import annotations

import inspect
import pickle
import sys
import traceback
import typing
from datetime import datetime
from types import ModuleType

import attrs
import cattrs
import httpx
import pytest
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

import wxm_async
import wxm_async._models
import wxm_async.defaults
import wxm_async.events
import wxm_async.namespaces
import wxm_async.otel
import wxm_async.stores
import wxm_async.testing
import wxm_async.webhooks
from wxm_async import AuthenticationError, SurveyResponse
from wxm_async._converter import structure

PUBLIC_MODULES = [
    wxm_async,
    wxm_async.defaults,
    wxm_async.events,
    wxm_async.namespaces,
    wxm_async.otel,
    wxm_async.stores,
    wxm_async.testing,
    wxm_async.webhooks,
]
SUBMODULES = {"defaults", "events", "namespaces", "otel", "stores", "testing", "webhooks"}


def test_the_top_level_keeps_to_the_client_auth_errors_and_models() -> None:
    """Store internals, namespace classes and defaults live in their own modules."""
    moved = {"CachedToken", "LoginTurn", "TokenStore", "FileTokenStore", "Questions"}
    assert not moved & set(wxm_async.__all__)
    assert not [name for name in wxm_async.__all__ if name.startswith("DEFAULT_")]
    assert all(name.startswith("DEFAULT_") for name in wxm_async.defaults.__all__)


def public_objects(module: ModuleType) -> list[tuple[str, object]]:
    """The classes and functions ``module`` exports."""
    return [
        (name, getattr(module, name))
        for name in module.__all__
        if inspect.isclass(getattr(module, name)) or inspect.isfunction(getattr(module, name))
    ]


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_all_lists_exactly_the_public_names(module: ModuleType) -> None:
    """Every public name is in __all__, and everything in __all__ exists."""
    public = {name for name in dir(module) if not name.startswith("_") and name not in SUBMODULES}
    public -= {name for name in public if inspect.ismodule(getattr(module, name))}
    assert set(module.__all__) == public


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_every_public_class_and_function_has_a_docstring(module: ModuleType) -> None:
    """Each public class, function and public method says what it does."""
    for name, obj in public_objects(module):
        assert inspect.getdoc(obj), name
        if inspect.isclass(obj):
            for member, value in vars(obj).items():
                if not member.startswith("_") and callable(value):
                    assert inspect.getdoc(value), f"{name}.{member}"


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_public_names_report_a_public_module(module: ModuleType) -> None:
    """Each class and function names a public module that exports it under that name."""
    for name, obj in public_objects(module):
        reported: str = getattr(obj, "__module__", "")
        assert not any(part.startswith("_") for part in reported.split(".")), name
        assert getattr(sys.modules[reported], getattr(obj, "__qualname__", "")) is obj, name


def test_a_traceback_names_the_public_class() -> None:
    """A raised error reads ``wxm_async.AuthenticationError``, not its private module."""
    error = AuthenticationError("rejected", request=None, status_code=401)
    assert traceback.format_exception_only(error) == ["wxm_async.AuthenticationError: rejected\n"]


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_type_hints_still_resolve_for_every_public_class(module: ModuleType) -> None:
    """get_type_hints, attrs and cattrs resolve every class's annotations (no NameError)."""
    for name, obj in public_objects(module):
        if not inspect.isclass(obj):
            continue
        typing.get_type_hints(obj)
        if attrs.has(obj):
            attrs.resolve_types(obj)
            assert all(not isinstance(field.type, str) for field in attrs.fields(obj)), name
        if name in wxm_async._models.__all__:  # what the converter decodes
            fresh = cattrs.Converter()  # builds its hooks now, from the annotations
            # A fresh converter knows no datetime (a map keyed by dates needs one at once).
            fresh.register_structure_hook(datetime, lambda value, _: value)
            make_dict_structure_fn(obj, fresh)
            make_dict_unstructure_fn(obj, fresh)


def test_models_still_decode_and_pickle() -> None:
    """The converter decodes a nested model, and models pickle by their public path."""
    decoded = structure(
        {"id": "r-1", "responses": [{"questionId": "q1", "numberInput": 9}]},
        SurveyResponse,
        what="a response",
        request=None,
    )
    assert decoded.answers[0].number == 9
    assert pickle.loads(pickle.dumps(decoded)) == decoded
    error = AuthenticationError(
        "x", request=httpx.Request("GET", "https://wxm.test"), status_code=401
    )
    assert type(pickle.loads(pickle.dumps(error))) is AuthenticationError
