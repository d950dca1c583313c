"""The ``wxm`` command's exit codes, and which error leads to which: pure logic.

Scripts branch on these codes, so each kind of expected failure has its own, and they
are listed in ``wxm --help`` and ``docs/how-to/cli.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

import httpx

from wxm_async import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    LoginInterruptedError,
)

__all__ = ["EXIT_CODES_HELP", "LOCAL_EXIT_CODES", "ExitCode", "exit_code_for", "exit_codes_epilog"]


class ExitCode(IntEnum):
    """What the ``wxm`` command's exit status means."""

    OK = 0
    """Done; for ``wxm demo``, every call succeeded."""
    FAILURE = 1
    """Calls failed in ``wxm demo``, an unexpected answer (one that did not decode), or
    ``wxm fake`` could not listen on its port."""
    USAGE = 2
    """A bad argument or option (click's usage error)."""
    CONFIGURATION = 3
    """Missing credentials, or other configuration the command cannot run without."""
    LOGIN_REJECTED = 4
    """WXM rejected the login: wrong user name, password or API key; a locked account."""
    NETWORK = 5
    """No answer from WXM: connection refused or dropped, a timeout, a bad address."""
    STATUS = 6
    """WXM answered the call with an error status (403, 404, 429, 5xx...)."""
    MISSING_EXTRA = 7
    """The ``cli`` extra is not installed."""
    INTERRUPTED = 130
    """Interrupted with Ctrl-C."""


EXIT_CODES_HELP = {
    ExitCode.OK: "success",
    ExitCode.FAILURE: "calls failed (demo), an unexpected answer, or the port is taken (fake)",
    ExitCode.USAGE: "bad argument or option",
    ExitCode.CONFIGURATION: "missing credentials",
    ExitCode.LOGIN_REJECTED: "login rejected",
    ExitCode.NETWORK: "network failure (no answer)",
    ExitCode.STATUS: "WXM answered with an error status",
    ExitCode.MISSING_EXTRA: "the cli extra is not installed",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}
"""A few words on each exit code, for ``--help``."""

LOCAL_EXIT_CODES = (ExitCode.OK, ExitCode.FAILURE, ExitCode.USAGE, ExitCode.INTERRUPTED)
"""What ``wxm demo`` and ``wxm fake`` can exit with: they talk only to their own fake."""


def exit_codes_epilog(codes: Iterable[ExitCode] = tuple(ExitCode)) -> str:
    """The ``Exit codes:`` paragraph of a command's ``--help``, for ``codes`` (default all)."""
    lines = [f"  {int(code):>3}  {EXIT_CODES_HELP[code]}" for code in codes]
    return "\b\nExit codes:\n" + "\n".join(lines)  # \b: click keeps the lines as they are


def exit_code_for(error: BaseException) -> ExitCode:
    """Return the exit code for an expected failure, ``FAILURE`` for anything else."""
    if isinstance(error, ConfigurationError):
        return ExitCode.CONFIGURATION
    if isinstance(error, AuthenticationError):
        return ExitCode.LOGIN_REJECTED
    if isinstance(error, APIConnectionError | LoginInterruptedError | httpx.TransportError):
        return ExitCode.NETWORK
    if isinstance(error, APIStatusError):
        return ExitCode.STATUS
    return ExitCode.FAILURE
