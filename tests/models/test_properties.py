"""Property-based tests of the decoders: any input decodes or raises the library's own error.

Hypothesis throws arbitrary bytes, JSON values and statuses at the login answer's
decoder (``interpret_login``, which runs the converter's ``AccessToken`` structuring and
reads error bodies) and at the converter directly. Each input must give the documented
result: a token, or a ``WXMError`` of the class its status calls for; never another
exception, and never a secret in a message. The settings profile (deterministic in CI)
is chosen in conftest.py.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import httpx
from hypothesis import example, given
from hypothesis import strategies as st

from wxm_async import (
    APIStatusError,
    AuthenticationError,
    DecodeError,
    TwoFactorRequiredError,
    WXMError,
)
from wxm_async._converter import structure
from wxm_async._exceptions import error_for_status
from wxm_async._login import interpret_login
from wxm_async._models import AccessToken
from wxm_async.stores import CachedToken

#: Stands for the access token, the account hash and the password: secrets that must
#: never reach a message. No strategy below makes it by chance: its alphabet excludes "§".
SECRET = "§secret-7Qx§"
RECEIVED_AT = 1_000.0
MAX_LEEWAY = 300.0

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(alphabet=st.characters(exclude_characters="§"), max_size=20)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
offsets = st.timedeltas(
    min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
)
aware = st.datetimes(timezones=offsets.map(timezone))
dates = (
    aware.map(datetime.isoformat)
    | aware.map(lambda d: format_datetime(d.astimezone(UTC), usegmt=True))
    | st.datetimes().map(datetime.isoformat)  # naive: read as UTC
    | json_values
)
#: Login answers shaped like WXM's, each field either plausible or anything at all.
token_answers = st.fixed_dictionaries(
    {},
    optional={
        "access_token": st.just(SECRET) | json_values,
        "token_type": st.just("bearer") | json_values,
        "expires_in": st.integers() | st.integers().map(str) | st.floats() | json_values,
        "userName": st.text(max_size=10) | json_values,
        "preview": st.sampled_from(["True", "False", " true ", True]) | json_values,
        "hash": st.just(SECRET) | json_values,
        ".issued": dates,
        ".expires": dates,
        "extra": json_values,
    },
)
error_bodies = st.fixed_dictionaries(
    {},
    optional={
        "error": st.sampled_from(["invalid_grant", "two_factor", "Authorization Error", ""])
        | json_values,
        "error_description": st.text(alphabet=st.characters(exclude_characters="§")) | json_values,
        "message": json_values,
        "access_token": st.just(SECRET),
    },
)
bodies = (
    st.binary(max_size=300)
    | token_answers.map(lambda answer: json.dumps(answer).encode())
    | error_bodies.map(lambda body: json.dumps(body).encode())
    | json_values.map(lambda value: json.dumps(value).encode())
)
statuses = st.sampled_from([200, 201, 204, 400, 401, 403, 404, 429, 500, 502, 503]) | st.integers(
    200, 599
)

#: Inputs that once escaped as other exceptions, kept as explicit examples.
DEEP_JSON = b"[" * 10_000
HUGE_EXPIRES_IN = (
    b'{"access_token": "' + SECRET.encode() + b'", "expires_in": 1' + b"0" * 400 + b"}"
)


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON (NaN, never equal to itself in Python, included)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def interpret(status: int, body: bytes) -> CachedToken | WXMError:
    """``interpret_login`` of a login answer with ``status`` and ``body``."""
    return interpret_login(
        login_answer(status, body), username="demo", received_at=RECEIVED_AT, max_leeway=MAX_LEEWAY
    )


def login_answer(status: int, body: bytes) -> httpx.Response:
    """A read response to a login that sent ``SECRET`` as the password."""
    request = httpx.Request(
        "POST",
        "https://wxm.test/api/LoginToken",
        data={"grant_type": "password", "username": "demo", "password": SECRET},
    )
    response = httpx.Response(status, content=body, request=request)
    response.read()
    return response


@given(status=statuses, body=bodies)
@example(status=200, body=DEEP_JSON)
@example(status=400, body=DEEP_JSON)
@example(status=503, body=DEEP_JSON)
@example(status=200, body=HUGE_EXPIRES_IN)
@example(status=200, body=b"\xff\xfe not utf-8")
def test_any_login_answer_gives_a_token_or_the_error_its_status_calls_for(
    status: int, body: bytes
) -> None:
    """interpret_login never raises: a token or DecodeError for 2xx, else the status's error."""
    outcome = interpret(status, body)
    if 200 <= status < 300:
        assert isinstance(outcome, CachedToken | DecodeError)
    elif status in (400, 401):
        assert isinstance(outcome, AuthenticationError)
    else:
        # Any other status: the class error_for_status, the one map, gives it.
        expected = error_for_status("", request=None, status_code=status, body=None)
        assert type(outcome) is type(expected)
    if isinstance(outcome, CachedToken):
        assert RECEIVED_AT <= outcome.refresh_at <= outcome.expires_at
        assert outcome.authorization == f"Bearer {outcome.token.access_token}"
        assert SECRET not in repr(outcome)
        return
    assert isinstance(outcome, WXMError)
    if isinstance(outcome, APIStatusError):
        assert outcome.status_code == status
    assert outcome.request is not None
    assert outcome.request.content == b""  # the password does not travel with the error
    assert SECRET not in f"{outcome!s}{outcome!r}{outcome.args}"


@given(status=st.sampled_from([400, 401]), body=error_bodies)
@example(status=401, body={"error": "two_factor", "error_description": "Enter Code Received"})
def test_a_rejected_login_reads_wxms_error_and_description(
    status: int, body: dict[str, Any]
) -> None:
    """WXM's error and error_description are kept when they are non-empty strings, else None."""
    outcome = interpret(status, json.dumps(body).encode())
    assert isinstance(outcome, AuthenticationError)

    def kept(key: str) -> str | None:
        value = body.get(key)
        return value if isinstance(value, str) and value else None

    assert (outcome.error, outcome.error_description) == (kept("error"), kept("error_description"))
    assert isinstance(outcome, TwoFactorRequiredError) == (outcome.error == "two_factor")
    assert str(outcome).startswith(f"WXM rejected the login for 'demo' ({status} ")
    if outcome.error_description is not None:
        assert outcome.error_description in str(outcome)
    assert same_json(outcome.body, body)


@given(status=st.integers(402, 599).filter(lambda s: s != 401), body=json_values)
def test_other_error_bodies_are_kept_decoded_and_named_by_status(status: int, body: Any) -> None:
    """A JSON error body ({"message": ...} or anything) is kept decoded on the error."""
    outcome = interpret(status, json.dumps(body).encode())
    assert isinstance(outcome, APIStatusError)
    assert f"WXM answered {status}" in str(outcome)
    assert same_json(outcome.body, body)


@given(data=json_values | token_answers)
@example(data={"access_token": "t", "expires_in": 10**400})
@example(data={"access_token": "t", "expires_in": 5, ".issued": "9999-12-31T23:59:59-23:59"})
def test_structuring_any_json_gives_an_access_token_or_decode_error(data: Any) -> None:
    """The converter turns any JSON into an AccessToken with a usable lifetime, or DecodeError."""
    try:
        token = structure(data, AccessToken, what="the LoginToken answer", request=None)
    except DecodeError as error:
        message = str(error)
    else:
        assert isinstance(token.access_token, str)
        assert 0 <= token.lifetime < math.inf
        return
    assert message.startswith("could not decode the LoginToken answer: ")
    assert SECRET not in message
