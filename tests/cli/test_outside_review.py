"""An outside review of the ``wxm`` command: what a careless shell gives it, said back safely."""

from __future__ import annotations

import pytest

from wxm_async._cli._exit import ExitCode

from ..conftest import PASSWORD, USERNAME
from .test_cli import wxm


@pytest.mark.parametrize(
    "base_url",
    [
        f"ftp://{USERNAME}:{PASSWORD}@wxm.test/",
        f"https://{USERNAME}:{PASSWORD}@[bad/",
        f"{USERNAME}:{PASSWORD}@wxm.test",
        f"https://{USERNAME}:{PASSWORD}@wxm.test:99999/",
        f"https://{USERNAME}:{PASSWORD}@wxm_test/",
        f"https://{USERNAME}:{PASSWORD}@wxm.test:x/",
    ],
    ids=["scheme", "bracket", "no scheme", "port", "host", "not a url"],
)
@pytest.mark.parametrize("source", ["option", "environment"])
def test_a_base_url_holding_a_password_is_refused_without_printing_it(
    base_url: str, source: str
) -> None:
    """A bad `--base-url` (or WXM_BASE_URL) with `user:password@` never prints the password."""
    options = ["--base-url", base_url] if source == "option" else []
    env = {"WXM_USERNAME": USERNAME, "WXM_PASSWORD": "other"}
    if source == "environment":
        env["WXM_BASE_URL"] = base_url
    result = wxm("get", "/api/Profile", *options, env=env)  # the helper checks for PASSWORD
    assert result.code == ExitCode.USAGE, result.stderr
    assert "***@" in result.stderr
    assert result.stderr.count("\n") == 1
