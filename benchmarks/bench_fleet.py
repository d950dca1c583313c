"""Benchmark shared token stores: logins across a fleet of processes.

Run from the repository root (``benchmarks`` extra; ``redis-server`` on the PATH for
the Redis rows)::

    python benchmarks/bench_fleet.py [--processes P] [--requests N] [--lease S]
        [--kill-lease S] [--stores memory,file,redis] [--write-docs]

The fake WXM (``wxm_async.testing.FakeWXM``) is served on 127.0.0.1 by this process.
P worker processes (this script with ``--worker``) each run one ``WXMAuth`` and one
``httpx.AsyncClient``, and send N concurrent ``GET /api/Questions/Active`` when told.
For each store (one ``MemoryTokenStore`` per process, for contrast; one token file; one
Redis), three scenarios, each with a fresh fake and fresh workers:

1. Cold: every worker's storm at once, no token anywhere. Target with a shared store:
   1 login in total, 0 failed requests (in-memory stores: about one per process).
2. Revocation: after the cold storms, the fake revokes every token, then every worker
   storms again. Target: 1 new login in total, 0 failed requests.
3. Killed leader (shared stores only): the first login to reach the fake is held at its
   door; the process that sent it (it holds the file lock or the Redis lease) is killed
   with SIGKILL. Target: the others recover within the lease (Redis, ``--kill-lease``,
   default 5 s) or at once (the kernel drops a dead process's file lock), with 0
   failed requests beyond the killed process's own.

Counts come from the fake's counters. The script reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator, MutableMapping
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx
from _common import (
    DOCS,
    at_least,
    benchmark_parser,
    environment,
    markdown_table,
    progress,
    report,
    run_timed,
)
from anyio.abc import Process
from anyio.streams.buffered import BufferedByteReceiveStream

from wxm_async import WXMAuth
from wxm_async.defaults import DEFAULT_LEASE
from wxm_async.stores import FileTokenStore, MemoryTokenStore, RedisTokenStore, TokenStore
from wxm_async.testing import FakeWXM, serve

PATH = "/api/Questions/Active"
ROUTE = f"GET {PATH}"
USERNAME = "demo"
PASSWORD = "demo-password"
DOCS_PAGE = DOCS / "fleet-benchmark.md"
LIMITS = httpx.Limits(max_connections=20)
TIMEOUT = httpx.Timeout(60.0, pool=None)


# -- the worker process ---------------------------------------------------------------


def make_store(spec: str, base_url: str, lease: float) -> TokenStore:
    kind, _, where = spec.partition(":")
    if kind == "file":
        return FileTokenStore(where)
    if kind == "redis":
        return RedisTokenStore(where, base_url=base_url, username=USERNAME, lease=lease)
    return MemoryTokenStore()


async def worker(spec: str, base_url: str, requests: int, lease: float) -> None:
    """Storm when a line ``storm`` arrives on stdin; print the outcome as a JSON line."""
    store = make_store(spec, base_url, lease)
    auth = WXMAuth(USERNAME, PASSWORD, store=store)
    headers = {"User-Agent": f"bench-fleet/{os.getpid()}"}  # the login carries it too
    stdin = anyio.wrap_file(sys.stdin)
    async with httpx.AsyncClient(
        base_url=base_url, auth=auth, limits=LIMITS, timeout=TIMEOUT, headers=headers
    ) as http:
        print("ready", flush=True)
        while (await stdin.readline()).strip() == "storm":
            seen: Counter[str] = Counter()
            async with anyio.create_task_group() as tg:
                for _ in range(requests):
                    tg.start_soon(one_request, http, seen)
            print(json.dumps(seen), flush=True)
    if isinstance(store, RedisTokenStore):
        await store.aclose()


async def one_request(http: httpx.AsyncClient, seen: Counter[str]) -> None:
    try:
        seen[str((await http.get(PATH)).status_code)] += 1
    except Exception as error:  # a benchmark counts every failure, by its kind
        seen[type(error).__name__] += 1


# -- holding a login at the door ------------------------------------------------------


class LoginDoor:
    """ASGI middleware before the fake: holds the first login while ``armed``.

    The fake's own ``pause_logins()`` works only in the event loop it was made in;
    the server runs in its own thread, so this one uses threading primitives.
    """

    def __init__(self, app: FakeWXM) -> None:
        self.app = app
        self.armed = False
        self.held_from: int | None = None  # the pid of the process whose login is held
        self.arrived = threading.Event()
        self.released = threading.Event()
        self.login_times: list[float] = []

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        """Hold the first login while armed; pass everything else to the fake."""
        if scope["type"] == "http" and scope["path"].lower() == "/api/logintoken":
            if self.armed and not self.arrived.is_set():
                agent = dict(scope["headers"]).get(b"user-agent", b"").decode()
                self.held_from = int(agent.rpartition("/")[2])
                self.arrived.set()
                await anyio.to_thread.run_sync(self.released.wait)
                return  # its process is dead: nobody to answer
            self.login_times.append(time.monotonic())
        await self.app(scope, receive, send)


# -- the parent -----------------------------------------------------------------------


@dataclass
class Worker:
    """A worker process and its output, read line by line."""

    process: Process
    out: BufferedByteReceiveStream

    async def line(self) -> str:
        """The worker's next line of output."""
        return (await self.out.receive_until(b"\n", 100_000)).decode()

    async def send(self, line: str) -> None:
        """Tell the worker ``line`` (``storm`` or ``exit``)."""
        assert self.process.stdin is not None
        await self.process.stdin.send(line.encode() + b"\n")


