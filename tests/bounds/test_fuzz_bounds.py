"""Hypothesis against every parser of outside data, through the paths the library uses.

Answers (any status, any bytes, any ``Content-Encoding``, any ``Retry-After``) go
through ``WXMClient`` and through ``WXMAuth``'s login; token records through
``decode_at_rest``; bodies through the capped reader. Inputs include deep nesting, huge
numbers, Unicode digits and wrong types. Only the library's errors may come out. The
settings profile (deterministic in CI) is chosen in conftest.py.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import zlib

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wxm_async import (
    APIStatusError,
    DecodeError,
    ResponseTooLargeError,
    RetryPolicy,
    WXMAuth,
    WXMBearerAuth,
    WXMClient,
    WXMError,
)
from wxm_async._body import read_capped
from wxm_async._retry_after import parse_retry_after
from wxm_async._stores._at_rest import decode_at_rest
from wxm_async.stores import AtRest

from ..helpers import Chunks

pytestmark = pytest.mark.anyio

#: Async tests run one example per event loop turn: the fixtures are not reset between.
fuzz = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

unicode_digits = st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=6)
huge_numbers = st.integers(min_value=10**300, max_value=10**400) | st.integers(
    max_value=-(10**300), min_value=-(10**400)
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | huge_numbers
    | st.floats()
    | st.text(max_size=12)
    | unicode_digits
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=16,
)
deep = st.integers(1, 120_000).map(lambda depth: b"[" * depth + b"]" * depth) | st.integers(
    1, 120_000
).map(lambda depth: b'{"a":' * depth)
huge_literals = st.integers(300, 6000).map(lambda digits: b"1" + b"0" * digits)
payloads = (
    st.binary(max_size=400)
    | json_values.map(lambda value: json.dumps(value).encode())
    | deep
    | huge_literals
)
#: A body and the Content-Encoding it is sent with: right, wrong, stacked or unknown.
encodings = st.sampled_from(
    [None, "identity", "gzip", "x-gzip", "deflate", "gzip, gzip", "br", "zstd", "gzip, br", ""]
) | st.text(max_size=20)


def encode(data: bytes, encoding: str | None, honest: bool) -> bytes:
    """``data`` in ``encoding`` when ``honest``, else sent as it is, whatever the header says."""
    if not honest or encoding is None:
        return data
    for coding in [c.strip() for c in encoding.split(",")]:
        if coding in ("gzip", "x-gzip"):
            data = gzip.compress(data)
        elif coding == "deflate":
            data = zlib.compress(data)
    return data


retry_afters = (
    st.none()
    | st.text(max_size=30)
    | unicode_digits
    | st.binary(max_size=30).map(lambda raw: raw.decode("latin-1"))
)


def answer(
    status: int, body: bytes, encoding: str | None, retry_after: str | None
) -> httpx.Response:
    headers: list[tuple[bytes, bytes]] = [(b"content-type", b"application/json")]
    if encoding is not None:
        headers.append((b"content-encoding", encoding.encode("utf-8", "replace")))
    if retry_after is not None:
        headers.append((b"retry-after", retry_after.encode("latin-1", "replace").strip() or b"x"))
    # A stream, as a server sends it: nothing is read (or decoded) before the library.
    return httpx.Response(status, headers=headers, stream=Chunks(body))


@fuzz
@given(
    status=st.sampled_from([200, 400, 401, 404, 429, 500, 503]) | st.integers(200, 599),
    data=payloads,
    encoding=encodings,
    honest=st.booleans(),
    retry_after=retry_afters,
)
@example(status=429, data=b"{}", encoding=None, honest=True, retry_after="²")
@example(status=200, data=b"[" * 100_000, encoding="gzip", honest=True, retry_after=None)
async def test_any_answer_through_the_client_is_a_value_or_a_library_error(
    status: int, data: bytes, encoding: str | None, honest: bool, retry_after: str | None
) -> None:
    """Whatever WXM sends, a call returns or raises a WXMError, within the answer cap."""
    body = encode(data, encoding, honest)

    async def handle(request: httpx.Request) -> httpx.Response:
        return answer(status, body, encoding, retry_after)

    async with WXMClient(
        auth=WXMBearerAuth("t"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy(attempts=2).without_waiting(),
        max_answer_bytes=64 * 1024,
    ) as client:
        for call in (
            client.questions.active,
            client.responses.count,
            client.account.settings,
            lambda: client.responses.page(0),
        ):
            failure: WXMError | None = None
            try:
                await call()
            except WXMError as error:
                failure = error
            if isinstance(failure, APIStatusError):
                assert failure.status_code == status


@fuzz
@given(
    status=st.sampled_from([200, 400, 401, 429, 503]) | st.integers(200, 599),
    data=payloads,
    encoding=encodings,
    honest=st.booleans(),
    retry_after=retry_afters,
)
@example(status=503, data=b"down", encoding=None, honest=True, retry_after="²")
async def test_any_login_answer_is_a_token_or_a_library_error(
    status: int, data: bytes, encoding: str | None, honest: bool, retry_after: str | None
) -> None:
    """Whatever the login answers, a request through WXMAuth goes on or raises a WXMError."""
    body = encode(data, encoding, honest)

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/LoginToken":
            return answer(status, body, encoding, retry_after)
        return httpx.Response(200, json=[])

    async with httpx.AsyncClient(
        base_url="https://wxm.test", transport=httpx.MockTransport(handle), auth=WXMAuth("u", "p")
    ) as http:
        with contextlib.suppress(WXMError):
            await http.get("/api/Questions/Active")


@given(
    data=payloads
    | json_values.map(lambda value: json.dumps({"version": 1, "token": value}).encode())
)
@example(data=b"[" * 100_000)
@example(data=b'{"version": "' + b"9" * 5000 + b'"}')
def test_any_token_record_decodes_or_raises_decode_error(data: bytes) -> None:
    """A token record is an AtRest or a DecodeError, whatever the file or key holds."""
    try:
        record: object = decode_at_rest(data, what="the record")
    except DecodeError as error:
        record = error
    assert isinstance(record, AtRest | DecodeError)
    assert len(str(record)) < 500 or isinstance(record, AtRest)


@given(value=retry_afters.filter(lambda v: v is not None) | unicode_digits)
@example(value="²")
@example(value="١٢")
@example(value="9" * 5000)
def test_any_retry_after_is_a_finite_wait_or_none(value: str) -> None:
    """Any Retry-After text is a finite wait of 0 or more seconds, or no advice."""
    wait = parse_retry_after(value)
    assert wait is None or 0 <= wait < float("inf")


@fuzz
@given(
    data=st.binary(max_size=3000),
    encoding=encodings,
    honest=st.booleans(),
    limit=st.integers(1, 4000),
)
async def test_the_capped_reader_returns_at_most_the_cap(
    data: bytes, encoding: str | None, honest: bool, limit: int
) -> None:
    """The reader returns the decoded body, never more than the cap, or a library error."""
    response = answer(200, encode(data, encoding, honest), encoding, None)
    try:
        content = await read_capped(response, limit, what="the answer")
    except (ResponseTooLargeError, DecodeError):
        return
    assert len(content) <= limit
    if honest and encoding in (None, "identity", "gzip", "x-gzip", "deflate", "gzip, gzip"):
        assert content == data
    assert response.content == content
