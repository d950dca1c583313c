"""Statuses map to error classes in one place; errors carry what a caller needs."""

from __future__ import annotations

import copy
import pickle

import httpx
import pytest

from wxm_async import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnprocessableEntityError,
)
from wxm_async._exceptions import error_for_status
from wxm_async._http import status_error
from wxm_async._redact import redacted


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitedError),
        (500, ServerError),
        (503, ServerError),
        (418, APIStatusError),
    ],
)
def test_each_status_has_its_class(status: int, cls: type[APIStatusError]) -> None:
    """error_for_status picks the class a caller branches on."""
    error = error_for_status("failed", request=None, status_code=status, body=None)
    assert type(error) is cls
    assert error.status_code == status


def test_rate_limited_carries_retry_after() -> None:
    """A 429's error says how long WXM asked to wait."""
    error = error_for_status("slow", request=None, status_code=429, body=None, retry_after=12.0)
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 12.0


def test_status_error_surfaces_wxm_message_and_hides_the_token() -> None:
    """The error names the call, the status and WXM's message; its request has no token."""
    request = httpx.Request(
        "GET",
        "https://wxm.test/api/answer/r-1",
        headers={"Authorization": "Bearer sekrit-token", "Accept": "application/json"},
    )
    response = httpx.Response(404, json={"message": "No response r-1."}, request=request)
    error = status_error(response)
    assert isinstance(error, NotFoundError)
    assert str(error) == "GET /api/answer/r-1: WXM answered 404 Not Found: No response r-1."
    assert error.body == {"message": "No response r-1."}
    assert error.request is not None
    assert "authorization" not in error.request.headers
    assert error.request.headers["accept"] == "application/json"
    assert "sekrit-token" not in repr(error.__dict__)


def test_status_error_reads_error_description_and_leaves_html_out() -> None:
    """A login-style body gives its error_description; an HTML page is not quoted."""
    request = httpx.Request("POST", "https://wxm.test/api/answers")
    described = status_error(
        httpx.Response(400, json={"error_description": "bad filter"}, request=request)
    )
    assert str(described).endswith(": bad filter")
    html = status_error(httpx.Response(502, text="<html>Bad gateway</html>", request=request))
    assert str(html) == "POST /api/answers: WXM answered 502 Bad Gateway"
    assert html.body == "<html>Bad gateway</html>"


def test_redacted_keeps_the_body_of_a_read_request() -> None:
    """The copy an error carries keeps method, URL and body, and drops Authorization."""
    request = httpx.Request(
        "POST",
        "https://wxm.test/api/answers",
        json={"location": ["Main"]},
        headers={"Authorization": "Basic ZGVtbzpzZWNyZXQ="},
    )
    copy_ = redacted(request)
    assert (copy_.method, copy_.url, copy_.content) == (
        request.method,
        request.url,
        request.content,
    )
    assert "authorization" not in copy_.headers


def test_client_errors_copy_and_pickle() -> None:
    """Errors survive copy and pickle with their attributes (keyword-only constructors)."""
    error = error_for_status("slow", request=None, status_code=429, body={"m": 1}, retry_after=3.0)
    for clone in (copy.copy(error), pickle.loads(pickle.dumps(error))):
        assert isinstance(clone, RateLimitedError)
        assert (clone.status_code, clone.body, clone.retry_after, str(clone)) == (
            429,
            {"m": 1},
            3.0,
            "slow",
        )
