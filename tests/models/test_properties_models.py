"""Property tests of every model WXM answers with: any WXM-shaped answer decodes or is a DecodeError.

Hypothesis builds answers field by field from each model's own declaration: every
field present, absent, ``null``, or of the neighbouring type (a number for a string, a
string for a list...), with unknown fields beside them, and the dates WXM writes
(naive, seven fractional digits, offsets, .NET's MinValue). Decoding must give a model
whose every field has its declared type, or raise ``DecodeError`` naming a path; never
another exception.
"""

from __future__ import annotations

import types
import typing
from datetime import datetime
from typing import Any, Union, get_args, get_origin

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wxm_async import (
    Answer,
    ContentTemplate,
    DecodeError,
    DeliveryEvent,
    DeliveryPlan,
    DeliveryStep,
    DeliveryTarget,
    Dispatch,
    Location,
    NetPromoterScore,
    Note,
    NPSReport,
    Profile,
    Question,
    Questionnaire,
    QuestionSummary,
    ResponsePage,
    Settings,
    SubUser,
    SubUserPage,
    Summary,
    SurveyResponse,
    SurveyToken,
)
from wxm_async._converter import decode, wire_names

MODELS = [
    Answer,
    ContentTemplate,
    DeliveryEvent,
    DeliveryPlan,
    DeliveryStep,
    DeliveryTarget,
    Dispatch,
    Location,
    NetPromoterScore,
    Note,
    NPSReport,
    Profile,
    Question,
    Questionnaire,
    QuestionSummary,
    ResponsePage,
    Settings,
    SubUser,
    SubUserPage,
    Summary,
    SurveyResponse,
    SurveyToken,
]

#: Examples per model and test: 22 models, 3 tests; the profile's 200 would take minutes.
EXAMPLES = 60

#: Dates as WXM writes them, and some it should never write.
dates = st.sampled_from(
    [
        "2026-11-01T10:00:00",
        "2026-11-01T10:00:00Z",
        "2026-11-01T10:00:00.1Z",
        "2026-11-01T10:00:00.1234567Z",
        "2026-11-01T10:00:00.1234567",
        "2026-11-01T15:30:00+05:30",
        "2026-11-01T10:00:00.123-08:00",
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00.0000000Z",
        "9999-12-31T23:59:59.9999999",
        "Sun, 01 Nov 2026 10:00:00 GMT",
        "2026-13-45T99:00:00",
        "yesterday",
        "",
    ]
)
texts = st.text(max_size=8)
numbers = st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=True)
unknown = st.dictionaries(
    st.text(min_size=1, max_size=6).map(lambda k: "x-" + k),
    st.none() | st.integers() | texts | st.lists(st.integers(), max_size=2),
    max_size=2,
)


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _unwrap_optional(tp: Any) -> Any:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def valid(tp: Any, depth: int) -> st.SearchStrategy[Any]:
    """What WXM would send for ``tp``: a value that fits, or null inside lists."""
    tp = _unwrap_optional(tp)
    origin = get_origin(tp)
    if tp is str:
        return texts
    if tp is bool:
        return st.booleans() | st.sampled_from(["True", "False", 0, 1])
    if tp is int:
        return st.integers(min_value=-(2**40), max_value=2**40) | st.sampled_from([3.0, 2.5, "42"])
    if tp is float:
        return st.integers(min_value=-1000, max_value=1000) | st.floats(-1e6, 1e6)
    if tp is datetime:
        return dates
    if origin in (tuple, list):
        return st.lists(st.none() | valid(get_args(tp)[0], depth), max_size=2)
    if origin is dict:
        key, value = get_args(tp)
        keys = dates if key is datetime else texts
        return st.dictionaries(keys, st.none() | valid(value, depth), max_size=2)
    if attrs.has(tp):
        return shaped(tp, depth + 1)
    raise AssertionError(f"no strategy for {tp!r}")


def neighbour(tp: Any) -> st.SearchStrategy[Any]:
    """A value of the kind next to ``tp``: what a careless or changed server might send."""
    tp = _unwrap_optional(tp)
    origin = get_origin(tp)
    if tp is str:
        return numbers | st.booleans() | st.lists(texts, max_size=1)
    if tp in (int, float):
        return texts | st.booleans() | st.dictionaries(texts, st.integers(), max_size=1)
    if tp is bool:
        return st.integers() | texts
    if tp is datetime:
        return numbers | st.booleans()
    if origin in (tuple, list):
        return texts | st.dictionaries(texts, st.integers(), max_size=1) | st.integers()
    if origin is dict:
        return st.lists(st.integers(), max_size=2) | texts
    return st.lists(st.integers(), max_size=1) | texts | st.integers()


