"""Property-based tests of the client's decoders: models, error bodies, Retry-After.

Whatever WXM answers, a call returns a model or raises the library's own error: never
another exception type, and never a token in a message. The settings profile
(deterministic in CI) is chosen in conftest.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from wxm_async import (
    APIStatusError,
    DecodeError,
    NPSReport,
    Question,
    RateLimitedError,
    ResponsePage,
    Settings,
    Summary,
    SurveyResponse,
    SurveyToken,
)
from wxm_async._converter import decode
from wxm_async._http import status_error
from wxm_async._retry_after import parse_retry_after

TOKEN = "tok-Zq9Xw7Pk3Lm2Vb8N"  # a secret no strategy below makes by chance
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(alphabet=st.characters(exclude_characters="§"), max_size=12)
)
#: Keys WXM's answers use, so that generated objects often come close to a model.
KEYS = [
    "id", "text", "responses", "questionId", "numberInput", "textInput", "currentPage",
    "totalCount", "totalPages", "locationId", "responseDateTime", "notes", "note",
    "netPromoter", "promoters", "summary", "response", "askedQuestion", "locationList",
    "name", "preFill", "validTill", "multiSelect", "isRetired",
]  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=16,
)
MODELS: list[Any] = [
    Question,
    list[Question],
    SurveyResponse,
    list[SurveyResponse],
    ResponsePage,
    SurveyToken,
    Settings,
    NPSReport,
    Summary,
    int,
    bool,
    str,
    dict[str, tuple[SurveyToken, ...]],
]


@pytest.mark.parametrize("model", MODELS, ids=str)
@given(data=json_values)
def test_any_json_decodes_or_raises_decode_error(model: Any, data: Any) -> None:
    """Any JSON value becomes the model or a DecodeError naming a path, nothing else."""
    try:
        decode(data, model, what="the answer", request=None)
    except DecodeError as error:
        message = str(error)
    else:
        return
    assert message.startswith("could not decode the answer: ")
    assert "@ $" in message


@given(
    status=st.integers(min_value=400, max_value=599),
    body=st.binary(max_size=64) | json_values.map(lambda v: json.dumps(v).encode()),
)
@example(status=404, body=b'{"message": "No such answer."}')
def test_any_error_answer_becomes_its_status_error(status: int, body: bytes) -> None:
    """Any error status with any body is an APIStatusError, with no token in it."""
    request = httpx.Request(
        "GET", "https://wxm.test/api/answer/x", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    error = status_error(httpx.Response(status, content=body, request=request))
    assert isinstance(error, APIStatusError)
    assert error.status_code == status
    assert isinstance(error, RateLimitedError) == (status == 429)
    assert TOKEN not in str(error)
    assert error.request is not None
    assert "authorization" not in error.request.headers


@given(value=st.text(max_size=40))
@example(value="120")
@example(value="Mon, 23 Nov 2026 12:00:30 GMT")
@example(value="1e400")
@example(value="Mon, 99 Nov 2026 12:00:30 GMT")
def test_any_retry_after_is_a_wait_or_none(value: str) -> None:
    """Any Retry-After header gives a finite, non-negative wait or no advice: never raises."""
    wait = parse_retry_after(value, now=NOW)
    assert wait is None or 0.0 <= wait < float("inf")


@given(when=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_http_dates_give_the_time_until_them(when: datetime) -> None:
    """An HTTP-date Retry-After is the seconds from now until it, or 0 if past."""
    when = when.replace(microsecond=0, tzinfo=UTC)
    wait = parse_retry_after(format_datetime(when, usegmt=True), now=NOW)
    assert wait == max(0.0, (when - NOW).total_seconds())
