"""An outside red team's attacks on ``WXMAuth``: no secret in any error, log or event."""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

from wxm_async import (
    RetryPolicy,
    WXMAuth,
    WXMClient,
    WXMError,
)
from wxm_async.events import Event
from wxm_async.stores import FileTokenStore

from ..helpers import is_login, is_probe, token_answer
from .test_hostile_servers import assert_no_secret

pytestmark = pytest.mark.anyio

BASE = "https://wxm.test"
TOKEN = "tok-RED-TEAM-4f2a9c"
TRICKY = 'p@ss w0rd!&=+%"\\é'  # every character a form or JSON encodes differently
CODE = "918273"


def _plain(obj: object, seen: set[int], depth: int = 0) -> list[str]:
    """The strings and bodies an error holds as they are, not as reprs escape them."""
    if id(obj) in seen or depth > 12 or obj is None:
        return []
    seen.add(id(obj))
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, bytes):
        return [obj.decode("utf-8", "replace")]
    found: list[str] = []
    parts: list[object] = []
    if isinstance(obj, BaseException):
        found.append(str(obj))
        parts += [*obj.args, obj.__cause__, obj.__context__, *vars(obj).values()]
    elif isinstance(obj, httpx.Response):
        found += [f"{k}: {v}" for k, v in obj.headers.multi_items()]
        parts += [getattr(obj, "_content", None), obj.request]
    elif isinstance(obj, httpx.Request):
        found += [str(obj.url), *(f"{k}: {v}" for k, v in obj.headers.multi_items())]
        parts.append(getattr(obj, "_content", None))
    elif isinstance(obj, dict):
        parts += [*obj.keys(), *obj.values()]
    elif isinstance(obj, list | tuple):
        parts += obj
    for part in parts:
        found += _plain(part, seen, depth + 1)
    return found


