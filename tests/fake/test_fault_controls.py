"""The fake WXM's fault controls and rate limit: errors, drops, slow streams, delays, 429s."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import anyio
import httpx
import pytest

from wxm_async import ServerError, WXMAuth
from wxm_async.testing import FakeWXM, RateLimit

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME, ManualClock, Server

pytestmark = pytest.mark.anyio

ACTIVE = "/api/Questions/Active"


@pytest.fixture
async def http(server: Server, auth: WXMAuth) -> AsyncIterator[httpx.AsyncClient]:
    async with server.client(auth) as client:
        yield client


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (429, "API calls quota exceeded! Try again later."),
        (500, "An error has occurred."),
        (502, "Bad Gateway"),
        (503, "The service is unavailable."),
    ],
)
async def test_fail_next_answers_the_next_requests_with_a_status(
    http: httpx.AsyncClient, fake: FakeWXM, status: int, message: str
) -> None:
    """The next N requests get the status and a {"message"} body; then the route works again."""
    fake.fail_next(2, status=status)
    for _ in range(2):
        failed = await http.get(ACTIVE)
        assert (failed.status_code, failed.json()) == (status, {"message": message})
        assert "retry-after" not in failed.headers
    assert (await http.get(ACTIVE)).status_code == 200
    assert fake.requests[f"GET {ACTIVE}"] == 3


async def test_retry_after_in_seconds_or_as_a_date(http: httpx.AsyncClient, fake: FakeWXM) -> None:
    """retry_after=seconds sends whole seconds, rounded up; a datetime sends an HTTP date."""
    fake.fail_next(status=429, retry_after=1.2)
    assert (await http.get(ACTIVE)).headers["retry-after"] == "2"
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    fake.fail_next(status=429, retry_after=when)
    header = (await http.get(ACTIVE)).headers["retry-after"]
    assert header == "Wed, 02 Jan 2030 03:04:05 GMT"
    assert parsedate_to_datetime(header) == when


async def test_faults_match_routes_by_method_template_or_glob(
    http: httpx.AsyncClient, fake: FakeWXM
) -> None:
    """A fault hits only routes its pattern names: method and template, or a path glob."""
    fake.fail_next(route="POST /api/answers/page/{page}/{rows}", status=500)
    fake.fail_next(route="/api/DeliveryPlan*", status=502)
    fake.fail_next(route="POST /api/Profile", status=503)  # no such route: never used
    assert (await http.get("/api/Profile")).status_code == 200
    assert (await http.post("/api/answers/count", json={})).status_code == 200
    assert (await http.post("/api/Answers/Page/0/10", json={})).status_code == 500
    assert (await http.get("/api/deliveryplan/plan-1")).status_code == 502
    assert (await http.post("/api/answers/page/0/10", json={})).status_code == 200
    assert (await http.get("/api/DeliveryPlan")).status_code == 200


async def test_a_fault_for_any_route_spares_the_login(
    http: httpx.AsyncClient, fake: FakeWXM
) -> None:
    """route=None hits the API routes, not the login, which has its own controls."""
    fake.fail_next(status=503)
    assert (await http.get(ACTIVE)).status_code == 503  # logged in first, then failed
    assert fake.logins == 1
    fake.fail_next(route="POST /api/LoginToken", status=503)
    fake.revoke_all_tokens()
    with pytest.raises(ServerError, match="503"):  # the login for the 401's replay failed
        await http.get(ACTIVE)
    assert fake.requests["POST /api/LoginToken"] == 2


async def test_a_raw_body_and_clear_faults(http: httpx.AsyncClient, fake: FakeWXM) -> None:
    """raw= sends bytes as text/html; clear_faults() forgets what is queued."""
    fake.fail_next(status=502, raw=b"<html>Bad Gateway</html>")
    failed = await http.get(ACTIVE)
    assert (failed.headers["content-type"], failed.text) == (
        "text/html",
        "<html>Bad Gateway</html>",
    )
    fake.fail_next(5, status=500)
    fake.drop_next(5)
    fake.clear_faults()
    assert (await http.get(ACTIVE)).status_code == 200


async def test_a_dropped_connection_is_a_transport_error(
    server: Server, fake: FakeWXM, auth: WXMAuth
) -> None:
    """drop_next: in process and over a socket, the client sees httpx.RemoteProtocolError."""
    async with server.client(auth) as http:
        await http.get(ACTIVE)  # log in first
        fake.drop_next(route=f"GET {ACTIVE}")
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get(ACTIVE)
        assert (await http.get(ACTIVE)).status_code == 200
    assert fake.requests[f"GET {ACTIVE}"] == 3


async def test_a_slow_stream_arrives_whole(server: Server, fake: FakeWXM, auth: WXMAuth) -> None:
    """slow_next sends the body in chunks with pauses; the client still gets valid JSON."""
    fake.slow_next(route=f"GET {ACTIVE}", chunk_size=200, delay=0.02)
    async with server.client(auth) as http:
        expected = (await http.get("/api/questions")).json()[:5]
        started = anyio.current_time()
        async with http.stream("GET", ACTIVE) as response:
            chunks = [chunk async for chunk in response.aiter_raw()]
        elapsed = anyio.current_time() - started
    body = b"".join(chunks)
    assert json.loads(body) == expected
    pauses = (len(body) - 1) // 200
    assert pauses >= 5
    assert elapsed >= pauses * 0.02  # the fake slept between chunks
    if server.transport is None:  # over a socket the chunks arrive one by one
        assert len(chunks) > 1


async def test_delay_next_holds_a_login_over_a_socket(
    server: Server, fake: FakeWXM, auth: WXMAuth
) -> None:
    """delay_next on the login route delays it, in process and over loopback."""
    fake.delay_next(route="POST /api/LoginToken", seconds=0.2)
    async with server.client(auth) as http:
        started = anyio.current_time()
        assert (await http.get(ACTIVE)).status_code == 200
        assert anyio.current_time() - started >= 0.2
    assert fake.logins == 1


async def test_fault_arguments_are_checked(fake: FakeWXM) -> None:
    """A count below 1 is a ValueError, not a silent no-op."""
    with pytest.raises(ValueError, match="count"):
        fake.fail_next(0)


# -- the rate limit ----------------------------------------------------------------------


def rate_limited_fake(clock: ManualClock, **limit: object) -> FakeWXM:
    return FakeWXM(clock=clock, rate_limit=RateLimit(requests=3, per=10.0, **limit))  # type: ignore[arg-type]


def client_of(
    fake: FakeWXM, username: str = USERNAME, password: str = PASSWORD
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=fake.transport(), base_url=IN_PROCESS_URL, auth=WXMAuth(username, password)
    )


async def test_the_rate_limit_answers_429_with_retry_after_seconds(clock: ManualClock) -> None:
    """Past N requests in a window: 429 with Retry-After to the window's end; then it reopens."""
    fake = rate_limited_fake(clock)
    async with client_of(fake) as http:
        assert [(await http.get(ACTIVE)).status_code for _ in range(3)] == [200] * 3
        clock.advance(2.5)
        limited = await http.get(ACTIVE)
        assert limited.status_code == 429
        assert limited.json() == {"message": "API calls quota exceeded! Try again later."}
        assert limited.headers["retry-after"] == "8"
        clock.advance(7.5)
        assert (await http.get(ACTIVE)).status_code == 200
    assert fake.rate_limited == 1
    assert fake.logins == 1  # the login is not limited


