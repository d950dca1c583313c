"""How a ``wxm`` command ends on an expected failure: one line on stderr, its exit code.

Expected failures are the errors the library raises on purpose (``WXMError``) and
httpx's transport errors: missing credentials, a rejected login, no answer, an error
status. They never show a traceback; anything else is a bug and does.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import anyio
import click
import httpx

from wxm_async import WXMError

from ._exit import exit_code_for
from ._safe_text import inert

__all__ = ["fail", "run_async"]

T = TypeVar("T")


def fail(error: BaseException) -> NoReturn:
    """Print ``error`` on one line of stderr and exit with its code (``exit_code_for``).

    The message may hold a server's words: its control characters are printed inert.
    """
    if isinstance(error, httpx.TransportError):
        message = f"no answer from WXM: {type(error).__name__}: {error}"
    else:
        message = str(error) or type(error).__name__
    click.echo(f"wxm: error: {inert(message)}", err=True)
    sys.exit(exit_code_for(error))


def run_async(fn: Callable[[], Awaitable[T]]) -> T:
    """Run ``fn`` under anyio and return its result; ``fail`` on an expected failure."""
    try:
        return anyio.run(fn)
    except (WXMError, httpx.TransportError) as exc:
        fail(exc)
