"""A pytest plugin: fixtures to test an app against a fake WXM.

pytest loads it through the ``pytest11`` entry point ``wxm_async`` whenever wxm_async is
installed next to pytest; ``-p no:wxm_async`` turns it off. It imports only pytest, httpx
and wxm_async itself (never uvicorn), so it loads without the ``testing`` extra; only
``serve()`` needs that. Its async fixture runs on AnyIO's pytest plugin (installed with
AnyIO): mark tests ``@pytest.mark.anyio`` and pick backends with an ``anyio_backend``
fixture.

Fixtures:

- ``wxm_fake``: a fresh ``FakeWXM()`` per test; override it to configure the fake.
- ``wxm_auth``: a ``WXMAuth`` for the fake's account, logging in with its API key.
- ``wxm_http``: an ``httpx.AsyncClient`` with ``wxm_auth``, sending to ``wxm_fake`` in
  process at ``WXM_FAKE_URL``.
- ``wxm_client``: a ``WXMClient`` with ``wxm_auth`` on ``wxm_fake`` in process, whose
  retries happen without waiting.

A client fixture of one's own builds on the same pieces: ``wxm_fake.transport()``,
``wxm_async.testing.WXM_FAKE_URL`` and ``wxm_auth``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from .._auth import WXMAuth
from .._client import WXMClient
from .._retry import RetryPolicy
from ._fake import WXM_FAKE_URL, FakeWXM


@pytest.fixture
def wxm_fake() -> FakeWXM:
    """A fresh fake WXM with its default account (``demo``) and seeded data."""
    return FakeWXM()


@pytest.fixture
def wxm_auth(wxm_fake: FakeWXM) -> WXMAuth:
    """A ``WXMAuth`` for the fake's account, with its API key as the password."""
    return WXMAuth(wxm_fake.username, wxm_fake.api_key(wxm_fake.username))


@pytest.fixture
async def wxm_http(
    wxm_fake: FakeWXM, wxm_auth: WXMAuth, anyio_backend: object
) -> AsyncIterator[httpx.AsyncClient]:
    """An ``httpx.AsyncClient`` logged in to ``wxm_fake``, in process, on the test's backend."""
    async with httpx.AsyncClient(
        transport=wxm_fake.transport(), base_url=WXM_FAKE_URL, auth=wxm_auth
    ) as client:
        yield client


@pytest.fixture
async def wxm_client(
    wxm_fake: FakeWXM, wxm_auth: WXMAuth, anyio_backend: object
) -> AsyncIterator[WXMClient]:
    """A ``WXMClient`` logged in to ``wxm_fake``, in process; retries do not wait."""
    async with WXMClient(
        auth=wxm_auth,
        base_url=WXM_FAKE_URL,
        transport=wxm_fake.transport(),
        retries=RetryPolicy().without_waiting(),
    ) as client:
        yield client
