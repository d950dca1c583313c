"""The fast decoding of a model gives exactly what the tolerant, detailed one gives.

``_fast_structure`` keeps well-formed values as they are and hands anything else to the
tolerant function; these tests draw WXM-shaped answers (fields present, absent,
``null``, fitting or of the neighbouring type, unknown keys beside them) and compare
the two: the same model, or the same problems at the same paths.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wxm_async import DecodeError, Question, ResponsePage
from wxm_async._converter import _converter, _problems, decode

from .test_properties_models import EXAMPLES, MODELS, shaped


def _outcome(structure: Any, answer: object, cls: type) -> object:
    """The model ``structure`` makes of ``answer``, or the problems it names."""
    try:
        return structure(answer, cls)
    except Exception as exc:  # compared by what decode() would say of it
        return ("refused", _problems(exc, "$", cls))


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_fast_decoding_gives_what_the_tolerant_one_gives(cls: type, data: st.DataObject) -> None:
    """Any WXM-shaped answer: the fast path's model or problems equal the tolerant function's."""
    answer = data.draw(shaped(cls) | st.none() | st.integers() | st.lists(st.integers()))
    fast = _converter.get_structure_hook(cls)
    assert _outcome(fast, answer, cls) == _outcome(inspect.unwrap(fast), answer, cls)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("sequence", True),  # a bool is not an int, though Python says it is
        ("sequence", 2.6),  # rounded by the hook
        ("sequence", "7"),  # digits
        ("isRequired", "True"),
        ("isRequired", 1),
        ("text", 5),  # refused
        ("displayLocation", ["a", None, "b"]),  # the null item skipped
        ("displayLocation", "ab"),  # refused: not its letters
        ("id", None),  # required and null: refused
        ("lastUpdate", "0001-01-01T00:00:00"),  # .NET's MinValue: no date
    ],
)
def test_values_of_an_unexpected_type_take_the_tolerant_path(key: str, value: object) -> None:
    """A value not of the field's exact type decodes (or is refused) as the tolerant hook says."""
    answer = {"id": "q1", key: value}
    fast = _converter.get_structure_hook(Question)
    assert _outcome(fast, answer, Question) == _outcome(inspect.unwrap(fast), answer, Question)


class _CountedDate(str):
    """A date string that counts how often a hook reads it, and is never a date."""

    reads = 0

    def strip(self, chars: str | None = None) -> str:
        type(self).reads += 1
        return "yesterday"


def test_a_bad_value_deep_in_lists_of_models_is_read_a_bounded_number_of_times() -> None:
    """A bad date three models deep, last in each list: read 8 times, not once per level twice."""
    note = {"note": "ok"}
    response = {"id": "r", "notes": [note]}
    bad = {"id": "r", "notes": [note, {"note": "x", "noteTime": _CountedDate("x")}]}
    answer = {"responses": [response, response, bad]}
    with pytest.raises(DecodeError, match=r"@ \$\.responses\[2\]\.notes\[1\]\.noteTime"):
        decode(answer, ResponsePage, what="a page", request=None)
    # The fast pass, then the tolerant one; each list tries once whole, then item by item.
    assert _CountedDate.reads <= 8
