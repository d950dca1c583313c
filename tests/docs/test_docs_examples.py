"""The examples in the docs run, as written, against the fake WXM."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from wxm_async import BasicAuthWarning, WXMAuth, WXMClient
from wxm_async.testing import FakeWXM, serve

pytest_plugins = ["pytester"]

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def blocks(page: str) -> list[Any]:
    text = (DOCS / page).read_text(encoding="utf-8")
    found = BLOCK.findall(text)
    return [
        pytest.param(code, id=f"{page}:{n}")
        for n, code in enumerate(found, 1)
        if "from_env()" not in code  # the page's frame: it needs real credentials
    ]


def as_coroutine(code: str) -> Callable[[WXMClient], Awaitable[None]]:
    """Wrap a fragment that uses ``client`` (and may ``await``) in an async function."""
    namespace: dict[str, Any] = {}
    source = "async def example(client):\n" + textwrap.indent(code, "    ") + "    pass\n"
    exec(compile(source, "<docs example>", "exec"), namespace)
    example: Callable[[WXMClient], Awaitable[None]] = namespace["example"]
    return example


@pytest.mark.anyio
@pytest.mark.parametrize("code", blocks("reference/client.md"))
async def test_client_reference_examples_run(client: WXMClient, code: str) -> None:
    """Each example of the client reference runs against the fake without an error."""
    await as_coroutine(code)(client)


TITLED = re.compile(r'^```python title="([\w/.]+)"\n(.*?)^```', re.DOTALL | re.MULTILINE)
#: Any Python block, with its title if it has one.
ANY_BLOCK = re.compile(r'^```python(?: title="([\w/.]+)")?\n(.*?)^```', re.DOTALL | re.MULTILINE)


def test_the_testing_how_to_files_pass(pytester: pytest.Pytester) -> None:
    """The files of "Testing your app against a fake WXM" pass as a user would run them.

    A block without a title continues the titled file before it (it uses that file's
    fixtures and imports), so every example test of the page runs.
    """
    files: dict[str, str] = {}
    last = ""
    untitled = 0
    for title, code in ANY_BLOCK.findall((DOCS / "how-to" / "testing.md").read_text("utf-8")):
        if title:
            files[title] = code
            last = title
        else:
            assert last, "an untitled block before any file"
            files[last] += "\n\n" + code
            untitled += 1
    assert {"app.py", "conftest.py", "test_app.py"} <= set(files)
    assert untitled >= 5
    for name, code in files.items():
        pytester.path.joinpath(name).write_text(code, encoding="utf-8")
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == outcomes.get("errors", 0) == 0
    tests = sum(
        code.count("\nasync def test_") + code.count("\ndef test_") for code in files.values()
    )
    assert outcomes["passed"] == 2 * tests  # every example test, on both backends


#: A script, some prose with no code in it, then the console block showing its output.
SCRIPT_AND_OUTPUT = re.compile(
    r"^```python\n((?:(?!^```).)*)^```\n(?:(?!^```).)*^```console\n\$ python \S+\n((?:(?!^```).)*)^```",
    re.DOTALL | re.MULTILINE,
)


def scripts(page: str) -> list[Any]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return [
        pytest.param(code, output, id=f"{page}:{n}")
        for n, (code, output) in enumerate(SCRIPT_AND_OUTPUT.findall(text), 1)
    ]


@pytest.mark.parametrize(("code", "output"), scripts("tutorial.md"))
def test_tutorial_scripts_print_what_the_tutorial_shows(
    code: str, output: str, tmp_path: Path
) -> None:
    """Each tutorial script, run as a reader would, prints exactly the output shown."""
    script = tmp_path / "script.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == output


def test_every_tutorial_script_is_checked() -> None:
    """Each runnable tutorial script (not the one needing real credentials) has its output."""
    text = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    runnable = [
        code for code in BLOCK.findall(text) if "anyio.run" in code and "from_env" not in code
    ]
    assert len(scripts("tutorial.md")) == len(runnable) == 4


def script_blocks(page: str) -> list[str]:
    """The page's Python blocks that are whole programs (they end in ``anyio.run(main)``)."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return [code for code in BLOCK.findall(text) if "anyio.run(main)" in code]