def shaped(cls: type, depth: int = 0) -> st.SearchStrategy[Any]:
    """A WXM-shaped answer for ``cls``: each field present, absent, null or neighbouring."""
    names = wire_names(cls)
    hints = _hints(cls)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in attrs.fields(cls):
        tp = hints[field.name]
        choices = [st.just(_ABSENT), st.none(), neighbour(tp)]
        if depth < 2 or not attrs.has(_unwrap_optional(tp)):
            choices.append(valid(tp, depth))
            choices.append(valid(tp, depth))  # present and fitting, more often
        fields[names[field.name]] = st.one_of(choices)
    return st.fixed_dictionaries(fields).flatmap(
        lambda d: unknown.map(
            lambda extra: {**extra, **{k: v for k, v in d.items() if v is not _ABSENT}}
        )
    )


_ABSENT = object()


def has_declared_type(value: Any, tp: Any) -> bool:
    """Whether ``value`` is of the declared type ``tp``, all the way down."""
    if get_origin(tp) in (Union, types.UnionType):
        return any(has_declared_type(value, arg) for arg in get_args(tp))
    if tp is type(None):
        return value is None
    origin = get_origin(tp)
    if origin is tuple:
        return isinstance(value, tuple) and all(
            has_declared_type(v, get_args(tp)[0]) for v in value
        )
    if origin is list:
        return isinstance(value, list) and all(has_declared_type(v, get_args(tp)[0]) for v in value)
    if origin is dict:
        key, item = get_args(tp)
        return isinstance(value, dict) and all(
            has_declared_type(k, key) and has_declared_type(v, item) for k, v in value.items()
        )
    if attrs.has(tp):
        hints = _hints(tp)
        return isinstance(value, tp) and all(
            has_declared_type(getattr(value, f.name), hints[f.name]) for f in attrs.fields(tp)
        )
    if tp is float:
        return isinstance(value, float)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is datetime:
        return isinstance(value, datetime) and value.utcoffset() is not None
    return isinstance(value, tp)


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_any_wxm_shaped_answer_decodes_to_declared_types_or_a_decode_error(
    cls: type, data: st.DataObject
) -> None:
    """Present, absent, null or neighbouring fields: a well-typed model, or DecodeError with a path."""
    answer = data.draw(shaped(cls))
    try:
        model = decode(answer, cls, what="an answer", request=None)
    except DecodeError as error:
        message: str | None = str(error)
    else:
        message = None
        assert has_declared_type(model, cls)
    assert message is None or " @ $" in message


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_a_list_of_answers_decodes_or_names_the_item(cls: type, data: st.DataObject) -> None:
    """A list answer (or a bare null) decodes to a list of models, or DecodeError at $[i]."""
    answer = data.draw(st.none() | st.lists(st.none() | shaped(cls), max_size=3))
    try:
        models = decode(answer, list[cls], what="an answer", request=None)  # type: ignore[valid-type]
    except DecodeError as error:
        message: str | None = str(error)
    else:
        message = None
        assert isinstance(models, list)
        assert all(has_declared_type(m, cls) for m in models)
    assert message is None or " @ $[" in message


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_only_fields_that_fit_decode(cls: type, data: st.DataObject) -> None:
    """Fields each absent, null or fitting (never the neighbouring type) always decode, identity given."""
    names = wire_names(cls)
    hints = _hints(cls)
    answer: dict[str, Any] = {}
    for field in attrs.fields(cls):
        tp = hints[field.name]
        required = field.default is attrs.NOTHING
        value = data.draw(
            fitting(tp) if required else st.one_of(st.just(_ABSENT), st.none(), fitting(tp))
        )
        if value is not _ABSENT:
            answer[names[field.name]] = value
    model = decode(answer, cls, what="an answer", request=None)
    assert has_declared_type(model, cls)


def fitting(tp: Any) -> st.SearchStrategy[Any]:
    """Only values WXM's real answers hold for ``tp``: the tolerant subset that must decode."""
    tp = _unwrap_optional(tp)
    origin = get_origin(tp)
    if tp is str:
        return texts
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(min_value=-(2**40), max_value=2**40) | st.sampled_from([3.0, 2.5])
    if tp is float:
        return st.integers(min_value=-1000, max_value=1000) | st.floats(-1e6, 1e6)
    if tp is datetime:
        return st.sampled_from(
            [
                "2026-11-01T10:00:00",
                "2026-11-01T10:00:00.1234567Z",
                "2026-11-01T15:30:00+05:30",
                "0001-01-01T00:00:00",
            ]
        )
    if origin in (tuple, list):
        return st.none() | st.lists(st.none() | fitting(get_args(tp)[0]), max_size=2)
    if origin is dict:
        key, value = get_args(tp)
        keys = (
            st.sampled_from(["2026-11-01T00:00:00", "2026-11-02T00:00:00"])
            if key is datetime
            else texts
        )
        return st.dictionaries(keys, fitting(value), max_size=2)
    if attrs.has(tp):
        return st.fixed_dictionaries(
            {
                wire_names(tp)[f.name]: fitting(_hints(tp)[f.name])
                for f in attrs.fields(tp)
                if f.default is attrs.NOTHING
            }
        )
    raise AssertionError(f"no strategy for {tp!r}")
