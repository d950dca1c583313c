"""``wxm fake``, run as a subprocess: it serves the fake WXM until a signal stops it."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from wxm_async._cli._exit import ExitCode

from .test_cli import TIMEOUT, WXM, wxm

EXPORT = re.compile(r"^export (WXM_[A-Z_]+)=(.*)$")


@contextmanager
def running_fake(*args: str) -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    """Start ``wxm fake ARGS``; yield the process and the variables it printed."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WXM_")}
    process = subprocess.Popen(
        [str(WXM), "fake", *args],
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        printed: dict[str, str] = {}
        # Reading blocks until it prints: the lines come once it is listening.
        while len(printed) < 4:
            line = process.stdout.readline()
            assert line, f"wxm fake ended early: {process.wait(TIMEOUT)}"
            match = EXPORT.match(line.rstrip("\n"))
            assert match, line
            printed[match[1]] = shlex.split(match[2])[0]
        yield process, printed
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=TIMEOUT)


def login(printed: dict[str, str], secret: str) -> httpx.Response:
    return httpx.post(
        f"{printed['WXM_BASE_URL']}/api/LoginToken",
        data={"grant_type": "password", "username": printed["WXM_USERNAME"], "password": secret},
        timeout=TIMEOUT,
    )


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_fake_serves_on_loopback_until_a_signal(stop: signal.Signals) -> None:
    """It prints a 127.0.0.1 URL and credentials that log in; SIGINT or SIGTERM stop it: 0."""
    with running_fake("--port", "0") as (process, printed):
        assert printed["WXM_BASE_URL"].startswith("http://127.0.0.1:")
        assert printed["WXM_USERNAME"] == "demo"
        assert login(printed, printed["WXM_PASSWORD"]).status_code == 200
        assert login(printed, printed["WXM_API_KEY"]).status_code == 200
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=TIMEOUT)
        assert process.returncode == ExitCode.OK, stderr
        assert "stopped after 2 logins" in stderr
        assert "Traceback" not in stderr


def test_wxm_commands_work_against_wxm_fake() -> None:
    """The printed variables are all another `wxm` needs: `wxm get` reads the profile."""
    with running_fake("--username", "acme", "--password", "it's a secret") as (process, printed):
        assert printed["WXM_PASSWORD"] == "it's a secret"  # quoted for the shell
        env = {k: v for k, v in printed.items() if k != "WXM_API_KEY"}
        result = wxm("get", "/api/Profile", env=env)
        assert result.code == ExitCode.OK, result.stderr
        assert '"user": "acme"' in result.stdout
        process.send_signal(signal.SIGINT)


def test_fake_token_lifetime_and_port_options() -> None:
    """--port serves on that port; --token-lifetime sets the tokens' expires_in."""
    with socket.socket() as sock:  # find a free port, then let it go for the fake
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with running_fake("--port", str(port), "--token-lifetime", "60") as (process, printed):
        assert printed["WXM_BASE_URL"] == f"http://127.0.0.1:{port}"
        answer = login(printed, printed["WXM_PASSWORD"])
        assert 55 <= answer.json()["expires_in"] <= 60
        process.send_signal(signal.SIGTERM)


def test_fake_on_a_taken_port_is_one_line_and_exit_code_1() -> None:
    """A port something already listens on: one line on stderr, exit code 1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        result = wxm("fake", "--port", str(sock.getsockname()[1]))
    assert result.code == ExitCode.FAILURE
    assert result.stderr.count("\n") == 1
    assert "cannot listen on 127.0.0.1:" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args", [["--port", "65536"], ["--port", "-1"], ["--token-lifetime", "1"], ["--password", ""]]
)
def test_fake_rejects_bad_options(args: list[str]) -> None:
    """A port out of range, a lifetime under 2 s, an empty password: exit code 2."""
    result = wxm("fake", *args)
    assert result.code == ExitCode.USAGE, result.stderr


def test_fake_is_listed_in_the_help() -> None:
    """`wxm --help` lists the fake command."""
    assert re.search(r"^\s+fake\s", wxm("--help").stdout, re.MULTILINE)
