"""The failure window across a fleet: rejections in a row are counted in the shared record.

Each store made here stands for a process; they share nothing but the file or Redis.
A wrong password must back the whole fleet off as it backs one process off (30 s,
doubling up to ``max_failure_window``), whichever process happens to try: otherwise N
processes taking turns make about N times more attempts, and WXM locks the account.
Clocks are manual (the auth's monotonic clock and the stores' wall clock): no test sleeps.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wxm_async import AuthenticationError, WXMAuth
from wxm_async.stores import TokenStore
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME, ManualClock
from .test_store_contract import Place

pytestmark = pytest.mark.anyio

CASES = [("file", "asyncio"), ("file", "trio"), ("redis", "asyncio")]


class Fleet(Place):
    """Stores standing for processes on one file or one Redis namespace, on shared clocks."""

    def __init__(self, kind: str, tmp_path: Path, redis_url: str | None) -> None:
        super().__init__(kind, tmp_path, redis_url)
        self.clock = ManualClock()  # the auths' monotonic clock
        self.wall = ManualClock(1_800_000_000.0)  # the stores' wall clock
        self.wall_clock = self.wall  # every store made here, with the default windows

    def client(self, fake: FakeWXM, store: TokenStore, password: str) -> httpx.AsyncClient:
        auth = WXMAuth(USERNAME, password, store=store, clock=self.clock)
        return httpx.AsyncClient(transport=fake.transport(), base_url=IN_PROCESS_URL, auth=auth)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.wall.advance(seconds)

    async def failure(self) -> dict[str, Any]:
        """The shared failure record as JSON (the document's version checked)."""
        if self.kind == "file":
            raw: Any = self.path.read_bytes()
        else:
            async with self._redis() as redis:
                raw = await redis.get(f"{self.namespace}:failure")
        document = json.loads(raw)
        assert document["version"] == 1
        failure: dict[str, Any] = document["failure"]
        return failure

    async def plant(self, failure: dict[str, Any]) -> None:
        """Write a failure record as a peer (or an attacker) could, kept for a day."""
        raw = json.dumps({"version": 1, "failure": failure})
        if self.kind == "file":
            self.path.write_text(raw)
            self.path.chmod(0o600)
        else:
            async with self._redis() as redis:
                await redis.set(f"{self.namespace}:failure", raw, px=86_400_000)

    async def failure_ttl(self) -> float:
        """The Redis failure key's time to live, in seconds."""
        async with self._redis() as redis:
            return float(await redis.pttl(f"{self.namespace}:failure")) / 1000


@pytest.fixture(params=CASES, ids=[f"{kind}-{loop}" for kind, loop in CASES])
def case(request: pytest.FixtureRequest) -> tuple[str, str]:
    kind, loop = request.param
    return kind, loop


@pytest.fixture
def anyio_backend(case: tuple[str, str]) -> str:
    return case[1]


@pytest.fixture
async def fleet(
    case: tuple[str, str], tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Fleet]:
    redis_url = request.getfixturevalue("redis_url") if case[0] == "redis" else None
    fleet = Fleet(case[0], tmp_path, redis_url)
    try:
        yield fleet
    finally:
        await fleet.aclose()


async def rejected_window(fleet: Fleet, http: httpx.AsyncClient) -> float:
    """Make one request that a wrong password fails; return the window it shared."""
    with pytest.raises(AuthenticationError):
        await http.get("/api/Profile")
    failure = await fleet.failure()
    return float(failure["until"] - failure["since"])


@pytest.mark.parametrize("processes", [2, 4])
async def test_processes_taking_turns_double_the_window_as_one_process_does(
    fleet: Fleet, fake: FakeWXM, processes: int
) -> None:
    """N processes taking turns with a wrong password back off 30, 60, 120 ... 600 s."""
    https = [fleet.client(fake, fleet.store(), "wrong") for _ in range(processes)]
    windows = []
    for turn in range(8):
        windows.append(await rejected_window(fleet, https[turn % processes]))
        assert fake.login_attempts == turn + 1
        fleet.advance(windows[-1])  # the window ends; the next process tries
    for http in https:
        await http.aclose()
    assert windows == [30, 60, 120, 240, 480, 600, 600, 600]


async def test_within_the_window_no_process_tries(fleet: Fleet, fake: FakeWXM) -> None:
    """A doubled window, shared, holds back every process until its own end."""
    https = [fleet.client(fake, fleet.store(), "wrong") for _ in range(3)]
    for http in https[:2]:
        await rejected_window(fleet, http)
        fleet.advance(30)
    # The second rejection opened 60 s: 30 s in, the third process does not try.
    with pytest.raises(AuthenticationError):
        await https[2].get("/api/Profile")
    assert fake.login_attempts == 2
    fleet.advance(30)
    assert await rejected_window(fleet, https[2]) == 120
    for http in https:
        await http.aclose()


async def test_a_success_anywhere_resets_the_count_for_every_process(
    fleet: Fleet, fake: FakeWXM
) -> None:
    """After one process logs in, the next rejection anywhere opens the first window again."""
    wrong = [fleet.client(fake, fleet.store(), "wrong") for _ in range(2)]
    for http in wrong:
        await rejected_window(fleet, http)
        fleet.advance(60)
    async with fleet.client(fake, fleet.store(), PASSWORD) as right:
        assert (await right.get("/api/Profile")).status_code == 200
    fake.revoke_all_tokens()  # the first process adopts the token, meets a 401, logs in
    assert await rejected_window(fleet, wrong[0]) == 30
    assert (await fleet.failure())["rejections"] == 1
    for http in wrong:
        await http.aclose()


async def test_clear_login_failure_starts_the_count_over(fleet: Fleet, fake: FakeWXM) -> None:
    """clear_login_failure() forgives the fleet's count too: the next rejection opens 30 s."""
    https = [fleet.client(fake, fleet.store(), "wrong") for _ in range(2)]
    assert await rejected_window(fleet, https[0]) == 30
    fleet.advance(30)
    assert await rejected_window(fleet, https[1]) == 60
    auth = https[0].auth
    assert isinstance(auth, WXMAuth)
    auth.clear_login_failure()
    fleet.advance(1)
    assert await rejected_window(fleet, https[0]) == 30
    assert (await fleet.failure())["rejections"] == 1
    for http in https:
        await http.aclose()


@pytest.mark.parametrize(
    ("count", "window", "written"),
    [
        (-7, 30, 1),  # a negative count must not shrink the window to nothing
        (10**30, 600, 64),
        (1e308, 600, 64),
        ("12", 600, 13),
        (None, 60, 2),  # a record of an older version: one rejection, counted
    ],
    ids=["negative", "10**30", "1e308", "digits", "absent"],
)
async def test_a_planted_count_is_bounded_by_the_longest_window(
    fleet: Fleet, fake: FakeWXM, count: object, window: float, written: int
) -> None:
    """A planted or old count keeps the window within 30..600 s and the count bounded."""
    planted = {
        "message": "WXM rejected the login",
        "url": "https://wxm.test/api/LoginToken",
        "statusCode": 400,
        "since": fleet.wall.now - 100,
        "until": fleet.wall.now - 70,  # ended: a login is tried
    }
    if count is not None:
        planted["rejections"] = count
    await fleet.plant(planted)
    async with fleet.client(fake, fleet.store(), "wrong") as http:
        assert await rejected_window(fleet, http) == window
    assert (await fleet.failure())["rejections"] == written
    assert fake.login_attempts == 1


@pytest.mark.parametrize("count", [True, "NaN", "many", [3]])
async def test_a_count_of_another_kind_is_ignored_with_its_record(
    fleet: Fleet, fake: FakeWXM, count: object
) -> None:
    """A count that is not a whole number makes the record unreadable: ignored, a login."""
    await fleet.plant(
        {
            "message": "m",
            "url": "https://wxm.test/api/LoginToken",
            "statusCode": 400,
            "since": fleet.wall.now,
            "until": fleet.wall.now + 30,
            "rejections": count,
        }
    )
    async with fleet.client(fake, fleet.store(), "wrong") as http:
        assert await rejected_window(fleet, http) == 30
    assert (await fleet.failure())["rejections"] == 1
    assert fake.login_attempts == 1


@pytest.mark.parametrize(("ended", "window"), [(86_399, 120), (86_401, 30)])
async def test_a_count_is_kept_a_day_past_its_window(
    fleet: Fleet, fake: FakeWXM, ended: float, window: float
) -> None:
    """Two rejections whose window ended under a day ago double the next; over a day, not."""
    await fleet.plant(
        {
            "message": "m",
            "url": "https://wxm.test/api/LoginToken",
            "statusCode": 400,
            "since": fleet.wall.now - ended - 60,
            "until": fleet.wall.now - ended,
            "rejections": 2,
        }
    )
    async with fleet.client(fake, fleet.store(), "wrong") as http:
        assert await rejected_window(fleet, http) == window


@pytest.mark.parametrize("case", [("redis", "asyncio")])
async def test_the_redis_failure_key_outlives_its_window(fleet: Fleet, fake: FakeWXM) -> None:
    """Redis keeps the failure past its window, so that the count is there at the next try."""
    async with fleet.client(fake, fleet.store(), "wrong") as http:
        assert await rejected_window(fleet, http) == 30
    assert await fleet.failure_ttl() > 30 + 3600
