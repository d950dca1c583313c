"""The ``wxm`` command given what no one should give it: one clear line, never a traceback.

A careless caller's body (not UTF-8, nested past any sense) and a hostile server's
answer (lone surrogates, nesting past Python's recursion limit) each end in a message
or in output a UTF-8 reader can take; ``wxm`` (the helper) checks for tracebacks.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from wxm_async._cli._exit import ExitCode
from wxm_async.testing import FakeWXM

from ..conftest import PASSWORD, USERNAME
from .test_cli import TIMEOUT, WXM, served, wxm

NOT_UTF8 = b'{"a": "\xff\xfe"}'
TOO_DEEP = "[" * 100_000 + "]" * 100_000
LONE_SURROGATE = b'{"id": "x\\ud800", "text": "\\udcff"}'  # valid JSON, not valid Unicode


@pytest.fixture
def fake() -> FakeWXM:
    return FakeWXM()


@pytest.fixture
def env(fake: FakeWXM) -> Iterator[dict[str, str]]:
    with served(fake) as url:
        yield {"WXM_BASE_URL": url, "WXM_USERNAME": USERNAME, "WXM_PASSWORD": PASSWORD}


def test_a_json_file_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    """`--json @FILE` with bytes that are not UTF-8: a usage error naming the file."""
    path = tmp_path / "body.json"
    path.write_bytes(NOT_UTF8)
    result = wxm("post", "/api/x", "--json", f"@{path}", env={"WXM_BASE_URL": "http://127.0.0.1:9"})
    assert result.code == ExitCode.USAGE, result.stderr
    assert "UTF-8" in result.stderr
    assert str(path) in result.stderr


def test_json_on_stdin_that_is_not_utf8_is_a_usage_error() -> None:
    """`--json -` with bytes that are not UTF-8, whatever the locale: a usage error."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WXM_")}
    environ["PYTHONIOENCODING"] = "utf-8"  # strict, as under most UTF-8 locales
    done = subprocess.run(
        [str(WXM), "post", "/api/x", "--json", "-"],
        env=environ,
        input=NOT_UTF8,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert b"Traceback" not in done.stderr, done.stderr
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert b"UTF-8" in done.stderr


def test_json_nested_too_deep_is_a_usage_error() -> None:
    """A body nested 100,000 deep is refused as too deep, not a RecursionError."""
    result = wxm("post", "/api/x", "--json", "-", stdin=TOO_DEEP)
    assert result.code == ExitCode.USAGE, result.stderr
    assert "nested too deep" in result.stderr


def test_an_answer_with_lone_surrogates_prints_as_json(env: dict[str, str], fake: FakeWXM) -> None:
    """A JSON answer holding lone surrogates prints as JSON (escaped), not a traceback."""
    fake.fail_next(route="GET /api/Profile", status=200, raw=LONE_SURROGATE)
    result = wxm("get", "/api/Profile", env=env)
    assert result.code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout) == json.loads(LONE_SURROGATE)


def test_an_answer_nested_too_deep_prints_as_text(env: dict[str, str], fake: FakeWXM) -> None:
    """An answer nested past the recursion limit is printed as the text it is."""
    fake.fail_next(route="GET /api/Profile", status=200, raw=TOO_DEEP.encode())
    result = wxm("get", "/api/Profile", env=env)
    assert result.code == ExitCode.OK, result.stderr
    assert result.stdout.strip() == TOO_DEEP


def hostile_page(fake: FakeWXM) -> None:
    """The next page of responses holds lone surrogates in an id and in an answer."""
    body = {
        "responses": [{"id": "x\ud800", "responses": [{"questionId": "q", "textInput": "\udcff"}]}],
        "totalCount": 1,
    }
    fake.fail_next(route="POST /api/answers/page/*", status=200, body=body)


def test_export_jsonl_escapes_lone_surrogates(env: dict[str, str], fake: FakeWXM) -> None:
    """A response holding lone surrogates is written as JSON with them escaped."""
    hostile_page(fake)
    result = wxm("responses", "export", env=env)
    assert result.code == ExitCode.OK, result.stderr
    row = json.loads(result.stdout.splitlines()[0])
    assert row["id"] == "x\ud800"
    assert row["responses"][0]["textInput"] == "\udcff"


