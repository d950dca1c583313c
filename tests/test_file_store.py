"""FileTokenStore: one token and one login for the processes of a host, in a file.

Here each ``FileTokenStore`` stands for a process: two stores on one path share
nothing but the file and its lock, as two processes would. ``test_fleet.py`` runs real
processes; ``test_store_contract.py`` what every store promises (one login, a shared
rejection, waiting for another's login), here only what the file adds.
"""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import anyio
import httpx
import pytest

from wxm_async import (
    AuthenticationError,
    ConfigurationError,
    TokenStoreError,
    WXMError,
)
from wxm_async.stores import FileTokenStore, LoginTurn
from wxm_async.testing import FakeWXM

from .conftest import PASSWORD, ManualClock, store_client

pytestmark = pytest.mark.anyio


async def results(http: httpx.AsyncClient, n: int) -> list[int | str]:
    """Send ``n`` concurrent GETs; return their statuses or error class names."""
    seen: list[int | str] = []

    async def call() -> None:
        try:
            seen.append((await http.get("/api/Profile")).status_code)
        except WXMError as error:
            seen.append(type(error).__name__)

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(call)
    return seen


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


async def test_the_token_file_is_owner_only_and_holds_no_password(
    fake: FakeWXM, tmp_path: Path
) -> None:
    """The file is mode 0o600, versioned, and holds the token but never the password."""
    path = tmp_path / "token"
    store = FileTokenStore(path)
    async with store_client(fake, store) as http:
        await http.get("/api/Profile")
    token = store.current()
    assert token is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.with_name("token.lock").stat().st_mode) == 0o600
    text = path.read_text()
    assert PASSWORD not in text
    document = json.loads(text)
    assert document["version"] == 1
    assert document["token"]["token"]["access_token"] == token.token.access_token
    assert _names(tmp_path) == ["token", "token.lock"]  # no temporary file left
    assert token.token.access_token not in repr(store)


async def test_a_token_another_process_refreshed_is_used_in_the_refresh_window(
    clock: ManualClock, tmp_path: Path
) -> None:
    """Due for refresh, a store takes the token another store already refreshed."""
    wall = ManualClock(1_700_000_000.0)
    fake = FakeWXM(token_lifetime=1000, clock=clock)
    path = tmp_path / "token"
    stores = [FileTokenStore(path, wall_clock=wall) for _ in range(2)]
    https = [store_client(fake, store, clock=clock) for store in stores]
    await https[0].get("/api/Profile")
    await https[1].get("/api/Profile")
    clock.advance(950)  # past the refresh (at 900) but before expiry (999)
    wall.advance(950)
    await https[0].get("/api/Profile")  # refreshes
    assert fake.logins == 2
    await https[1].get("/api/Profile")  # finds the new token in the file
    assert fake.logins == 2
    one, two = stores[0].current(), stores[1].current()
    assert one is not None
    assert two is not None
    assert one.token == two.token
    assert two.refresh_at == pytest.approx(one.refresh_at, abs=1.0)
    for http in https:
        await http.aclose()


async def test_a_shared_failure_ends_with_its_window(fake: FakeWXM, tmp_path: Path) -> None:
    """After the failure window, a store tries to log in again; a success clears it."""
    wall = ManualClock(1_700_000_000.0)
    path = tmp_path / "token"
    async with store_client(
        fake, FileTokenStore(path, failure_window=30, wall_clock=wall), "wrong"
    ) as a:
        with pytest.raises(AuthenticationError):
            await a.get("/api/Profile")
    store = FileTokenStore(path, failure_window=30, wall_clock=wall)
    async with store_client(fake, store) as b:
        wall.advance(29)
        with pytest.raises(AuthenticationError):
            await b.get("/api/Profile")
        assert fake.login_attempts == 1
        wall.advance(2)
        assert (await b.get("/api/Profile")).status_code == 200
    assert (fake.login_attempts, fake.logins) == (2, 1)
    assert json.loads(path.read_text()).get("failure") is None  # cleared


