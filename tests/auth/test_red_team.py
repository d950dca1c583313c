"""An outside red team's attacks on ``WXMAuth``: logins, the failure window, cancellation."""

from __future__ import annotations

import logging
import os

import anyio
import anyio.lowlevel
import httpx
import pytest

from wxm_async import (
    AuthenticationError,
    ConfigurationError,
    TwoFactorRequiredError,
    WXMAuth,
    WXMError,
)

from ..conftest import ManualClock
from ..helpers import is_login, is_probe, token_answer
from .test_red_team_secrets import BASE, CODE, TOKEN, TRICKY, assert_nowhere

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(400, text="Bad Request"),
        httpx.Response(400),
        httpx.Response(400, json={"error": "invalid_client"}),
        httpx.Response(400, json={"Message": "The request is invalid."}),
        httpx.Response(401),
        httpx.Response(401, text="<html>Unauthorized</html>"),
    ],
    ids=["400-text", "400-empty", "400-invalid-client", "400-aspnet", "401-empty", "401-html"],
)
async def test_a_rejection_of_any_shape_costs_one_login_attempt(answer: httpx.Response) -> None:
    """A login refused with 400 or 401, whatever its body, is not retried by every request."""
    logins = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal logins
        if is_login(request):
            logins += 1
            return httpx.Response(answer.status_code, content=answer.content)
        return httpx.Response(200, json={})

    auth = WXMAuth("u", "wrong")
    async with httpx.AsyncClient(transport=httpx.MockTransport(handle), auth=auth) as http:
        for _ in range(10):
            with pytest.raises(WXMError):
                await http.get(f"{BASE}/api/Profile")
    assert logins == 1


async def test_a_rejected_refresh_is_tried_once_per_window_while_the_old_token_serves(
    clock: ManualClock,
) -> None:
    """Past refresh time, a refresh WXM rejects is not retried by every following request."""
    logins = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal logins
        if is_login(request):
            logins += 1
            if logins == 1:
                return httpx.Response(200, json=token_answer(TOKEN, expires_in=1000))
            return httpx.Response(400, json={"error": "invalid_grant"})
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        return httpx.Response(200, json={})

    auth = WXMAuth("u", "p", clock=clock)
    async with httpx.AsyncClient(transport=httpx.MockTransport(handle), auth=auth) as http:
        assert (await http.get(f"{BASE}/api/Profile")).status_code == 200
        clock.advance(950)  # due for refresh (90% of 1000 s), not expired
        for _ in range(10):
            assert (await http.get(f"{BASE}/api/Profile")).status_code == 200
        assert logins == 2  # the first login and one refused refresh
        clock.advance(49)  # the 30 s window is over, the token not yet expired
        for _ in range(10):
            assert (await http.get(f"{BASE}/api/Profile")).status_code == 200
        assert logins == 3  # one more attempt once the window ended, not ten
        clock.advance(2)  # expired: the window (60 s now) is still on
        with pytest.raises(AuthenticationError):
            await http.get(f"{BASE}/api/Profile")
        assert logins == 3


async def test_a_request_cancelled_during_its_probe_strands_no_later_request() -> None:
    """The request probing a 401'd token is cancelled: the next 401 is not stuck waiting."""
    probe_arrived = anyio.Event()
    probes = 0
    logins = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal probes, logins
        if is_login(request):
            logins += 1
            return httpx.Response(200, json=token_answer(f"tok-{logins}"))
        token = request.headers.get("authorization", "")
        if is_probe(request):
            probes += 1
            if probes == 1:
                probe_arrived.set()
                await anyio.sleep_forever()  # the first probe never gets an answer
            return httpx.Response(401)
        if token == "Bearer tok-1":
            return httpx.Response(401)
        return httpx.Response(200, json={})

    auth = WXMAuth("u", "p")
    async with httpx.AsyncClient(transport=httpx.MockTransport(handle), auth=auth) as http:
        with anyio.fail_after(10):  # a guard against a deadlock, not a wait
            async with anyio.create_task_group() as tg:
                scope = anyio.CancelScope()

                async def first() -> None:
                    with scope:
                        await http.get(f"{BASE}/api/Questions/Active")

                tg.start_soon(first)
                await probe_arrived.wait()
                scope.cancel()
            response = await http.get(f"{BASE}/api/Questions/Active")
    assert response.status_code == 200
    assert logins == 2