def assert_nowhere(error: BaseException, caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    """No secret in the error's strings and bodies as they are, nor in formatted logs."""
    texts = [*_plain(error, set()), caplog.text]
    for secret in secrets:
        leaks = [t for t in texts if secret in t]
        assert not leaks, f"{secret!r} leaked: {leaks[0][:300]}"


async def _failure(
    handler: Any, through: str, *, password: str = TRICKY, username: str = f"u#{CODE}"
) -> tuple[BaseException, list[Event]]:
    """What a caller catches from one call, through plain httpx or WXMClient."""
    events: list[Event] = []
    auth = WXMAuth(username, password, on_event=events.append)
    transport = httpx.MockTransport(handler)
    if through == "httpx":
        async with httpx.AsyncClient(transport=transport, auth=auth) as http:
            with pytest.raises((WXMError, httpx.HTTPError)) as info:
                await http.get(f"{BASE}/api/Profile")
    else:
        async with WXMClient(
            auth=auth, base_url=BASE, transport=transport, retries=RetryPolicy.off()
        ) as client:
            with pytest.raises(WXMError) as info:
                await client.account.profile()
    return info.value, events


def _refused_answer(kind: str) -> httpx.Response:
    """A login answer that holds a working-looking token but is refused for another field."""
    if kind == "token-type":
        return httpx.Response(200, json=token_answer(TOKEN, token_type="mac"))
    if kind == "nan-lifetime":
        text = json.dumps(token_answer(TOKEN)).replace("43199", "NaN")
        return httpx.Response(200, content=text.encode())
    if kind == "huge":
        return httpx.Response(200, json=token_answer(TOKEN, padding="x" * 70_000))
    if kind == "not-an-object":
        return httpx.Response(200, json=[token_answer(TOKEN)])
    return httpx.Response(200, json=token_answer(TOKEN, expires_in={"seconds": 1}))


@pytest.mark.parametrize("kind", ["token-type", "nan-lifetime", "huge", "not-an-object", "other"])
@pytest.mark.parametrize("through", ["httpx", "client"])
async def test_a_refused_login_answer_quotes_not_the_token_it_held(
    kind: str, through: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A login answer refused for any field never carries its access token to the caller."""
    caplog.set_level(logging.DEBUG)

    async def handle(request: httpx.Request) -> httpx.Response:
        return _refused_answer(kind) if is_login(request) else httpx.Response(200, json={})

    error, events = await _failure(handle, through)
    assert_no_secret(error, caplog, TOKEN, TRICKY, CODE, events=events)
    assert_nowhere(error, caplog, TOKEN, TRICKY, CODE)


def _dotnet(text: str) -> str:
    """``text`` inside a JSON string as System.Text.Json's default encoder writes it."""
    escapes = {'"': "\\u0022", "\\": "\\\\"}
    return "".join(
        escapes.get(c) or (f"\\u{ord(c):04X}" if c in "+&<>'`" or ord(c) > 126 else c) for c in text
    )


def _echo(encoding: str, body: bytes) -> httpx.Response:
    """A gateway quoting back the login form it refused, in one of several encodings."""
    text = body.decode()
    if encoding == "form-text":
        return httpx.Response(400, text=f"Bad request: {text}")
    if encoding == "form-json":
        return httpx.Response(400, json={"error": "invalid_grant", "error_description": text})
    if encoding == "decoded-json":
        fields = dict(httpx.QueryParams(text))
        return httpx.Response(400, json={"error": "invalid_grant", "error_description": fields})
    fields = dict(httpx.QueryParams(text))
    if encoding == "escaped-text":  # JSON text kept as text: quotes and backslashes escaped
        return httpx.Response(502, text=json.dumps(fields))
    if encoding == "newtonsoft-json":  # Json.NET writes non-ASCII as it is
        said = json.dumps(
            {"error": "invalid_grant", "error_description": f"bad: {fields['password']}"},
            ensure_ascii=False,
        )
        return httpx.Response(400, content=said.encode())
    if encoding == "dotnet-json":  # System.Text.Json escapes + & < > ' " and non-ASCII, in capitals
        said = f'{{"error": "invalid_grant", "error_description": "bad: {_dotnet(fields["password"])}"}}'
        return httpx.Response(400, content=said.encode())
    if encoding == "html":  # an HTML error page quoting the form value
        return httpx.Response(400, text=f"<p>password=&quot;{html.escape(fields['password'])}</p>")
    return httpx.Response(503, text=f"upstream refused {text}")


@pytest.mark.parametrize(
    "encoding",
    [
        "form-text",
        "form-json",
        "decoded-json",
        "escaped-text",
        "newtonsoft-json",
        "dotnet-json",
        "html",
        "form-5xx",
    ],
)
@pytest.mark.parametrize("through", ["httpx", "client"])
async def test_an_echoed_login_form_is_masked_in_every_encoding(
    encoding: str, through: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A server quoting the login form back, encoded or not, leaks neither password nor code."""
    caplog.set_level(logging.DEBUG)

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return _echo(encoding, await request.aread())
        return httpx.Response(200, json={})

    error, events = await _failure(handle, through)
    variants = {
        TRICKY,
        quote_plus(TRICKY),
        quote(TRICKY, safe=""),
        json.dumps(TRICKY)[1:-1],
        json.dumps(TRICKY, ensure_ascii=False)[1:-1],
        _dotnet(TRICKY),
        html.escape(TRICKY),
    }
    assert_no_secret(error, caplog, CODE, *variants, events=events)
    assert_nowhere(error, caplog, CODE, *variants)


@pytest.mark.parametrize("spelling", ["python", "newtonsoft", "dotnet", "html"])
async def test_an_api_error_quoting_the_token_in_any_spelling_does_not_carry_it(
    spelling: str, caplog: pytest.LogCaptureFixture
) -> None:
    """An API error that quotes the bearer token, escaped as its server escapes, masks it."""
    caplog.set_level(logging.DEBUG)
    token = "tok+RED/TEAM=4f2a&'<"

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer(token))
        sent = request.headers["authorization"]
        if spelling == "python":
            return httpx.Response(403, content=json.dumps({"message": sent}).encode())
        if spelling == "newtonsoft":
            said = json.dumps({"message": sent}, ensure_ascii=False)
            return httpx.Response(403, content=said.encode())
        if spelling == "dotnet":
            return httpx.Response(403, content=f'{{"message": "{_dotnet(sent)}"}}'.encode())
        return httpx.Response(403, text=f"<p>{html.escape(sent)}</p>")

    async with WXMClient(
        auth=WXMAuth("u", "p"),
        base_url=BASE,
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy.off(),
    ) as client:
        with pytest.raises(WXMError) as info:
            await client.account.profile()
    assert_nowhere(info.value, caplog, token, _dotnet(token), html.escape(token))


def _failing_at(kind: str) -> Any:
    """A WXM whose login (or call) fails in one way, to show every message the flow builds."""

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            if kind == "redirect":
                return httpx.Response(302, headers={"location": "https://elsewhere.test/x"})
            if kind == "503":
                return httpx.Response(503)
            if kind == "400":
                return httpx.Response(400, json={"error": "invalid_grant"})
            if kind == "refused":
                raise httpx.ConnectError("connection refused", request=request)
            if kind == "garbage":
                return httpx.Response(200, text="<html>")
            return httpx.Response(200, json=token_answer(TOKEN))
        if kind == "probe-refused" and is_probe(request):
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(401)

    return handle


@pytest.mark.parametrize(
    "kind", ["redirect", "503", "400", "refused", "garbage", "401", "probe-refused"]
)
@pytest.mark.parametrize("through", ["httpx", "client"])
async def test_user_info_in_the_base_url_is_in_no_message_log_or_event(
    kind: str, through: str, caplog: pytest.LogCaptureFixture
) -> None:
    """`https://user:pass@gateway/` (a gateway's own credentials): kept out of every error and log."""
    caplog.set_level(logging.DEBUG)
    events: list[Event] = []
    auth = WXMAuth("u", "p", on_event=events.append)
    transport = httpx.MockTransport(_failing_at(kind))
    base = "https://gw-user:GW-PASS-31337@wxm.test"
    caught: BaseException | None = None
    try:
        if through == "httpx":
            async with httpx.AsyncClient(transport=transport, auth=auth) as http:
                await http.get(f"{base}/api/Questions/Active")
        else:
            async with WXMClient(
                auth=auth, base_url=base, transport=transport, retries=RetryPolicy.off()
            ) as client:
                await client.questions.active()
    except (WXMError, httpx.HTTPError) as error:
        caught = error
    # httpx logs the caller's own request as the caller wrote it: every other line is ours.
    logged = [
        r.getMessage() for r in caplog.records if "/api/Questions/Active" not in r.getMessage()
    ]
    texts = [*logged, repr(events), *(_plain(caught, set()) if caught is not None else [])]
    leaks = [t for t in texts if "GW-PASS-31337" in t]
    assert not leaks, leaks[0][:300]


@pytest.mark.xfail(
    strict=True,
    reason="left for the lead: httpx builds a redirect's request itself, copying the "
    "Authorization header on the same origin; the flow never sees it to strip it",
)
@pytest.mark.parametrize("kind", ["loop", "refused-after-redirect", "probe-loop"])
async def test_an_error_after_a_same_origin_redirect_carries_no_token(kind: str) -> None:
    """follow_redirects=True, same origin: the error ending the chain holds no bearer token."""

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer(TOKEN))
        if request.url.path == "/api/next" and kind == "refused-after-redirect":
            raise httpx.ConnectError("connection refused", request=request)
        if kind == "probe-loop" and request.url.path == "/api/Questions/Active":
            return httpx.Response(401)
        return httpx.Response(302, headers={"location": "/api/next"})

    transport = httpx.MockTransport(handle)
    auth = WXMAuth("u", "p")
    async with httpx.AsyncClient(transport=transport, auth=auth, follow_redirects=True) as http:
        with pytest.raises(httpx.HTTPError) as info:
            await http.get(f"{BASE}/api/Questions/Active")
    assert not [t for t in _plain(info.value, set()) if TOKEN in t]


async def test_a_two_factor_code_echoed_in_the_user_name_is_kept_nowhere(tmp_path: Path) -> None:
    """A login answer naming the user ``u#CODE`` (the form's own spelling): no repr or file holds the code."""

    def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer("tok-1", userName=f"u#{CODE}"))
        return httpx.Response(200, json=[])

    path = tmp_path / "token"
    auth = WXMAuth(f"u#{CODE}", TRICKY, store=FileTokenStore(path))
    async with httpx.AsyncClient(transport=httpx.MockTransport(handle), auth=auth) as http:
        assert (await http.get(f"{BASE}/api/Profile")).status_code == 200
    cached = auth.store.current()
    assert cached is not None
    assert cached.token.user_name == "u#***"
    for text in (repr(cached), repr(cached.token), repr(auth), path.read_text()):
        assert CODE not in text
