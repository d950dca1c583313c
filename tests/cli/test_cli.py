"""The ``wxm`` command, run as a subprocess against the fake WXM on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import anyio
import httpx
import pytest
from attrs import frozen

from wxm_async import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    DecodeError,
    NotFoundError,
    ServerError,
    SurveyResponse,
    from_wire,
)
from wxm_async._cli._batch import percentile
from wxm_async._cli._exit import ExitCode, exit_code_for
from wxm_async._cli._export import CSV_COLUMNS
from wxm_async.testing import FakeWXM, serve

from ..conftest import PASSWORD, USERNAME

WXM = Path(sys.executable).with_name("wxm")
TIMEOUT = 120  # seconds: a hang guard, never reached by a passing run
LIVE = 114  # the fake's 120 responses, less the 6 archived that WXM's filters leave out
SECRETS_PATTERN = re.compile(r"token: [A-Za-z0-9_-]{20,}")


@frozen
class Result:
    code: int
    stdout: str
    stderr: str


def wxm(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
    """Run the installed ``wxm`` entry point with only ``env`` for WXM's variables."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WXM_")}
    environ.update(env or {})
    done = subprocess.run(
        [str(WXM), *args],
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    return Result(done.returncode, done.stdout, done.stderr)


@contextmanager
def served(fake: FakeWXM) -> Iterator[str]:
    """Serve ``fake`` on 127.0.0.1 from a background thread; yield its base URL."""
    url: list[str] = []
    ready = threading.Event()
    stop = threading.Event()
    failure: list[BaseException] = []

    async def hold() -> None:
        async with serve(fake) as base_url:
            url.append(str(base_url))
            ready.set()
            await anyio.to_thread.run_sync(stop.wait)

    def run() -> None:
        try:
            anyio.run(hold)
        except BaseException as exc:  # reported below
            failure.append(exc)
        finally:
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        ready.wait(TIMEOUT)
        if failure or not url:
            raise RuntimeError("the fake did not start") from (failure[0] if failure else None)
        yield url[0]
    finally:
        stop.set()
        thread.join(TIMEOUT)


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def table_row(text: str, name: str) -> str:
    match = re.search(rf"│ {re.escape(name)}\s*│\s*([^│]*?)\s*│", text)
    assert match, f"no row {name!r} in:\n{text}"
    return match.group(1)


def number(text: str) -> int:
    return int(text.replace(",", ""))


# -- demo ----------------------------------------------------------------------------


def test_demo_survives_expiry_revocation_and_faults() -> None:
    """Demo: every call succeeds through expiries, a revocation, 503s and 429s."""
    result = wxm("demo", "--calls", "240", "--concurrency", "12", "--token-lifetime", "2")
    assert result.code == ExitCode.OK, result.stderr
    assert number(table_row(result.stdout, "calls")) == 240
    assert number(table_row(result.stdout, "failures")) == 0
    assert number(table_row(result.stdout, "logins")) >= 2  # the first, and after the revocation
    assert number(table_row(result.stdout, "401 replays")) >= 1
    assert number(table_row(result.stdout, "retries")) == 5  # 3 injected 503s, 2 429s
    assert table_row(result.stdout, "throughput").endswith("calls/s")
    assert table_row(result.stdout, "p99 latency").endswith("ms")


@pytest.mark.parametrize(
    "option", [["--calls", "0"], ["--concurrency", "0"], ["--token-lifetime", "1"]]
)
def test_demo_rejects_bad_options(option: list[str]) -> None:
    """The demo refuses a size, concurrency or lifetime out of range: a usage error."""
    result = wxm("demo", *option)
    assert result.code == ExitCode.USAGE
    assert "Invalid value" in result.stderr
    assert result.stdout == ""


# -- login, api-key ------------------------------------------------------------------


def test_login_shows_the_account_and_redacts_the_token(env: dict[str, str], fake: FakeWXM) -> None:
    """Command `wxm login` prints account, role, station and expiry, and no token."""
    result = wxm("login", env=env)
    assert result.code == ExitCode.OK, result.stderr
    fields = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert fields["account"] == USERNAME
    assert fields["role"] == "MasterAdmin"
    assert fields["station"] == "uswest"
    assert datetime.fromisoformat(fields["expires"]) > datetime.now(UTC)
    assert "redacted" in fields["token"]
    assert not SECRETS_PATTERN.search(result.stdout + result.stderr)
    assert fake.logins == 1


def test_login_show_token_prints_a_token_wxm_accepts(env: dict[str, str]) -> None:
    """Command `wxm login --show-token` prints the access token itself, and it works."""
    result = wxm("login", "--show-token", env=env)
    assert result.code == ExitCode.OK, result.stderr
    token = dict(line.split(": ", 1) for line in result.stdout.splitlines())["token"]
    answer = httpx.get(
        env["WXM_BASE_URL"] + "/api/Profile", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200


def test_credentials_from_options_override_the_environment(env: dict[str, str]) -> None:
    """--username and --password win over WXM_USERNAME and WXM_PASSWORD."""
    wrong = dict(env, WXM_USERNAME="nobody", WXM_PASSWORD="nothing")
    result = wxm("login", "--username", USERNAME, "--password", PASSWORD, env=wrong)
    assert result.code == ExitCode.OK, result.stderr


def test_api_key_get_prints_the_accounts_key(env: dict[str, str], fake: FakeWXM) -> None:
    """Command `wxm api-key get` prints the account's API key."""
    result = wxm("api-key", "get", env=env)
    assert result.code == ExitCode.OK, result.stderr
    assert result.stdout.strip() == fake.api_key(USERNAME)


def test_api_key_generate_prints_a_new_key_that_logs_in(env: dict[str, str], fake: FakeWXM) -> None:
    """Command `wxm api-key generate` replaces the key, and the new one logs in."""
    old = fake.api_key(USERNAME)
    result = wxm("api-key", "generate", env=env)
    assert result.code == ExitCode.OK, result.stderr
    new = result.stdout.strip()
    assert new == fake.api_key(USERNAME) != old
    with_key = {k: v for k, v in env.items() if k != "WXM_PASSWORD"} | {"WXM_API_KEY": new}
    assert wxm("login", env=with_key).code == ExitCode.OK


# -- get, post -----------------------------------------------------------------------


def test_get_prints_the_json_answer(env: dict[str, str], fake: FakeWXM) -> None:
    """Command `wxm get PATH` prints WXM's JSON answer, and only that, to stdout."""
    result = wxm("get", "/api/Questions/Active", env=env)
    assert result.code == ExitCode.OK, result.stderr
    questions = json.loads(result.stdout)
    assert questions
    assert all("id" in question for question in questions)
    assert fake.requests["GET /api/Questions/Active"] == 1


def test_post_sends_the_json_body(env: dict[str, str]) -> None:
    """Command `wxm post PATH --json BODY` sends the body and prints the answer."""
    everything = wxm("post", "/api/answers/count", "--json", "{}", env=env)
    assert everything.code == ExitCode.OK, everything.stderr
    assert json.loads(everything.stdout) == LIVE
    since = wxm(
        "post", "/api/answers/count", "--json", '{"afterdate": "2026-01-01T12:00:00Z"}', env=env
    )
    assert 0 < json.loads(since.stdout) < LIVE


def test_post_reads_the_body_from_stdin(env: dict[str, str]) -> None:
    """Command `wxm post --json -` reads the JSON body from stdin."""
    result = wxm("post", "/api/answers/count", "--json", "-", env=env, stdin="{}")
    assert result.code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout) == LIVE


def test_get_error_status_is_one_line_and_its_own_exit_code(env: dict[str, str]) -> None:
    """A 404 from WXM: one line on stderr naming it, exit code 6, nothing on stdout."""
    result = wxm("get", "/api/nothing-here", env=env)
    assert result.code == ExitCode.STATUS
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "404" in result.stderr


def test_get_and_post_retry_as_the_client_does(env: dict[str, str], fake: FakeWXM) -> None:
    """Commands `wxm get` and `wxm post` go through WXMClient.request(): a 503 is retried."""
    fake.fail_next(1, route="GET /api/Profile", status=503, retry_after=0)
    result = wxm("get", "/api/Profile", env=env)
    assert result.code == ExitCode.OK, result.stderr
    assert fake.requests["GET /api/Profile"] == 2
    fake.fail_next(1, route="POST /api/answers/count", status=429, retry_after=0)
    posted = wxm("post", "/api/answers/count", "--json", "{}", env=env)
    assert posted.code == ExitCode.OK, posted.stderr
    assert json.loads(posted.stdout) == LIVE


@pytest.mark.parametrize("path", ["/api/../../Profile", "//elsewhere.example/api/Profile"])
def test_get_refuses_a_path_that_leaves_the_base_url(
    env: dict[str, str], fake: FakeWXM, path: str
) -> None:
    """A path that climbs out of the base URL is a usage error, and nothing is sent."""
    result = wxm("get", path, env=env)
    assert result.code == ExitCode.USAGE, result.stderr
    assert "PATH" in result.stderr
    assert sum(fake.requests.values()) == 0


@pytest.mark.parametrize(
    "args",
    [
        ["post", "/api/answers/count", "--json", "{not json"],
        ["post", "/api/answers/count"],
        ["get", "https://elsewhere.example/api/Profile"],
        ["get", "/api/Profile", "--base-url", "not-a-url"],
        ["responses", "export", "--after", "yesterday"],
        ["responses", "export", "--after", "2026-02-01", "--before", "2026-01-01"],
        ["responses", "export", "--format", "xml"],
        ["responses", "export", "-o", "/nonexistent-directory/responses.jsonl"],
        ["no-such-command"],
    ],
)
def test_bad_arguments_are_usage_errors(env: dict[str, str], args: list[str]) -> None:
    """Bad JSON, a full URL, a bad date, format, file or command: exit code 2."""
    result = wxm(*args, env=env)
    assert result.code == ExitCode.USAGE, result.stderr
    assert result.stdout == ""


# -- responses export ----------------------------------------------------------------


def test_export_jsonl_writes_every_response_once(env: dict[str, str]) -> None:
    """Export writes one JSON object per response, for every page."""
    result = wxm("responses", "export", "--page-size", "7", env=env)
    assert result.code == ExitCode.OK, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == LIVE
    assert len({row["id"] for row in rows}) == LIVE
    assert all(row["responses"] for row in rows)
    assert f"exported {LIVE} responses" in result.stderr


def test_export_jsonl_writes_every_field_as_wxm_does(env: dict[str, str]) -> None:
    """Each JSONL line has every field, unset ones null, and reads back with from_wire."""
    result = wxm("responses", "export", env=env)
    assert result.code == ExitCode.OK, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert all({"archived", "notes", "deviceId"} <= row.keys() for row in rows)
    assert all(from_wire(row, SurveyResponse).id == row["id"] for row in rows)


def test_export_takes_naive_dates_as_utc(env: dict[str, str]) -> None:
    """--after and --before select a window; a date without an offset is UTC."""
    naive = wxm(
        "responses",
        "export",
        "--after",
        "2026-01-01T06:00",
        "--before",
        "2026-01-01T12:00",
        env=env,
    )
    aware = wxm(
        "responses",
        "export",
        "--after",
        "2026-01-01T07:00+01:00",
        "--before",
        "2026-01-01T12:00Z",
        env=env,
    )
    assert naive.code == aware.code == ExitCode.OK, naive.stderr + aware.stderr
    assert naive.stdout == aware.stdout
    dates = [
        datetime.fromisoformat(json.loads(line)["responseDateTime"])
        for line in naive.stdout.splitlines()
    ]
    assert 0 < len(dates) < LIVE
    assert all(
        datetime(2026, 1, 1, 6, tzinfo=UTC) < d < datetime(2026, 1, 1, 12, tzinfo=UTC)
        for d in dates
    )


def test_export_csv_writes_one_row_per_answer_to_a_file(
    env: dict[str, str], tmp_path: Path
) -> None:
    """--format csv -o FILE writes the documented columns, one row per answer."""
    out = tmp_path / "responses.csv"
    result = wxm("responses", "export", "--format", "csv", "-o", str(out), env=env)
    assert result.code == ExitCode.OK, result.stderr
    assert result.stdout == ""
    reader = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    rows = list(reader)
    assert len({row["response_id"] for row in rows}) == LIVE
    assert len(rows) > LIVE  # several answers per response
    for row in rows:
        assert datetime.fromisoformat(row["response_date_time"]).tzinfo is not None
        assert row["question_id"]
        assert row["text"] or row["number"]


# -- expected failures ---------------------------------------------------------------


@pytest.mark.parametrize("command", [["login"], ["get", "/api/Profile"], ["responses", "export"]])
def test_missing_credentials(command: list[str]) -> None:
    """No user name or secret: one line naming the variables, exit code 3."""
    result = wxm(*command, env={"WXM_BASE_URL": "http://127.0.0.1:9"})
    assert result.code == ExitCode.CONFIGURATION
    assert result.stderr.count("\n") == 1
    assert "WXM_USERNAME" in result.stderr
    assert "WXM_API_KEY" in result.stderr


def test_wrong_password_is_a_rejected_login(env: dict[str, str], fake: FakeWXM) -> None:
    """A wrong password: one line on stderr, exit code 4, one login attempt."""
    result = wxm("login", env=dict(env, WXM_PASSWORD="not-the-password"))
    assert result.code == ExitCode.LOGIN_REJECTED
    assert result.stderr.count("\n") == 1
    assert "rejected the login" in result.stderr
    assert "not-the-password" not in result.stderr
    assert fake.login_attempts == 1


@pytest.mark.parametrize("command", [["get", "/api/Profile"], ["api-key", "get"]])
def test_unreachable_server_is_a_network_failure(command: list[str]) -> None:
    """A closed port on 127.0.0.1: one line on stderr, exit code 5."""
    env = {
        "WXM_BASE_URL": f"http://127.0.0.1:{closed_port()}",
        "WXM_USERNAME": USERNAME,
        "WXM_PASSWORD": PASSWORD,
    }
    result = wxm(*command, env=env)
    assert result.code == ExitCode.NETWORK
    assert result.stderr.count("\n") == 1
    assert "no answer" in result.stderr


def test_help_lists_the_exit_codes() -> None:
    """Command `wxm --help` lists every exit code."""
    result = wxm("--help")
    assert result.code == ExitCode.OK
    for code in ExitCode:
        assert re.search(rf"^\s+{int(code)}\s", result.stdout, re.MULTILINE), code


# -- packaging -----------------------------------------------------------------------


def test_core_package_does_not_import_the_cli() -> None:
    """Importing wxm_async leaves the wxm command's modules unimported."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, wxm_async; print(sorted(m for m in sys.modules if m.startswith(('wxm_async._cli.', 'wxm_async.cli')) or m == 'wxm_async._cli'))",
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    assert done.stdout.strip() == "[]"


_WITHOUT_EXTRA = """
import sys

class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("click", "rich"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Missing())
for name in [m for m in sys.modules if m.partition(".")[0] in ("click", "rich")]:
    del sys.modules[name]
from wxm_async._cli import main
main(["--help"])
"""


def test_without_the_extra_a_one_line_hint() -> None:
    """Without click and rich, wxm prints how to install the extra, exit code 7."""
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRA],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == ExitCode.MISSING_EXTRA
    assert done.stderr == "wxm: the wxm command needs its extra: pip install 'wxm-async[cli]'\n"


# -- pure logic ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ConfigurationError("x"), ExitCode.CONFIGURATION),
        (
            AuthenticationError("x", request=None, status_code=400, body=None),
            ExitCode.LOGIN_REJECTED,
        ),
        (APIConnectionError("x"), ExitCode.NETWORK),
        (APITimeoutError("x"), ExitCode.NETWORK),
        (httpx.ConnectError("x"), ExitCode.NETWORK),
        (NotFoundError("x", request=None, status_code=404, body=None), ExitCode.STATUS),
        (ServerError("x", request=None, status_code=503, body=None), ExitCode.STATUS),
        (DecodeError("x"), ExitCode.FAILURE),
    ],
)
def test_exit_code_for_each_error(error: BaseException, code: ExitCode) -> None:
    """Each expected failure maps to its own exit code; the rest to 1."""
    assert exit_code_for(error) == code


def test_percentile_is_nearest_rank() -> None:
    """p50 and p99 are nearest-rank percentiles; no latencies give 0."""
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([3.0], 0.99) == 3.0
    assert percentile([], 0.5) == 0.0