async def test_a_request_waiting_on_a_probe_goes_on_when_the_prober_is_cancelled() -> None:
    """Requests waiting for another's probe verdict are woken when that prober is cancelled."""
    probe_arrived = anyio.Event()
    probes = 0
    logins = 0
    statuses: list[int] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal probes, logins
        if is_login(request):
            logins += 1
            return httpx.Response(200, json=token_answer(f"tok-{logins}"))
        if is_probe(request):
            probes += 1
            if probes == 1:
                probe_arrived.set()
                await anyio.sleep_forever()
            return httpx.Response(401)
        if request.headers.get("authorization") == "Bearer tok-1":
            return httpx.Response(401)
        return httpx.Response(200, json={})

    auth = WXMAuth("u", "p")
    async with httpx.AsyncClient(transport=httpx.MockTransport(handle), auth=auth) as http:
        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                scope = anyio.CancelScope()

                async def prober() -> None:
                    with scope:
                        await http.get(f"{BASE}/api/Questions/Active")

                async def other() -> None:
                    statuses.append((await http.get(f"{BASE}/api/Questions/Active")).status_code)

                tg.start_soon(prober)
                await probe_arrived.wait()
                for _ in range(5):
                    tg.start_soon(other)
                await anyio.wait_all_tasks_blocked()
                scope.cancel()
    assert statuses == [200] * 5


@pytest.mark.xfail(
    strict=True,
    reason="left for the lead: a response hook that raises hides the rejection from the flow, "
    "which settles the login as abandoned, so no failure window opens",
)
async def test_a_raise_for_status_hook_does_not_make_a_wrong_password_retry_per_request() -> None:
    """A `raise_for_status` response hook, as httpx documents it: one attempt per window."""
    logins = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal logins
        if is_login(request):
            logins += 1
            return httpx.Response(400, json={"error": "invalid_grant"})
        return httpx.Response(200, json={})

    async def raise_on_4xx_5xx(response: httpx.Response) -> None:
        response.raise_for_status()

    hooks = {"response": [raise_on_4xx_5xx]}
    transport = httpx.MockTransport(handle)
    auth = WXMAuth("u", "wrong")
    async with httpx.AsyncClient(transport=transport, auth=auth, event_hooks=hooks) as http:
        for _ in range(10):
            with pytest.raises(httpx.HTTPStatusError):
                await http.get(f"{BASE}/api/Profile")
    assert logins == 1


@pytest.mark.parametrize(
    ("answer", "raised"),
    [
        ({"error": "invalid_grant", "error_description": "bad: {password}"}, AuthenticationError),
        ({"error_description": "The user name or password is incorrect."}, AuthenticationError),
        ({"error": "two_factor", "error_description": "Code Required"}, TwoFactorRequiredError),
    ],
    ids=["invalid-grant", "description-only", "two-factor"],
)
async def test_a_rejection_answered_with_200_costs_one_login_attempt(
    answer: dict[str, str], raised: type[AuthenticationError], caplog: pytest.LogCaptureFixture
) -> None:
    """WXM's SDK tells a failed login by its body, not its status: a 200 error body is a rejection."""
    caplog.set_level(logging.DEBUG)
    logins = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal logins
        if is_login(request):
            logins += 1
            said = {k: v.format(password=TRICKY) for k, v in answer.items()}
            return httpx.Response(200, json=said)
        return httpx.Response(200, json={})

    auth = WXMAuth(f"u#{CODE}", TRICKY)
    async with httpx.AsyncClient(transport=httpx.MockTransport(handle), auth=auth) as http:
        for _ in range(10):
            with pytest.raises(raised) as info:
                await http.get(f"{BASE}/api/Profile")
    assert logins == 1
    assert_nowhere(info.value, caplog, TRICKY, CODE)


async def test_a_token_answer_with_an_empty_error_field_is_still_a_token() -> None:
    """An answer holding a token and `"error": null` (or "") is a login that succeeded."""

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer(TOKEN, error=None, error_description=""))
        return httpx.Response(200, json={"seen": request.headers["authorization"]})

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handle), auth=WXMAuth("u", "p")
    ) as http:
        response = await http.get(f"{BASE}/api/Profile")
    assert response.json() == {"seen": f"Bearer {TOKEN}"}


@pytest.mark.parametrize(
    ("username", "password"),
    [(os.fsdecode(b"demo\xff"), "pw"), ("demo", os.fsdecode(b"pw\xff")), (b"demo", "pw")],
    ids=["username-not-utf8", "password-not-utf8", "username-bytes"],
)
def test_credentials_that_no_request_can_carry_are_refused_when_made(
    username: object, password: object
) -> None:
    """WXMAuth refuses non-UTF-8 or non-string credentials at once, not at the first login."""
    with pytest.raises(ConfigurationError) as caught:
        WXMAuth(username, password)  # type: ignore[arg-type]
    assert "\\udcff" not in str(caught.value)  # the value, escaped or not, is never quoted
    assert "\udcff" not in str(caught.value)
