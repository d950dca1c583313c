"""An outside red team on the ``wxm`` command: careless input, one clear line, no traceback."""

from __future__ import annotations

import os

import pytest

from wxm_async import ConfigurationError, WXMClient
from wxm_async._cli._exit import ExitCode

from ..conftest import PASSWORD
from .test_cli import wxm

#: What Python makes of the bytes ``demo\xff`` in the environment or the command line
#: of a system whose locale is UTF-8: a lone surrogate, which no HTTP body can carry.
NOT_UTF8 = os.fsdecode(b"demo\xff")
UNREACHABLE = "http://127.0.0.1:9"  # never reached: the credentials are refused first


@pytest.mark.parametrize("variable", ["WXM_USERNAME", "WXM_PASSWORD"])
def test_credentials_that_are_not_utf8_in_the_environment_are_one_line(variable: str) -> None:
    """A user name or password of non-UTF-8 bytes is exit 3 and one line, not a UnicodeEncodeError traceback."""
    env = {"WXM_BASE_URL": UNREACHABLE, "WXM_USERNAME": "demo", "WXM_PASSWORD": PASSWORD}
    env[variable] = NOT_UTF8
    result = wxm("login", env=env)
    assert result.code == ExitCode.CONFIGURATION
    assert result.stderr.count("\n") == 1
    assert "UTF-8" in result.stderr
    assert "\\udcff" not in result.stderr
    assert "\udcff" not in result.stderr


def test_a_username_option_that_is_not_utf8_is_one_line() -> None:
    """``--username`` of non-UTF-8 bytes is exit 3 and one line, not a traceback."""
    env = {"WXM_BASE_URL": UNREACHABLE, "WXM_PASSWORD": PASSWORD}
    result = wxm("login", "--username", NOT_UTF8, env=env)
    assert result.code == ExitCode.CONFIGURATION
    assert result.stderr.count("\n") == 1


def test_from_env_refuses_credentials_that_are_not_utf8() -> None:
    """``WXMClient.from_env`` refuses a non-UTF-8 variable with ConfigurationError naming it, not its value."""
    environ = {"WXM_USERNAME": NOT_UTF8, "WXM_API_KEY": "key"}
    with pytest.raises(ConfigurationError, match="WXM_USERNAME") as caught:
        WXMClient.from_env(environ=environ)
    assert "demo" not in str(caught.value)
