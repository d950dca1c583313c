"""``wxm survey-tokens``: the QR code and the export, run as a subprocess against the fake."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from pathlib import Path

from wxm_async import SurveyToken, from_wire
from wxm_async._cli._exit import ExitCode

from .test_cli import TIMEOUT, WXM, wxm

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def new_token(env: dict[str, str], note: str = "cli") -> str:
    """Create a survey token through ``wxm post``; return its id."""
    body = json.dumps({"location": "CustomerSurvey", "note": note, "validUses": 1})
    result = wxm("post", "/api/SurveyToken", "--json", body, env=env)
    assert result.code == ExitCode.OK, result.stderr
    token_id: str = json.loads(result.stdout)["id"]
    return token_id


def run_binary(*args: str, env: dict[str, str], stdout: int) -> subprocess.CompletedProcess[bytes]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WXM_")} | env
    return subprocess.run(
        [str(WXM), *args],
        env=environ,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=TIMEOUT,
        check=False,
    )


def test_qr_writes_the_tokens_png_to_a_file(env: dict[str, str], tmp_path: Path) -> None:
    """`wxm survey-tokens qr ID -o FILE` writes the PNG WXM sends, and nothing else."""
    image = tmp_path / "token.png"
    result = wxm("survey-tokens", "qr", new_token(env), "-o", str(image), env=env)
    assert result.code == ExitCode.OK, result.stderr
    assert image.read_bytes().startswith(PNG_SIGNATURE)
    assert result.stdout == ""


def test_qr_writes_to_a_piped_stdout(env: dict[str, str]) -> None:
    """With '-o -' and stdout a pipe, the PNG's bytes go to stdout unchanged."""
    done = run_binary(
        "survey-tokens", "qr", new_token(env), "-o", "-", env=env, stdout=subprocess.PIPE
    )
    assert done.returncode == ExitCode.OK, done.stderr
    assert done.stdout.startswith(PNG_SIGNATURE)


def test_qr_refuses_to_write_an_image_to_a_terminal(env: dict[str, str]) -> None:
    """With '-o -' and stdout a terminal, the command is a usage error: nothing garbles it."""
    leader, follower = pty.openpty()
    try:
        done = run_binary("survey-tokens", "qr", "DM-1", "-o", "-", env=env, stdout=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == ExitCode.USAGE
    assert b"terminal" in done.stderr
    assert b"Traceback" not in done.stderr


def test_qr_of_an_unknown_token_makes_no_file(env: dict[str, str], tmp_path: Path) -> None:
    """A token WXM does not know is WXM's error status, and no file is left behind."""
    image = tmp_path / "missing.png"
    result = wxm("survey-tokens", "qr", "DM-404", "-o", str(image), env=env)
    assert result.code == ExitCode.STATUS, result.stderr
    assert not image.exists()


def test_qr_needs_an_output(env: dict[str, str]) -> None:
    """Without --output the command is a usage error, before any call."""
    result = wxm("survey-tokens", "qr", "DM-1", env=env)
    assert result.code == ExitCode.USAGE
    assert "--output" in result.stderr


def test_qr_refuses_a_bad_id_as_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    """An id the library refuses before sending (dots only) ends in one line, not a traceback."""
    result = wxm("survey-tokens", "qr", "..", "-o", str(tmp_path / "x.png"), env=env)
    assert result.code != ExitCode.OK
    assert len(result.stderr.strip().splitlines()) == 1


def test_export_writes_every_token_as_json_lines(env: dict[str, str]) -> None:
    """Each token is one line that reads back with from_wire, with WXM's own keys."""
    made = {new_token(env, note=f"n{i}") for i in range(3)}
    result = wxm("survey-tokens", "export", env=env)
    assert result.code == ExitCode.OK, result.stderr
    lines = result.stdout.splitlines()
    tokens = [from_wire(json.loads(line), SurveyToken) for line in lines]
    assert {token.id for token in tokens} == made
    assert all("validTill" in json.loads(line) for line in lines)


def test_export_of_an_account_without_tokens_writes_nothing(env: dict[str, str]) -> None:
    """No tokens (WXM may answer null for the list) is an empty output and success."""
    result = wxm("survey-tokens", "export", env=env)
    assert result.code == ExitCode.OK, result.stderr
    assert result.stdout == ""
