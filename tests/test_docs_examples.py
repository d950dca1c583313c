"""The examples in the docs run, as written, against the fake WXM."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from wxm_async import WXMClient

pytest_plugins = ["pytester"]

DOCS = Path(__file__).resolve().parents[1] / "docs"
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


def test_the_testing_how_to_files_pass(pytester: pytest.Pytester) -> None:
    """The files of "Testing your app against a fake WXM" pass as a user would run them."""
    files = TITLED.findall((DOCS / "how-to" / "testing.md").read_text(encoding="utf-8"))
    assert {"app.py", "conftest.py", "test_app.py"} <= {name for name, _ in files}
    for name, code in files:
        pytester.path.joinpath(name).write_text(code, encoding="utf-8")
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == outcomes.get("errors", 0) == 0
    assert outcomes["passed"] >= 2 * (len(files) - 2)  # each test file, on both backends


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