async def test_the_rate_limit_can_send_a_date_or_no_header(clock: ManualClock) -> None:
    """RateLimit(retry_after="date") sends an HTTP date; None sends no Retry-After."""
    fake = rate_limited_fake(clock, retry_after="date")
    async with client_of(fake) as http:
        for _ in range(3):
            await http.get(ACTIVE)
        header = (await http.get(ACTIVE)).headers["retry-after"]
        assert parsedate_to_datetime(header) > datetime.now(UTC)
        fake.rate_limit = RateLimit(requests=1, per=10.0, retry_after=None)
        clock.advance(10)
        await http.get(ACTIVE)
        limited = await http.get(ACTIVE)
        assert limited.status_code == 429
        assert "retry-after" not in limited.headers
        fake.rate_limit = None
        assert (await http.get(ACTIVE)).status_code == 200


async def test_the_rate_limit_counts_each_user_apart(clock: ManualClock) -> None:
    """One user's requests don't use up another's."""
    fake = FakeWXM(
        accounts={"demo": "pw", "other": "pw2"},
        clock=clock,
        rate_limit=RateLimit(requests=1, per=10.0),
    )
    async with client_of(fake, "demo", "pw") as demo, client_of(fake, "other", "pw2") as other:
        assert (await demo.get(ACTIVE)).status_code == 200
        assert (await other.get(ACTIVE)).status_code == 200
        assert (await demo.get(ACTIVE)).status_code == 429


async def test_the_rate_limit_works_over_a_socket(clock: ManualClock) -> None:
    """Over loopback too, the fourth request in a window is a 429 with Retry-After."""
    fake = rate_limited_fake(clock)
    from wxm_async.testing import serve

    async with (
        serve(fake) as base_url,
        httpx.AsyncClient(base_url=base_url, auth=WXMAuth(USERNAME, PASSWORD)) as http,
    ):
        statuses = [(await http.get(ACTIVE)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_rate_limit_needs_positive_numbers() -> None:
    """RateLimit(requests=0) or per <= 0 is a ValueError."""
    with pytest.raises(ValueError, match="requests"):
        RateLimit(requests=0)
    with pytest.raises(ValueError, match="per"):
        RateLimit(per=0)
