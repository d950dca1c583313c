"""Fixtures of the ``wxm`` command's tests: the fake WXM served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wxm_async.testing import FakeWXM

from ..conftest import PASSWORD, USERNAME
from .test_cli import served


@pytest.fixture
def env(fake: FakeWXM) -> Iterator[dict[str, str]]:
    """The environment of a ``wxm`` run with the fake's address and credentials."""
    with served(fake) as url:
        yield {"WXM_BASE_URL": url, "WXM_USERNAME": USERNAME, "WXM_PASSWORD": PASSWORD}