def test_export_csv_replaces_lone_surrogates(env: dict[str, str], fake: FakeWXM) -> None:
    """In CSV, which cannot escape them, lone surrogates become U+FFFD."""
    hostile_page(fake)
    result = wxm("responses", "export", "--format", "csv", env=env)
    assert result.code == ExitCode.OK, result.stderr
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["response_id"] == "x\ufffd"
    assert row["text"] == "\ufffd"


#: What a respondent may type that a spreadsheet would run as a formula (OWASP's CSV
#: injection), beside text that merely looks alike and must stay as typed.
FORMULAS = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1"]


def test_export_csv_keeps_a_respondents_formula_from_running(
    env: dict[str, str], fake: FakeWXM
) -> None:
    """Text a spreadsheet would run as a formula is written with a leading quote; numbers not."""
    answers: list[dict[str, object]] = [
        {"questionId": f"q{i}", "textInput": text} for i, text in enumerate(FORMULAS)
    ]
    answers.append({"questionId": "n", "numberInput": -5})
    answers.append({"questionId": "plain", "textInput": "fine = good"})
    body = {"responses": [{"id": "=r1", "responses": answers}], "totalCount": 1}
    fake.fail_next(route="POST /api/answers/page/*", status=200, body=body)
    result = wxm("responses", "export", "--format", "csv", env=env)
    assert result.code == ExitCode.OK, result.stderr
    rows = {row["question_id"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    for i, text in enumerate(FORMULAS):
        assert rows[f"q{i}"]["text"] == "'" + text
    assert rows["q0"]["response_id"] == "'=r1"  # every text cell, not only answers
    assert rows["n"]["number"] == "-5"  # a number is a number, not a formula
    assert rows["plain"]["text"] == "fine = good"


def test_an_error_message_cannot_drive_the_terminal(env: dict[str, str], fake: FakeWXM) -> None:
    """A server's message with escape sequences and newlines stays one inert line."""
    message = "bad\x1b]0;owned\x07\x1b[2J\nwxm: forged line\r\x9b31m"
    fake.fail_next(route="GET /api/Profile", status=400, body={"message": message})
    result = wxm("get", "/api/Profile", env=env)
    assert result.code == ExitCode.STATUS, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert not any(c in result.stderr for c in "\x1b\x07\r\x9b"), result.stderr
    assert "\\x1b]0;owned\\x07" in result.stderr


def test_login_prints_the_servers_fields_inert() -> None:
    """The account fields WXM's token answer names are printed without control characters."""
    name = "de\x1b]0;owned\x07mo"
    fake = FakeWXM(accounts={name: PASSWORD})
    with served(fake) as url:
        result = wxm(
            "login", env={"WXM_BASE_URL": url, "WXM_USERNAME": name, "WXM_PASSWORD": PASSWORD}
        )
    assert result.code == ExitCode.OK, result.stderr
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "account: de\\x1b]0;owned\\x07mo" in result.stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_not_a_traceback(env: dict[str, str]) -> None:
    """Output that cannot be written (ENOSPC) ends in one line and exit code 1."""
    result = wxm("responses", "export", "-o", "/dev/full", env=env)
    assert result.code == ExitCode.FAILURE, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "No space left on device" in result.stderr
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WXM_")} | env
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [str(WXM), "get", "/api/Profile"],
            env=environ,
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=TIMEOUT,
            check=False,
        )
    assert b"Traceback" not in done.stderr, done.stderr
    assert done.returncode == ExitCode.FAILURE
    assert done.stderr.count(b"\n") == 1, done.stderr


def test_json_from_a_closed_stdin_is_a_usage_error() -> None:
    """`--json -` with stdin closed (`<&-`): a usage error, not an AttributeError."""
    done = subprocess.run(
        f"'{WXM}' post /api/x --json - <&-",
        shell=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("WXM_")},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert "stdin" in done.stderr
