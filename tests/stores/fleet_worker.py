"""A worker process of a test fleet: one WXMAuth with a shared store, in its own process.

Run by the cross-process tests with ``sys.executable``::

    python tests/stores/fleet_worker.py storm STORE BASE_URL REQUESTS [PASSWORD]
    python tests/stores/fleet_worker.py hold STORE BASE_URL

``STORE`` is ``file:<path>`` or ``redis:<url>``. ``storm`` sends REQUESTS concurrent
GETs and prints one JSON line: the status codes and error class names it saw.
``hold`` takes the store's turn to log in, prints ``holding``, and waits to be killed:
a process that dies mid-login.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import anyio
import httpx

from wxm_async import WXMAuth, WXMError
from wxm_async.stores import FileTokenStore, LoginTurn, RedisTokenStore
from wxm_async.testing import FAKE_PASSWORD, FAKE_USERNAME

USERNAME = FAKE_USERNAME  # the fake's default account
PASSWORD = FAKE_PASSWORD


def make_store(spec: str, base_url: str) -> FileTokenStore | RedisTokenStore:
    kind, _, where = spec.partition(":")
    if kind == "file":
        return FileTokenStore(where)
    return RedisTokenStore(where, base_url=base_url, username=USERNAME, lease=2.0)


async def storm(
    store: FileTokenStore | RedisTokenStore, base_url: str, n: int, password: str
) -> None:
    seen: Counter[str] = Counter()

    async def call(http: httpx.AsyncClient) -> None:
        try:
            seen[str((await http.get("/api/Questions/Active")).status_code)] += 1
        except (WXMError, httpx.TransportError) as error:
            seen[type(error).__name__] += 1

    auth = WXMAuth(USERNAME, password, store=store)
    limits = httpx.Limits(max_connections=20)
    timeout = httpx.Timeout(30.0, pool=None)
    async with (
        httpx.AsyncClient(base_url=base_url, auth=auth, limits=limits, timeout=timeout) as http,
        anyio.create_task_group() as tg,
    ):
        for _ in range(n):
            tg.start_soon(call, http)
    print(json.dumps(dict(seen)), flush=True)


async def hold(store: FileTokenStore | RedisTokenStore) -> None:
    turn = await store.claim(None, 0.0)
    assert isinstance(turn, LoginTurn)
    print("holding", flush=True)
    await anyio.sleep_forever()


async def main(argv: list[str]) -> None:
    mode, spec, base_url = argv[:3]
    store = make_store(spec, base_url)
    try:
        if mode == "storm":
            await storm(store, base_url, int(argv[3]), argv[4] if len(argv) > 4 else PASSWORD)
        else:
            await hold(store)
    finally:
        await store.aclose()


if __name__ == "__main__":
    anyio.run(main, sys.argv[1:])
