"""The at-rest format of shared stores: versioned, round-trips, fails as DecodeError."""

from __future__ import annotations

import json

import httpx
import pytest

from wxm_async import AccessToken, AuthenticationError, DecodeError, TwoFactorRequiredError
from wxm_async._converter import structure
from wxm_async._stores._at_rest import (
    decode_at_rest,
    encode_at_rest,
    failure_error,
    failure_record,
)
from wxm_async.stores import AtRest, StoredFailure, StoredToken

from .helpers import token_answer


def record() -> AtRest:
    token = structure(token_answer(), AccessToken, what="a login answer", request=None)
    return AtRest(
        token=StoredToken(token=token, expires=1_800_000_000.5, refresh_leeway=300.0),
        failure=StoredFailure(
            message="WXM rejected the login",
            url="https://wxm.test/api/LoginToken",
            status_code=400,
            error="invalid_grant",
            error_description="The user name or password is incorrect.",
            until=1_800_000_030.0,
        ),
    )


def test_a_record_round_trips_in_wxms_own_key_names() -> None:
    """Encode then decode gives the same record; the token keeps WXM's wire keys."""
    data = encode_at_rest(record())
    document = json.loads(data)
    assert document["version"] == 1
    assert document["token"]["token"]["userName"] == "acme-admin"
    assert document["token"]["token"][".issued"] == "2026-11-22T10:00:00.000Z"
    assert decode_at_rest(data, what="x") == record()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00not json", "could not decode the store: it is not JSON (9 bytes)"),
        (b'{"version": 7}', "could not decode the store: version 7, expected 1"),
        (b"[1, 2]", "could not decode the store: expected a JSON object, got a list"),
        (
            b'{"version": 1, "token": {"token": {"access_token": "s3cret", "expires_in": true},'
            b' "expires": "soon", "refreshLeeway": 1}}',
            "could not decode the store: expected a number, got a boolean "
            "@ $.token.token.expires_in; expected a number, got a string @ $.token.expires",
        ),
    ],
)
def test_what_does_not_decode_raises_decode_error_without_quoting_it(
    data: bytes, message: str
) -> None:
    """Garbage, another version or a wrong shape raise DecodeError with paths, no content."""
    with pytest.raises(DecodeError) as caught:
        decode_at_rest(data, what="the store")
    assert str(caught.value).startswith(message)
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize(
    ("code", "cls"),
    [("two_factor", TwoFactorRequiredError), ("invalid_grant", AuthenticationError)],
)
def test_a_recorded_rejection_is_rebuilt_as_the_same_error(
    code: str, cls: type[AuthenticationError]
) -> None:
    """Another process raises the error the login met: two-factor stays two-factor."""
    login = httpx.Request("POST", "https://wxm.test/api/LoginToken")
    error = cls("WXM rejected the login", request=login, status_code=401, error=code)
    stored = failure_record(error, since=100.0, window=30.0)
    assert (stored.since, stored.until, stored.url) == (100.0, 130.0, str(login.url))
    read = decode_at_rest(encode_at_rest(AtRest(failure=stored)), what="x").failure
    assert read is not None
    rebuilt = failure_error(read)
    assert type(rebuilt) is cls
    assert (rebuilt.message, rebuilt.status_code, rebuilt.error) == (error.message, 401, code)
    assert rebuilt.body == {"error": code}
