"""Fixtures of the Redis store's tests: a Redis client, and keys of each test's own."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest


@pytest.fixture
def base_url() -> str:
    """A base URL of its own per test, so that each test has its own keys."""
    return f"https://wxm-{secrets.token_hex(4)}.test"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[object]:
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()
