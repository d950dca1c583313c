"""The ``wxm`` command's usage errors and help, run as a subprocess: no fake needed."""

from __future__ import annotations

import re

import pytest

from wxm_async._cli._exit import ExitCode
from wxm_async._cli._url import check_base_url

from ..conftest import PASSWORD, USERNAME
from .test_cli import wxm

CREDENTIALS = {"WXM_USERNAME": USERNAME, "WXM_PASSWORD": PASSWORD}
BAD_BASE_URLS = [
    pytest.param("http://127.0.0.1:99999", "port", id="port-too-large"),
    pytest.param("http://127.0.0.1:0", "port", id="port-zero"),
    pytest.param("http://[::1", "not a URL", id="unclosed-ipv6"),
    pytest.param("ftp://127.0.0.1/", "scheme", id="ftp"),
    pytest.param("127.0.0.1:8000", "whole URL", id="no-scheme"),
    pytest.param("http://", "no host", id="no-host"),
    pytest.param("https://exa mple.com", "host name", id="space-in-host"),
    pytest.param("http://127.0.0.1/api?x=1", "query", id="query"),
]


@pytest.mark.parametrize(("url", "words"), BAD_BASE_URLS)
@pytest.mark.parametrize("command", [["get", "/api/Profile"], ["login"]])
def test_bad_base_url_is_a_one_line_usage_error(url: str, words: str, command: list[str]) -> None:
    """A --base-url WXM cannot be at: one line naming the option and why, exit code 2."""
    result = wxm(*command, "--base-url", url, env=CREDENTIALS)
    assert result.code == ExitCode.USAGE, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("wxm: error: --base-url ")
    assert words in result.stderr
    assert result.stdout == ""


def test_bad_base_url_from_the_environment_names_the_variable() -> None:
    """WXM_BASE_URL=ftp://... is refused the same way, naming WXM_BASE_URL."""
    result = wxm("api-key", "get", env={**CREDENTIALS, "WXM_BASE_URL": "ftp://127.0.0.1/"})
    assert result.code == ExitCode.USAGE
    assert result.stderr.startswith("wxm: error: WXM_BASE_URL 'ftp://127.0.0.1/'")


def test_base_url_with_credentials_is_refused_without_echoing_them() -> None:
    """http://user:secret@host is refused, and the secret is not printed."""
    result = wxm("login", "--base-url", "http://demo:s3cret-pw@127.0.0.1/", env=CREDENTIALS)
    assert result.code == ExitCode.USAGE
    assert "s3cret-pw" not in result.stderr


def test_bad_base_url_is_refused_before_missing_credentials() -> None:
    """The URL is checked as the options are read: a usage error, not exit code 3."""
    result = wxm("get", "/api/Profile", "--base-url", "ftp://127.0.0.1/")
    assert result.code == ExitCode.USAGE


@pytest.mark.parametrize(
    "url",
    [
        "https://api.getcloudcherry.com",
        "http://127.0.0.1:8000",
        "http://[::1]:8000/",
        "HTTPS://Example.COM/wxm",
        "http://localhost:65535",
    ],
)
def test_good_base_urls_pass(url: str) -> None:
    """What WXM (or a fake on loopback) could be at passes the check."""
    assert check_base_url(url).scheme in {"http", "https"}


def exit_codes_in_help(*command: str) -> set[int]:
    result = wxm(*command, "--help")
    assert result.code == ExitCode.OK
    paragraph = result.stdout.split("Exit codes:", 1)[1]
    return {int(code) for code in re.findall(r"^\s+(\d+)\s", paragraph, re.MULTILINE)}


def test_demo_help_lists_only_the_codes_it_can_return() -> None:
    """`wxm demo --help` lists no credentials, login, network or status codes."""
    assert exit_codes_in_help("demo") == {0, 1, 2, 130}


def test_commands_that_call_wxm_list_every_failure_code() -> None:
    """`wxm get --help` still lists the codes 3 to 6."""
    assert {3, 4, 5, 6} <= exit_codes_in_help("get")
