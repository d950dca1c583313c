"""``WXMClient.with_options()``: other options over the same pool and auth."""

from __future__ import annotations

import gc

import anyio
import httpx
import pytest

from wxm_async import ConfigurationError, RetryPolicy, ServerError, WXMAuth, WXMClient

from ..helpers import is_login, recording, token_answer

pytestmark = pytest.mark.anyio

PROFILE = {"userName": "demo"}


def wxm(statuses: list[int] | None = None) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A WXM that logs in and answers ``statuses`` in turn, then 200."""
    queue = list(statuses or [])

    async def handle(request: httpx.Request) -> httpx.Response:
        if is_login(request):
            return httpx.Response(200, json=token_answer("tok-1"))
        return httpx.Response(queue.pop(0) if queue else 200, json=PROFILE)

    return recording(handle)


def client_on(transport: httpx.MockTransport, **options: object) -> WXMClient:
    return WXMClient(
        auth=WXMAuth("demo", "pw"),
        base_url="https://wxm.test",
        transport=transport,
        retries=RetryPolicy().without_waiting(),
        **options,  # type: ignore[arg-type]
    )


async def test_a_derived_client_shares_the_pool_and_the_login() -> None:
    """Both clients go through one httpx client: one login serves them both."""
    transport, seen = wxm()
    async with client_on(transport) as client:
        derived = client.with_options(timeout=300)
        assert derived.http is client.http
        await client.request("GET", "/api/Profile")
        await derived.request("GET", "/api/Profile")
    assert sum(is_login(request) for request in seen) == 1


async def test_closing_a_derived_client_leaves_the_original_open() -> None:
    """Closing (or dropping) the derived client closes nothing; the original owns it all."""
    transport, _ = wxm()
    async with client_on(transport) as client:
        async with client.with_options(retries=RetryPolicy.off()) as derived:
            await derived.request("GET", "/api/Profile")
        await derived.aclose()
        client.with_options(max_concurrency=2)
        gc.collect()
        assert not client.http.is_closed
        assert await client.request("GET", "/api/Profile") == PROFILE
    assert client.http.is_closed


async def test_the_timeout_applies_to_the_derived_calls_and_their_login() -> None:
    """A derived client's timeout goes with each of its requests, the login included."""
    transport, seen = wxm()
    async with client_on(transport, timeout=5.0) as client:
        await client.with_options(timeout=httpx.Timeout(300, connect=7)).request(
            "GET", "/api/Profile"
        )
        await client.request("GET", "/api/Profile")
    login, slow, usual = seen
    assert is_login(login)
    for request in (login, slow):
        assert request.extensions["timeout"] == httpx.Timeout(300, connect=7).as_dict()
    assert usual.extensions["timeout"] == httpx.Timeout(5.0).as_dict()


async def test_the_derived_retry_policy_is_its_own() -> None:
    """A derived client without retries fails at once; the original still retries."""
    transport, _ = wxm([503, 503])
    async with client_on(transport) as client:
        with pytest.raises(ServerError):
            await client.with_options(retries=RetryPolicy.off()).request("GET", "/api/Profile")
        assert await client.request("GET", "/api/Profile") == PROFILE


async def test_a_derived_max_concurrency_bounds_its_own_calls() -> None:
    """With max_concurrency=1 the derived client sends one call at a time."""
    in_flight = peak = 0
    release = anyio.Event()

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        if is_login(request):
            return httpx.Response(200, json=token_answer("tok-1"))
        in_flight += 1
        peak = max(peak, in_flight)
        await release.wait()
        in_flight -= 1
        return httpx.Response(200, json=PROFILE)

    transport, _ = recording(handle)
    async with client_on(transport) as client, anyio.create_task_group() as tg:
        batch = client.with_options(max_concurrency=1)
        for _ in range(4):
            tg.start_soon(batch.request, "GET", "/api/Profile")
        await anyio.wait_all_tasks_blocked()
        assert in_flight == 1
        tg.start_soon(client.request, "GET", "/api/Profile")  # the original is not bound
        await anyio.wait_all_tasks_blocked()
        assert in_flight == 2
        release.set()
    assert peak == 2


def test_max_concurrency_of_a_derived_client_must_be_positive() -> None:
    """A derived limit of zero could never send anything."""
    client = WXMClient(auth=WXMAuth("demo", "pw"))
    with pytest.raises(ConfigurationError, match="max_concurrency"):
        client.with_options(max_concurrency=0)
