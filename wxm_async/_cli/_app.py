"""The ``wxm`` command: its group, the commands it holds, and how a run ends.

Each command lives in a module of its own and knows nothing of this one; adding a
command or a group is one module and one ``cli.add_command`` line below. Expected
failures end in one line on stderr and an exit code (``_outcome``, ``_exit``), never a
traceback. Data goes to stdout; progress bars, tables and messages go to stderr, except
the demo's table.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from ._api_key import api_key
from ._demo import demo
from ._exit import ExitCode, exit_codes_epilog
from ._fake import fake
from ._login import login
from ._raw import get, post
from ._responses import responses
from ._survey_tokens import survey_tokens

__all__ = ["cli", "run"]


@click.group(epilog=exit_codes_epilog(), context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wxm-async", prog_name="wxm")
def cli() -> None:
    """Talk to Webex Experience Management (WXM) from the shell, or run the demo.

    Credentials come from the options or from the environment: WXM_USERNAME and
    WXM_API_KEY (or WXM_PASSWORD); WXM_BASE_URL sets the address. Data goes to stdout,
    messages to stderr.
    """


# In the order of ``wxm --help`` (click sorts them by name).
for _command in (demo, fake, login, api_key, get, post, responses, survey_tokens):
    cli.add_command(_command)


def run(argv: Sequence[str] | None = None) -> None:
    """Run the ``wxm`` command with ``argv`` and exit with its code."""
    try:
        # Not click's standalone mode: it would turn Ctrl-C into exit code 1.
        code = cli.main(
            args=list(argv) if argv is not None else None, prog_name="wxm", standalone_mode=False
        )
    except click.ClickException as exc:
        exc.show()
        # A file that cannot be opened is a bad argument too.
        sys.exit(ExitCode.USAGE if isinstance(exc, click.FileError) else exc.exit_code)
    except click.Abort:  # click's word for Ctrl-C
        click.echo("wxm: interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (``wxm get ... | head``): not an error worth a word.
        _silence_stdout()
        sys.exit(ExitCode.OK)
    except OSError as exc:  # output that cannot be written: a full disk, a quota, EIO...
        _silence_stdout()
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"wxm: error: {exc.strerror or type(exc).__name__}{where}", err=True)
        sys.exit(ExitCode.FAILURE)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


def _silence_stdout() -> None:
    """Point stdout at devnull, so that the interpreter's final flush fails quietly."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
