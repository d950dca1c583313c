"""The how-to's store on another database, written on ``SharedTokenStore`` alone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

from wxm_async import AuthenticationError
from wxm_async.stores import TokenStore
from wxm_async.testing import FakeWXM

from ..conftest import store_client
from ..helpers import storm

pytestmark = pytest.mark.anyio


DOCS = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "shared-token-stores.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def documented_store() -> Any:
    """The ``DatabaseTokenStore`` of the shared-store how-to, as a user would copy it."""
    [code] = [c for c in BLOCK.findall(DOCS.read_text("utf-8")) if "(SharedTokenStore)" in c]
    namespace: dict[str, Any] = {}
    exec(compile(code, "shared-token-stores.md", "exec"), namespace)
    return namespace["DatabaseTokenStore"]


class Lease:
    def __init__(self, lock: anyio.Lock) -> None:
        self.lock = lock

    async def release(self) -> None:
        self.lock.release()


class Database:
    """Stands for any database two processes share: rows and a lock per row."""

    def __init__(self) -> None:
        self.rows: dict[str, bytes] = {}
        self.locks: dict[str, anyio.Lock] = {}

    async def get(self, key: str) -> bytes | None:
        await anyio.lowlevel.checkpoint()
        return self.rows.get(key)

    async def put(self, key: str, data: bytes) -> None:
        await anyio.lowlevel.checkpoint()
        self.rows[key] = data

    async def lock(self, key: str) -> Lease:
        lock = self.locks.setdefault(key, anyio.Lock())
        await lock.acquire()
        return Lease(lock)


def database_store(database: Database, **options: object) -> TokenStore:
    store: TokenStore = documented_store()(database, "wxm-token", **options)
    return store


async def test_two_processes_on_a_custom_store_log_in_once() -> None:
    """Two clients whose stores share one database: forty calls, one login."""
    fake = FakeWXM()
    database = Database()
    stores: list[TokenStore] = [database_store(database), database_store(database)]
    first, second = (store_client(fake, store) for store in stores)
    async with first, second, anyio.create_task_group() as tg:
        for http in (first, second):
            tg.start_soon(storm, http, 20)
    assert fake.logins == 1
    assert b"access_token" in database.rows["wxm-token"]  # the record, unencrypted


async def test_a_rejected_login_is_shared_through_the_custom_store() -> None:
    """The second process raises the first one's rejection without trying again."""
    fake = FakeWXM()
    database = Database()
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            async with store_client(fake, database_store(database), "wrong") as http:
                await http.get("/api/Profile")
    assert fake.login_attempts == 1


async def test_the_custom_store_encrypts_at_rest_with_a_key() -> None:
    """Given a key, ``_seal`` hands the database ciphertext, not the token."""
    pytest.importorskip("cryptography")
    from cryptography.fernet import Fernet

    fake = FakeWXM()
    database = Database()
    store = database_store(database, encryption_key=Fernet.generate_key())
    async with store_client(fake, store) as http:
        response = await http.get("/api/Profile")
    assert response.status_code == httpx.codes.OK
    assert b"access_token" not in database.rows["wxm-token"]
