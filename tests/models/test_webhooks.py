"""wxm_async.webhooks.parse_notification: WXM's notification bodies, and hostile ones."""

from __future__ import annotations

import contextlib
import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from wxm_async import Answer, ConfigurationError, DecodeError
from wxm_async.webhooks import (
    MAX_NOTIFICATION_BYTES,
    MAX_NOTIFICATION_DEPTH,
    Notification,
    parse_notification,
)

#: The Logic-App HTTP-trigger schema's answer fields, with WXM's nulls.
WXM_BODY: dict[str, Any] = {
    "notification": "Detractor alert",
    "answer": {
        "id": "5f2a0c1e9b1d4a0012345678",
        "user": "acme",
        "locationId": "CustomerSurvey",
        "responseDateTime": "2026-11-28T09:15:00.1230000Z",
        "responseDuration": 41,
        "surveyClient": "JS-Web",
        "responses": [
            {"questionId": "q1", "questionText": None, "textInput": None, "numberInput": 2},
            {"questionId": "q2", "textInput": "Slow", "numberInput": 0},
        ],
        "archived": False,
        "notes": None,
        "openTicket": None,
        "deviceId": None,
    },
}


def encoded(value: object) -> bytes:
    return json.dumps(value).encode()


def test_wxm_s_body_gives_the_rule_and_the_response() -> None:
    """The rule's name and the response, with WXM's nulls and 7-digit dates, decode."""
    notification = parse_notification(encoded(WXM_BODY))
    assert isinstance(notification, Notification)
    assert notification.rule == "Detractor alert"
    response = notification.response
    assert response.id == "5f2a0c1e9b1d4a0012345678"
    assert response.questionnaire == "CustomerSurvey"
    assert response.response_date_time == datetime(2026, 11, 28, 9, 15, 0, 123000, tzinfo=UTC)
    assert response.answers[0] == Answer(question_id="q1", number=2)
    assert (response.notes, response.device_id, response.channel) == ((), None, "JS-Web")


def test_a_bare_answer_with_unknown_fields_decodes() -> None:
    """Only the rule and the response's id are needed; unknown fields are ignored."""
    body = {"notification": "r", "answer": {"id": "a", "sentiment": {"x": [1]}}, "v": 2}
    assert parse_notification(encoded(body)).response.answers == ()


def test_bytearray_and_memoryview_are_taken() -> None:
    """Any bytes-like body is read (frameworks hand out bytes, bytearray or memoryview)."""
    body = encoded(WXM_BODY)
    assert parse_notification(bytearray(body)) == parse_notification(memoryview(body))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "not JSON"),
        (b"\xff\xfe{", "not UTF-8"),
        (b"<html>502</html>", "not JSON"),
        (b"null", "expected a JSON object"),
        (b"[]", "expected a JSON object"),
        (b'{"notification": "r"}', r"\$\.answer"),
        (b'{"notification": null, "answer": {"id": "a"}}', r"\$\.notification"),
        (b'{"notification": 7, "answer": {"id": "a"}}', r"\$\.notification"),
        (b'{"notification": "r", "answer": {"responses": []}}', r"\$\.answer\.id"),
        (b'{"notification": "r", "answer": "a"}', r"\$\.answer"),
        (
            b'{"notification": "r", "answer": {"id": "a", "responseDateTime": "tuesday"}}',
            r"\$\.answer\.responseDateTime",
        ),
        (
            b'{"notification": "r", "answer": {"id": "a", "responseDuration": 1e999}}',
            r"\$\.answer\.responseDuration",
        ),
        (
            b'{"notification": "r", "answer": {"id": "a", "responseDuration": '
            + b"9" * 5000
            + b"}}",
            "not JSON",
        ),
    ],
)
def test_what_is_not_a_notification_is_a_decode_error_naming_the_path(
    body: bytes, problem: str
) -> None:
    """Not JSON, not an object, a missing or mistyped field: DecodeError, with its path."""
    with pytest.raises(DecodeError, match=problem):
        parse_notification(body)


