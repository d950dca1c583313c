"""The docs' install commands work while wxm_async is not on PyPI.

Each ``pip install`` in a shell block installs wxm_async from a path (the checkout, or
a wheel built from it), never by its name from an index, where it is not yet (and where
anyone could publish that name). Prose may name the PyPI command only where it says
it is for once the package is on PyPI. The wheel's file name follows the version.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([*ROOT.joinpath("docs").rglob("*.md"), ROOT / "README.md"])
SHELL_BLOCK = re.compile(r"^```(?:console|sh|bash|shell)\n(.*?)^```", re.DOTALL | re.MULTILINE)
ANY_BLOCK = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
OUR_NAMES = re.compile(r"^wxm[-_]async(\[.*\])?$", re.IGNORECASE)
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def pip_installs(page: Path) -> list[list[str]]:
    """The arguments of each ``pip install`` command in the page's shell blocks."""
    commands = []
    for block in SHELL_BLOCK.findall(page.read_text("utf-8")):
        for line in block.replace("\\\n", " ").splitlines():
            for command in re.split(r"&&|;", line.removeprefix("$ ")):
                words = shlex.split(command)
                if len(words) > 2 and words[0].endswith("pip") and words[1] == "install":
                    commands.append(words[2:])
    return commands


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_shell_blocks_install_wxm_async_from_a_path(page: Path) -> None:
    """No shell block installs wxm-async by name: it would fail until it is released."""
    for arguments in pip_installs(page):
        named = [a for a in arguments if OUR_NAMES.match(a)]
        assert not named, f"{page.name}: pip install {' '.join(arguments)}"


def test_the_install_section_names_the_current_wheel() -> None:
    """The home page's wheel file name carries the version in pyproject.toml."""
    wheels = [
        argument
        for arguments in pip_installs(ROOT / "docs" / "index.md")
        for argument in arguments
        if ".whl" in argument
    ]
    assert wheels == [f"dist/wxm_async-{VERSION}-py3-none-any.whl[cli]"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_prose_names_the_pypi_install_only_for_after_the_release(page: Path) -> None:
    """A paragraph that shows `pip install wxm-async` says it is for once it is on PyPI."""
    prose = ANY_BLOCK.sub("", page.read_text("utf-8"))
    for paragraph in re.split(r"\n\s*\n", prose):
        if re.search(r"pip install[^`]*wxm-async", paragraph):
            assert "PyPI" in paragraph, f"{page.name}: {paragraph.strip()[:200]}"
