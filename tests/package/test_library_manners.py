"""How the package behaves as a library: silent logs unless asked, and its version."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import version

import wxm_async

TIMEOUT = 120  # seconds: a hang guard, never reached by a passing run


def python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter, where logging is not configured."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_wrong_password_prints_nothing_when_logging_is_not_configured() -> None:
    """A rejected login raises, and nothing reaches stderr through the last-resort handler."""
    done = python(
        """
        import anyio
        from wxm_async import AuthenticationError, WXMAuth, WXMClient
        from wxm_async.testing import FakeWXM

        async def main():
            fake = FakeWXM()
            client = WXMClient(
                auth=WXMAuth("demo", "wrong"), base_url="https://wxm.test",
                transport=fake.transport(),
            )
            async with client:
                try:
                    await client.account.profile()
                except AuthenticationError:
                    print("raised")

        anyio.run(main)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "raised\n"
    assert done.stderr == ""


def test_package_logger_has_a_null_handler() -> None:
    """A warning on any wxm_async logger stays silent without logging configured."""
    done = python(
        """
        import logging
        import wxm_async
        logging.getLogger("wxm_async.auth").warning("a warning nobody asked to see")
        logging.getLogger("wxm_async").error("nor this")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_configured_logging_still_shows_the_warnings() -> None:
    """With logging.basicConfig(), the package's warnings reach the caller's handler."""
    done = python(
        """
        import logging
        import wxm_async
        logging.basicConfig()
        logging.getLogger("wxm_async.auth").warning("shown")
        """
    )
    assert "WARNING:wxm_async.auth:shown" in done.stderr


def test_version_is_the_installed_distributions() -> None:
    """`wxm_async.__version__` is the version pip installed."""
    assert wxm_async.__version__ == version("wxm-async")
