"""The examples in the docs run, as written, against the fake WXM."""

from __future__ import annotations

import re
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