def test_a_body_over_the_cap_is_refused_unread() -> None:
    """A body over max_bytes is a DecodeError, whatever it holds."""
    body = encoded({**WXM_BODY, "padding": "x" * MAX_NOTIFICATION_BYTES})
    with pytest.raises(DecodeError, match="max_bytes"):
        parse_notification(body)
    with pytest.raises(DecodeError, match="max_bytes"):
        parse_notification(encoded(WXM_BODY), max_bytes=100)


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
def test_deep_nesting_is_refused(opening: bytes) -> None:
    """Arrays or objects nested past max_depth are a DecodeError, not a RecursionError."""
    body = b'{"notification": "r", "answer": {"id": "a", "x": ' + opening * 100_000
    with pytest.raises(DecodeError, match="max_depth"):
        parse_notification(body, max_bytes=10**7)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    """A note full of brackets and escaped quotes is text, not depth."""
    text = '[[[{{{ \\" ' * 50
    body = b'{"notification": "r", "answer": {"id": "a", "x": "' + text.encode() + b'"}}'
    assert parse_notification(body).rule == "r"


def test_nesting_up_to_the_limit_is_taken() -> None:
    """Unknown fields nested exactly max_depth deep are read and ignored."""
    inner = b"[" * (MAX_NOTIFICATION_DEPTH - 2) + b"]" * (MAX_NOTIFICATION_DEPTH - 2)
    body = b'{"notification": "r", "answer": {"id": "a", "x": ' + inner + b"}}"
    assert parse_notification(body).response.id == "a"


@pytest.mark.parametrize("body", ['{"notification": "r"}', {"notification": "r"}, None])
def test_a_body_that_is_not_bytes_is_a_configuration_error(body: Any) -> None:
    """A str or a parsed dict (a careless caller) is refused with ConfigurationError."""
    with pytest.raises(ConfigurationError, match="bytes"):
        parse_notification(body)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.sampled_from(["2026-11-28T09:15:00.1230000Z", "0001-01-01T00:00:00", "True"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["id", "responses", "notes", "responseDateTime", "questionId", "numberInput", "x"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(rule=json_values, answer=json_values)
@example(rule="r", answer={"id": "a", "responses": [{"questionId": None}]})
@example(rule="r", answer={"id": "a", "notes": [None, 1]})
def test_any_json_gives_a_notification_or_a_decode_error(rule: object, answer: object) -> None:
    """Whatever JSON WXM (or anyone) posts, the only error is DecodeError."""
    body = json.dumps({"notification": rule, "answer": answer}).encode()
    try:
        notification = parse_notification(body)
    except DecodeError:
        return
    assert notification.rule == rule


@given(body=st.binary(max_size=200))
@example(body=b'{"notification": "r", "answer": {"id": "a"}' + b"\x00")
@example(body=b'"\\')
def test_any_bytes_give_a_notification_or_a_decode_error(body: bytes) -> None:
    """Arbitrary bytes never raise anything but DecodeError."""
    with contextlib.suppress(DecodeError):
        parse_notification(body)


def test_an_unclosed_string_is_refused_in_linear_time() -> None:
    """64 KB of escaped quotes and no closing one: a DecodeError at once, no backtracking."""
    with pytest.raises(DecodeError, match="not JSON"):
        parse_notification(b'"' + b'\\"' * 32_000)


def test_a_utf16_body_cannot_slip_past_the_depth_check() -> None:
    """JSON in UTF-16 (which json.loads reads) is refused: the nesting check reads UTF-8."""
    text = '{"notification":"r","pad":"\u0122","x":' + "[" * 990 + "]" * 990
    body = (text + ',"answer":{"id":"x"}}').encode("utf-16-le")
    with pytest.raises(DecodeError):
        parse_notification(body)


@pytest.mark.parametrize(
    "options",
    [{"max_bytes": None}, {"max_bytes": "10"}, {"max_depth": math.nan}, {"max_bytes": -1}],
)
def test_the_bounds_themselves_are_checked(options: dict[str, object]) -> None:
    """max_bytes and max_depth must be whole numbers of 1 or more: ConfigurationError."""
    with pytest.raises(ConfigurationError):
        parse_notification(b"{}", **options)  # type: ignore[arg-type]
