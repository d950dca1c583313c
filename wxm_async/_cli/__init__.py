"""The ``wxm`` command line: the demo, a fake WXM, a login check, raw calls, exports.

It needs the ``cli`` extra (``pip install 'wxm-async[cli]'``): click, rich, and the fake
WXM's server for ``wxm demo``. Nothing in the core package imports this one.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ._exit import ExitCode

__all__ = ["main"]

_EXTRA_HINT = "wxm: the wxm command needs its extra: pip install 'wxm-async[cli]'"
_CLI_LIBRARIES = frozenset({"click", "rich"})


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``wxm`` command with ``argv`` (default: ``sys.argv[1:]``), then exit.

    Without the ``cli`` extra it prints a one-line hint to install it and exits with
    ``ExitCode.MISSING_EXTRA``.
    """
    try:
        from ._app import run
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] not in _CLI_LIBRARIES:
            raise  # a bug, not a missing extra
        print(_EXTRA_HINT, file=sys.stderr)
        raise SystemExit(ExitCode.MISSING_EXTRA) from None
    run(argv)
