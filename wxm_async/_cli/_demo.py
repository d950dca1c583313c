"""``wxm demo``: run the batch of ``_batch`` with a progress bar, then show what it took.

The progress bar goes to stderr; the table goes to stdout. The demo talks only to its
own fake WXM, so it needs no credentials.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from . import _batch
from ._exit import LOCAL_EXIT_CODES, ExitCode, exit_codes_epilog
from ._outcome import run_async
from ._output import progress_bar
from ._safe_text import inert

__all__ = ["demo"]


@click.command(epilog=exit_codes_epilog(LOCAL_EXIT_CODES))
@click.option(
    "--calls",
    type=click.IntRange(min=1),
    default=_batch.DEFAULT_CALLS,
    show_default=True,
    help="How many calls to make.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=_batch.DEFAULT_CONCURRENCY,
    show_default=True,
    help="Calls in flight at once (the client's max_concurrency).",
)
@click.option(
    "--token-lifetime",
    type=click.IntRange(min=_batch.MIN_TOKEN_LIFETIME),
    default=_batch.DEFAULT_TOKEN_LIFETIME,
    show_default=True,
    help="Seconds the fake's tokens live.",
)
def demo(calls: int, concurrency: int, token_lifetime: int) -> None:
    """Run a batch of calls through WXMClient against a fake WXM on 127.0.0.1.

    The fake's tokens live TOKEN_LIFETIME seconds, so they expire several times during
    the run; halfway through, every token is revoked; a few calls meet a 503 or a 429.
    Then a table says what it took. Exits 0 only if every call succeeded.
    """
    progress = progress_bar("calls", percent=True)
    task = progress.add_task("calls", total=calls)

    async def go() -> _batch.DemoResult:
        with progress:
            return await _batch.run_demo(
                calls=calls,
                concurrency=concurrency,
                token_lifetime=token_lifetime,
                on_call=lambda: progress.advance(task),
            )

    result = run_async(go)
    Console().print(_table(result, concurrency=concurrency, token_lifetime=token_lifetime))
    if result.failures:
        click.echo(
            f"wxm: error: {result.failures} of {result.calls} calls failed; the first: "
            f"{inert(result.first_failure or '')}",
            err=True,
        )
        sys.exit(ExitCode.FAILURE)


def _table(result: _batch.DemoResult, *, concurrency: int, token_lifetime: int) -> Table:
    table = Table(title="wxm demo: WXMClient against the fake WXM on 127.0.0.1")
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_column("what it means")
    p50 = _batch.percentile(result.latencies, 0.50) * 1000
    p99 = _batch.percentile(result.latencies, 0.99) * 1000
    rows = [
        ("calls", f"{result.calls:,}", f"{concurrency} at a time, through one WXMClient"),
        (
            "logins",
            f"{result.logins:,}",
            f"a token lives {token_lifetime} s and is renewed before it ends; +1 for the revocation",
        ),
        (
            "401 replays",
            f"{result.replays:,}",
            "calls that met a revoked or expired token: each replayed once, after a login they share",
        ),
        (
            "retries",
            f"{result.retries:,}",
            f"after {_batch.FAULTS_503} injected 503s and {_batch.FAULTS_429} 429s",
        ),
        (
            "quota 429s",
            f"{result.rate_limited:,}",
            f"the fake allows {_batch.QUOTA:,} requests/s; the client paces itself at {_batch.PACE:,}",
        ),
        ("failures", f"{result.failures:,}", "calls that raised"),
        ("elapsed", f"{result.elapsed:.2f} s", ""),
        ("throughput", f"{result.throughput:,.0f} calls/s", ""),
        ("p50 latency", f"{p50:.1f} ms", "a call's time, its logins and retries included"),
        ("p99 latency", f"{p99:.1f} ms", ""),
    ]
    for row in rows:
        table.add_row(*row)
    return table