async def test_a_corrupt_token_file_is_ignored_and_replaced(
    fake: FakeWXM, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A file that does not decode is logged (without its content) and replaced by a login."""
    path = tmp_path / "token"
    path.write_text('{"version": 1, "token": {"token": {"access_token": "leaked?"}}}')
    path.chmod(0o600)
    async with store_client(fake, FileTokenStore(path)) as http:
        assert (await http.get("/api/Profile")).status_code == 200
    assert fake.logins == 1
    assert json.loads(path.read_text())["token"]["token"]["access_token"] != "leaked?"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("could not decode the token file" in w and "expires" in w for w in warnings)
    assert not any("leaked?" in w for w in warnings)


async def test_a_file_of_another_version_is_not_trusted(fake: FakeWXM, tmp_path: Path) -> None:
    """A document with another version number is ignored, never half-read."""
    path = tmp_path / "token"
    async with store_client(fake, FileTokenStore(path)) as http:
        await http.get("/api/Profile")
    document = json.loads(path.read_text())
    document["version"] = 2
    path.write_text(json.dumps(document))
    async with store_client(fake, FileTokenStore(path)) as http:
        await http.get("/api/Profile")
    assert fake.logins == 2


async def test_an_unusable_location_raises_token_store_error(fake: FakeWXM, tmp_path: Path) -> None:
    """A token file in a missing directory: every waiting request gets TokenStoreError."""
    path = tmp_path / "missing" / "token"
    async with store_client(fake, FileTokenStore(path)) as http:
        with pytest.raises(
            TokenStoreError, match=r"could not open the lock file .*missing/token\.lock"
        ):
            await http.get("/api/Profile")
        assert await results(http, 20) == ["TokenStoreError"] * 20
        assert fake.login_attempts == 0
        path.parent.mkdir()
        assert (await http.get("/api/Profile")).status_code == 200


async def test_a_cancelled_waiter_does_not_keep_the_lock(fake: FakeWXM, tmp_path: Path) -> None:
    """A store cancelled while it waits for the lock leaves it free for the next login."""
    path = tmp_path / "token"
    leader = FileTokenStore(path)
    turn = await leader.claim(None, 0.0)
    assert isinstance(turn, LoginTurn)
    with anyio.move_on_after(0.05):  # cancels the waiter, whatever point it reached
        await FileTokenStore(path).claim(None, 0.0)
    await leader.settle(turn, None)  # abandoned: the lock is free again
    async with store_client(fake, FileTokenStore(path)) as http:
        with anyio.fail_after(10):  # a hang guard: a leaked lock would block here
            assert (await http.get("/api/Profile")).status_code == 200
    assert fake.logins == 1


async def test_a_write_that_fails_midway_leaves_the_old_file_whole(
    fake: FakeWXM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Write-then-rename: a write that fails before the rename leaves the old token, no debris."""
    path = tmp_path / "token"
    async with store_client(fake, FileTokenStore(path)) as http:
        await http.get("/api/Profile")
    before = path.read_bytes()

    def fail(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", fail)  # the disk fills up while the new token is written
    fake.revoke_all_tokens()
    async with store_client(fake, FileTokenStore(path)) as http:
        assert (await http.get("/api/Profile")).status_code == 200  # the login still serves
    assert fake.logins == 2
    assert path.read_bytes() == before
    assert _names(tmp_path) == ["token", "token.lock"]
    assert any("No space left on device" in r.getMessage() for r in caplog.records)


def test_without_flock_the_constructor_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where there is no fcntl (Windows), FileTokenStore refuses with a clear error."""
    monkeypatch.setattr("wxm_async._stores._file.fcntl", None)
    with pytest.raises(ConfigurationError, match=r"needs fcntl\.flock, which Windows lacks"):
        FileTokenStore(tmp_path / "token")
