"""A redis-server of a benchmark's own, on a free loopback port, for the Redis rows."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["redis_server", "redis_server_if"]


@contextmanager
def redis_server() -> Iterator[str]:
    """Start a redis-server of our own on a free port of 127.0.0.1; yield its URL."""
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


@contextmanager
def redis_server_if(wanted: bool) -> Iterator[str | None]:
    """A redis-server's URL while ``wanted``; ``None`` otherwise."""
    if not wanted:
        yield None
        return
    with redis_server() as url:
        yield url