@dataclass
class Row:
    """One line of the results table."""

    store: str
    scenario: str
    logins: int
    attempts: int
    requests: int
    denied: int
    failed: int
    seconds: float
    note: str = ""
    statuses: Counter[str] = field(default_factory=Counter)


@asynccontextmanager
async def fleet(
    spec: str, base_url: str, options: argparse.Namespace, lease: float
) -> AsyncIterator[list[Worker]]:
    command = [sys.executable, __file__, "--worker", spec, base_url, str(options.requests)]
    command += ["--lease", str(lease)]
    processes = [await anyio.open_process(command) for _ in range(options.processes)]
    workers = []
    for process in processes:
        assert process.stdout is not None
        workers.append(Worker(process, BufferedByteReceiveStream(process.stdout)))
    try:
        for w in workers:
            assert await w.line() == "ready"
        yield workers
    finally:
        for w in workers:
            with suppress(anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
                await w.send("exit")  # a killed worker cannot hear it
        with anyio.move_on_after(30):
            for w in workers:
                await w.process.wait()
        for w in workers:
            if w.process.returncode is None:
                w.process.kill()
            await w.process.aclose()


async def storm_all(workers: list[Worker]) -> Counter[str]:
    seen: Counter[str] = Counter()

    async def one(w: Worker) -> None:
        await w.send("storm")
        seen.update(json.loads(await w.line()))

    async with anyio.create_task_group() as tg:
        for w in workers:
            tg.start_soon(one, w)
    return seen


@dataclass
class Counts:
    """The fake's counters at one moment."""

    logins: int
    attempts: int
    requests: int
    denied: int

    @classmethod
    def of(cls, fake: FakeWXM) -> Counts:
        """Read the counters of ``fake``."""
        return cls(fake.logins, fake.login_attempts, fake.requests[ROUTE], fake.denied)


def row(
    store: str,
    scenario: str,
    before: Counts,
    fake: FakeWXM,
    seen: Counter[str],
    seconds: float,
    note: str = "",
) -> Row:
    after = Counts.of(fake)
    failed = sum(n for status, n in seen.items() if status != "200")
    return Row(
        store,
        scenario,
        after.logins - before.logins,
        after.attempts - before.attempts,
        after.requests - before.requests,
        after.denied - before.denied,
        failed,
        seconds,
        note,
        seen,
    )


async def cold_and_revoked(name: str, spec: str, options: argparse.Namespace) -> list[Row]:
    fake = FakeWXM()
    async with (
        serve(fake) as base_url,
        fleet(spec, str(base_url), options, options.lease) as workers,
    ):
        before = Counts.of(fake)
        started = time.perf_counter()
        seen = await storm_all(workers)
        cold = row(name, "cold", before, fake, seen, time.perf_counter() - started)
        fake.revoke_all_tokens()
        before = Counts.of(fake)
        started = time.perf_counter()
        seen = await storm_all(workers)
        revoked = row(name, "after revocation", before, fake, seen, time.perf_counter() - started)
    return [cold, revoked]


async def killed_leader(name: str, spec: str, options: argparse.Namespace) -> Row:
    fake = FakeWXM()
    door = LoginDoor(fake)
    door.armed = True
    async with (
        serve(door) as base_url,
        fleet(spec, str(base_url), options, options.kill_lease) as workers,
    ):
        before = Counts.of(fake)
        seen: Counter[str] = Counter()
        started = time.perf_counter()

        async def one(w: Worker) -> None:
            await w.send("storm")
            with suppress(anyio.IncompleteRead):  # the killed process never answers
                seen.update(json.loads(await w.line()))

        async with anyio.create_task_group() as tg:
            for w in workers:
                tg.start_soon(one, w)
            await anyio.to_thread.run_sync(door.arrived.wait)
            killed_at = time.monotonic()
            assert door.held_from is not None
            os.kill(door.held_from, signal.SIGKILL)
        seconds = time.perf_counter() - started
        door.released.set()
        first_login = min((t for t in door.login_times if t > killed_at), default=None)
        recovery = f"{first_login - killed_at:.2f} s" if first_login is not None else "never"
        survivors = len(workers) - 1
        note = f"first login {recovery} after the kill; {survivors} processes' requests counted"
        return row(name, "leader killed mid-login", before, fake, seen, seconds, note)


# -- a redis-server of our own --------------------------------------------------------


@contextmanager
def redis_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed: apt-get install redis-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if "Ready to accept connections" in line:
                break
        drain = threading.Thread(target=process.stdout.read, daemon=True)
        drain.start()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- report ---------------------------------------------------------------------------


def table(rows: list[Row], options: argparse.Namespace) -> list[str]:
    total = options.processes * options.requests
    header = ["Store", "Scenario", "Logins", "Login attempts", "Sends", "Answered 401"]
    header += ["Failed requests", "Time", "Note"]
    cells = [[r.store, r.scenario, f"{r.logins}", f"{r.attempts}", f"{r.requests:,}"] for r in rows]
    for cell, r in zip(cells, rows, strict=True):
        cell += [f"{r.denied:,}", f"{r.failed}", f"{r.seconds:.2f} s", r.note]
    return [
        f"{options.processes} processes x {options.requests} concurrent requests "
        f"({total} per scenario). RedisTokenStore lease: {options.lease:g} s, "
        f"{options.kill_lease:g} s when the leader is killed.",
        "",
        *markdown_table(header, "llrrrrrrl", cells),
    ]


async def measure(options: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    stores = options.stores.split(",")
    with tempfile.TemporaryDirectory() as tmp, contextmanager_or_none("redis" in stores) as url:
        specs = {"memory": "memory:", "file": f"file:{tmp}/token", "redis": f"redis:{url}"}
        names = {
            "memory": "in-memory (one per process)",
            "file": "FileTokenStore",
            "redis": "RedisTokenStore",
        }
        for kind in stores:
            progress(f"{names[kind]}: cold, then after revocation")
            if kind == "file":
                specs["file"] = f"file:{tmp}/token-{len(rows)}"
            rows += await cold_and_revoked(names[kind], specs[kind], options)
            if kind != "memory":
                progress(f"{names[kind]}: leader killed mid-login")
                if kind == "file":
                    specs["file"] = f"file:{tmp}/token-{len(rows)}"
                rows.append(await killed_leader(names[kind], specs[kind], options))
    return rows


def main() -> None:
    options = parse()
    rows, run = run_timed(measure, options, backend=options.backend)
    block = "\n".join([*environment(run), "", *table(rows, options)])
    report(block, write=options.write_docs, page=DOCS_PAGE, key="fleet", title="Fleet benchmark")


@contextmanager
def contextmanager_or_none(wanted: bool) -> Iterator[str | None]:
    if not wanted:
        yield None
        return
    with redis_server() as url:
        yield url


def parse() -> argparse.Namespace:
    parser = benchmark_parser(__doc__, DOCS_PAGE)
    parser.add_argument("--processes", type=at_least(1), default=8)
    parser.add_argument(
        "--requests", type=at_least(1), default=500, help="concurrent requests per process"
    )
    parser.add_argument(
        "--lease", type=float, default=DEFAULT_LEASE, help="RedisTokenStore lease, seconds"
    )
    parser.add_argument(
        "--kill-lease",
        type=float,
        default=5.0,
        help="RedisTokenStore lease when the leader is killed, seconds",
    )
    parser.add_argument("--stores", default="memory,file,redis")
    return parser.parse_args()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        spec, base_url, requests = sys.argv[2:5]
        lease = float(sys.argv[6]) if sys.argv[5:6] == ["--lease"] else 5.0
        anyio.run(worker, spec, base_url, int(requests), lease)
    else:
        main()
