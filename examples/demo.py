"""A short demo: 2,000 concurrent requests through WXMAuth against the fake WXM on loopback.

It shows the library's main promise: however many requests run at once, there is one
login; when WXM revokes the token mid-run, there is one more, and no request fails.

Run: python examples/demo.py
"""

from __future__ import annotations

import time

import anyio
import httpx

from wxm_async import WXMAuth
from wxm_async.testing import FakeWXM, serve

REQUESTS = 2_000


async def storm(http: httpx.AsyncClient, n: int) -> list[int]:
    """Send ``n`` concurrent requests and return their status codes."""
    statuses: list[int] = []

    async def call() -> None:
        statuses.append((await http.get("/api/Questions/Active")).status_code)

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(call)
    return statuses


async def main() -> None:
    """Run a cold storm and a revoked-token storm, then print what the fake saw."""
    fake = FakeWXM()
    async with serve(fake) as base_url:
        auth = WXMAuth("demo", "demo-password")
        async with httpx.AsyncClient(
            base_url=base_url, auth=auth, limits=httpx.Limits(max_connections=50)
        ) as http:
            for title, before in (("cold start", None), ("token revoked", fake.revoke_all_tokens)):
                if before is not None:
                    before()
                logins = fake.logins
                started = time.perf_counter()
                statuses = await storm(http, REQUESTS)
                elapsed = time.perf_counter() - started
                failed = sum(status != 200 for status in statuses)
                print(
                    f"{title:>14}: {REQUESTS} concurrent requests, {fake.logins - logins} login(s), "
                    f"{failed} failed, {REQUESTS / elapsed:,.0f} requests/s"
                )


if __name__ == "__main__":
    anyio.run(main)
