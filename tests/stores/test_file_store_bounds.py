"""FileTokenStore trusts no file it did not write: size, nesting, symlinks, permissions."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from wxm_async import TokenStoreError
from wxm_async.stores import FileTokenStore
from wxm_async.testing import FakeWXM

from ..conftest import store_client

pytestmark = pytest.mark.anyio


def planted(path: Path, data: bytes, mode: int = 0o600) -> Path:
    path.write_bytes(data)
    path.chmod(mode)
    return path


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize(
    "data",
    [b"[" * 60_000, b'{"version": 1, "token": ' + b"[" * 30_000 + b"]" * 30_000 + b"}"],
    ids=["nested list", "nested inside a record"],
)
async def test_a_deeply_nested_token_file_is_ignored_with_a_warning(
    fake: FakeWXM, tmp_path: Path, caplog: pytest.LogCaptureFixture, data: bytes
) -> None:
    """JSON nested past the parser's depth is a corrupt record: a warning and a login."""
    path = planted(tmp_path / "token", data)
    async with store_client(fake, FileTokenStore(path)) as http:
        assert (await http.get("/api/Profile")).status_code == 200
    assert fake.logins == 1
    assert any("could not decode the token file" in w for w in warnings_of(caplog))


async def test_a_huge_token_file_is_ignored_unread(
    fake: FakeWXM, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A token file over 64 KiB ("[" * 100,000, say) is ignored unread, and replaced."""
    path = planted(tmp_path / "token", b"[" * 100_000)
    async with store_client(fake, FileTokenStore(path)) as http:
        assert (await http.get("/api/Profile")).status_code == 200
    assert fake.logins == 1
    assert any("larger than 65536 bytes" in w for w in warnings_of(caplog))
    assert path.stat().st_size < 64 * 1024


async def test_a_symlink_planted_at_the_lock_path_is_not_followed(
    fake: FakeWXM, tmp_path: Path
) -> None:
    """A symlink at <token file>.lock is refused; its target is never created."""
    target = tmp_path / "elsewhere" / "victim"
    target.parent.mkdir()
    (tmp_path / "token.lock").symlink_to(target)
    async with store_client(fake, FileTokenStore(tmp_path / "token")) as http:
        with pytest.raises(TokenStoreError, match=r"token\.lock.*symbolic link"):
            await http.get("/api/Profile")
    assert not target.exists()
    assert fake.login_attempts == 0


async def test_a_symlink_at_the_token_file_is_not_followed(fake: FakeWXM, tmp_path: Path) -> None:
    """A symlink at the token file is refused, not read through."""
    elsewhere = planted(tmp_path / "elsewhere", b"{}")
    (tmp_path / "token").symlink_to(elsewhere)
    async with store_client(fake, FileTokenStore(tmp_path / "token")) as http:
        with pytest.raises(TokenStoreError, match="symbolic link"):
            await http.get("/api/Profile")
    assert fake.login_attempts == 0


async def test_a_fifo_at_the_token_file_is_refused_without_blocking(
    fake: FakeWXM, tmp_path: Path
) -> None:
    """A FIFO planted at the token file is refused at once; opening it does not hang."""
    os.mkfifo(tmp_path / "token", 0o600)
    async with store_client(fake, FileTokenStore(tmp_path / "token")) as http:
        with pytest.raises(TokenStoreError, match="not a regular file"):
            await http.get("/api/Profile")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o620, 0o602, 0o666])
async def test_a_token_file_others_can_touch_is_refused(
    fake: FakeWXM, tmp_path: Path, mode: int
) -> None:
    """A token file readable or writable by group or others is refused, as ssh refuses keys."""
    path = tmp_path / "token"
    async with store_client(fake, FileTokenStore(path)) as http:
        await http.get("/api/Profile")
    path.chmod(mode)
    async with store_client(fake, FileTokenStore(path)) as http:
        with pytest.raises(TokenStoreError, match=rf"group or others .*mode {mode:04o}.*chmod 600"):
            await http.get("/api/Profile")
    assert fake.logins == 1
    assert stat_mode(path) == mode  # refused, not silently changed


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


async def test_a_world_writable_directory_without_the_sticky_bit_is_refused(
    fake: FakeWXM, tmp_path: Path
) -> None:
    """A directory anyone may write to (not sticky) is refused: anyone could swap the file."""
    directory = tmp_path / "open"
    directory.mkdir()
    directory.chmod(0o777)
    async with store_client(fake, FileTokenStore(directory / "token")) as http:
        with pytest.raises(TokenStoreError, match="writable by everyone without the sticky bit"):
            await http.get("/api/Profile")
    directory.chmod(0o1777)  # like /tmp: others cannot replace our files
    async with store_client(fake, FileTokenStore(directory / "token")) as http:
        assert (await http.get("/api/Profile")).status_code == 200