@pytest.mark.anyio
@pytest.mark.parametrize("page", ["index.md", "how-to/batch-jobs.md"])
async def test_programs_reading_the_environment_run_against_the_fake(
    page: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The docs' from_env() programs run, with WXM_* pointing at the fake on loopback."""
    programs = script_blocks(page)
    assert programs
    async with serve(FakeWXM()) as url:
        monkeypatch.setenv("WXM_USERNAME", "demo")
        monkeypatch.setenv("WXM_PASSWORD", "demo-password")
        monkeypatch.setenv("WXM_BASE_URL", str(url))
        for code in programs:
            namespace: dict[str, Any] = {}
            # Run main() in this test's event loop instead of starting another.
            exec(compile(code.replace("anyio.run(main", "main = (main"), page, "exec"), namespace)
            await namespace["main"]()
    assert capsys.readouterr().out


@pytest.mark.anyio
async def test_the_batch_job_export_writes_every_response(
    client: WXMClient, tmp_path: Path
) -> None:
    """The how-to's export() writes one JSON line per response of the window."""
    text = (DOCS / "how-to" / "batch-jobs.md").read_text(encoding="utf-8")
    [code] = [c for c in BLOCK.findall(text) if "async def export" in c]
    namespace: dict[str, Any] = {}
    exec(compile(code, "batch-jobs.md", "exec"), namespace)
    written = await namespace["export"](client, str(tmp_path / "out.jsonl"))
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert written == len(lines)


@pytest.mark.anyio
async def test_the_errors_page_example_runs(client: WXMClient) -> None:
    """The error page's try/except example runs; an unknown id gives None."""
    text = (DOCS / "reference" / "errors.md").read_text(encoding="utf-8")
    [code] = [c for c in BLOCK.findall(text) if "NotFoundError" in c]
    source = "async def example(client, response_id):\n" + textwrap.indent(code, "    ")
    source += "    return response\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "errors.md", "exec"), namespace)
    assert await namespace["example"](client, "no-such-response") is None


@pytest.mark.anyio
async def test_the_file_store_recipe_logs_in_once_for_two_workers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The shared-store how-to's FastAPI app, run as two workers: one login between them."""
    text = (DOCS / "how-to" / "shared-token-stores.md").read_text(encoding="utf-8")
    [code] = [c for c in BLOCK.findall(text) if "FileTokenStore(" in c]
    fake = FakeWXM()
    async with serve(fake) as url:
        monkeypatch.setenv("WXM_USERNAME", "demo")
        monkeypatch.setenv("WXM_PASSWORD", "demo-password")
        code = code.replace('"https://api.getcloudcherry.com"', repr(str(url)))
        code = code.replace('"/run/myapp/wxm-token"', repr(str(tmp_path / "wxm-token")))
        workers = []
        for n in range(2):  # each worker imports the module afresh, as uvicorn's would
            namespace: dict[str, Any] = {}
            exec(compile(code, f"shared-token-stores.md (worker {n})", "exec"), namespace)
            workers.append(namespace["app"])
        answers: list[Any] = []

        async def get(app: Any) -> None:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
                answers.append((await http.get("/questions")).json())

        async with anyio.create_task_group() as tg:
            for app in workers * 5:
                tg.start_soon(get, app)
    assert len(answers) == 10
    assert all(answer == answers[0] and answer for answer in answers)
    assert fake.logins == 1


@pytest.mark.anyio
async def test_the_credentials_how_to_runs_in_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The credentials page's fragments, run one after another as a reader would.

    The names they leave to the reader (a password, a user name, a code...) are given;
    WXM's address is the fake's on loopback.
    """
    text = (DOCS / "how-to" / "credentials.md").read_text(encoding="utf-8")
    fragments = BLOCK.findall(text)
    assert len(fragments) == 11
    fake = FakeWXM(accounts={"your-user": "the-password"})
    saved: dict[str, str] = {}
    wxm_logger = logging.getLogger("wxm_async")
    level = wxm_logger.level
    async with serve(fake) as url:

        class LoopbackClient(WXMClient):
            """``WXMClient`` whose default address is the fake's."""

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs.setdefault("base_url", url)
                super().__init__(*args, **kwargs)

        key = fake.api_key("your-user")
        monkeypatch.setenv("WXM_USERNAME", "your-user")
        monkeypatch.setenv("WXM_API_KEY", key)
        monkeypatch.setenv("WXM_BASE_URL", str(url))
        namespace: dict[str, Any] = {
            "httpx": httpx,
            "WXMAuth": WXMAuth,
            "WXMClient": LoopbackClient,
            "password": "the-password",
            "user": "your-user",
            "username": "your-user",
            "code": "123456",
            "key": key,
            "token": "a-token-you-hold",
            "save_secret": saved.__setitem__,
        }
        # After the rotation, the reader's key is the new one (the fake drops the old).
        glued = [f + "key = new_key\n" if "generate_api_key()" in f else f for f in fragments]
        body = "\n".join(glued).replace('"https://api.getcloudcherry.com"', repr(str(url)))
        source = "async def page():\n" + textwrap.indent(body, "    ") + "    return locals()\n"
        exec(compile(source, "credentials.md", "exec"), namespace)
        try:
            with pytest.warns(BasicAuthWarning):
                seen = await namespace["page"]()
        finally:
            wxm_logger.setLevel(level)
        await seen["client"].aclose()
        await seen["http"].aclose()
    assert seen["api_key"] == key  # read with the password
    assert saved["WXM_API_KEY"] == seen["new_key"] != key  # rotated, and stored
    assert fake.api_key("your-user") == seen["new_key"]
    assert "q1" in capsys.readouterr().out  # the Basic example's answer


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # redis-py's asyncio client
async def test_the_redis_store_recipe_logs_in_once_for_two_hosts(
    monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    """The shared-store how-to's Redis set-up, run as two hosts: one login between them."""
    text = (DOCS / "how-to" / "shared-token-stores.md").read_text(encoding="utf-8")
    [code] = [c for c in BLOCK.findall(text) if "RedisTokenStore(" in c]
    fake = FakeWXM(accounts={"api-user": "its-api-key"})
    statuses: list[int] = []

    async def use(auth: WXMAuth) -> None:
        """What the recipe's ``...`` stands for: the host's requests."""
        async with httpx.AsyncClient(base_url=url, auth=auth) as http:
            for _ in range(3):
                statuses.append((await http.get("/api/Questions/Active")).status_code)

    async with serve(fake) as url:
        monkeypatch.setenv("WXM_USERNAME", "api-user")
        monkeypatch.setenv("WXM_API_KEY", "its-api-key")
        code = code.replace('"https://api.getcloudcherry.com"', repr(str(url)))
        code = code.replace('"rediss://wxm-tokens.internal:6380/0"', repr(redis_url))
        assert "\n...\n" in code
        code = code.replace("\n...\n", "\nawait use(auth)\n")
        source = "async def host():\n" + textwrap.indent(code, "    ")
        for n in range(2):
            namespace: dict[str, Any] = {"use": use}
            exec(compile(source, f"shared-token-stores.md (host {n})", "exec"), namespace)
            await namespace["host"]()
    assert statuses == [200] * 6
    assert fake.logins == 1


def test_the_webhooks_how_to_examples_run() -> None:
    """The examples of "Receive WXM's notifications" run as written; the recipe is its file."""
    page = (DOCS / "how-to" / "webhooks.md").read_text(encoding="utf-8")
    code = BLOCK.findall(page)
    assert '--8<-- "examples/webhook_receiver.py"\n' in code
    examples = [c for c in code if "--8<--" not in c]
    assert examples
    for example in examples:
        exec(compile(example, "<docs/how-to/webhooks.md>", "exec"), {})


def test_the_production_how_to_shows_the_watched_app_that_its_test_runs() -> None:
    """'Watch wxm_async in production' includes examples/watched_app.py, which a test runs."""
    page = (DOCS / "how-to" / "production.md").read_text(encoding="utf-8")
    assert '--8<-- "examples/watched_app.py"' in page
    tests = Path(__file__).with_name("test_fastapi_example.py").read_text(encoding="utf-8")
    assert "watched_app.py" in tests
