"""The ``wxm`` command's commands, on click and rich.

Each command builds one ``WXMClient`` and runs inside ``anyio.run``. Expected failures
(missing credentials, a rejected login, no answer, an error status) end in a one-line
message on stderr and the exit code ``_exit`` gives them, never a traceback. Data goes
to stdout; progress bars, tables and messages go to stderr, except the demo's table.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import IO, Any, TypeVar

import anyio
import click
import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from .._auth import WXMAuth
from .._client import DEFAULT_BASE_URL, WXMClient
from .._config import ENV_API_KEY, ENV_BASE_URL, ENV_PASSWORD, ENV_USERNAME
from .._exceptions import ConfigurationError, WXMError
from .._models import ResponseFilter
from . import _demo
from ._exit import LOCAL_EXIT_CODES, ExitCode, exit_code_for, exit_codes_epilog
from ._export import CSV_COLUMNS, FORMATS
from ._fake import fake
from ._url import base_url_option

__all__ = ["cli", "run"]

T = TypeVar("T")

_EXIT_CODES = exit_codes_epilog(ExitCode)


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
        # Point stdout at devnull so that the interpreter's final flush fails quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(ExitCode.OK)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


def _fail(error: BaseException) -> None:
    """Print ``error`` on one line of stderr and exit with its code."""
    if isinstance(error, httpx.TransportError):
        message = f"no answer from WXM: {type(error).__name__}: {error}"
    else:
        message = str(error) or type(error).__name__
    click.echo(f"wxm: error: {message}", err=True)
    sys.exit(exit_code_for(error))


def _run_async(fn: Callable[[], Awaitable[T]]) -> T:
    """Run ``fn`` under anyio; turn the errors the library raises on purpose into an exit."""
    try:
        return anyio.run(fn)
    except (WXMError, httpx.TransportError) as exc:
        _fail(exc)
        raise AssertionError("unreachable") from exc  # _fail exits


# -- connection options --------------------------------------------------------------

_F = TypeVar("_F", bound=Callable[..., Any])


def _connection_options(fn: _F) -> _F:
    """Add --base-url, --username, --api-key and --password to a command."""
    options = [
        click.option(
            "--base-url",
            envvar=ENV_BASE_URL,
            default=DEFAULT_BASE_URL,
            callback=base_url_option,
            show_default=True,
            help=f"WXM's address. [env: {ENV_BASE_URL}]",
        ),
        click.option(
            "--username",
            "-u",
            help=f"The WXM user name. [env: {ENV_USERNAME}]",
        ),
        click.option(
            "--api-key",
            help=f"An API key (or use --password). Prefer the environment: options show in "
            f"process listings. [env: {ENV_API_KEY}]",
        ),
        click.option(
            "--password",
            help=f"The password, when there is no API key. [env: {ENV_PASSWORD}]",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _client(
    base_url: str, username: str | None, api_key: str | None, password: str | None
) -> tuple[WXMClient, WXMAuth]:
    """Build the command's client from the options, then the environment.

    Raises:
        ConfigurationError: No user name, or neither an API key nor a password.
    """
    username = username or os.environ.get(ENV_USERNAME, "")
    secret = (
        api_key or password or os.environ.get(ENV_API_KEY, "") or os.environ.get(ENV_PASSWORD, "")
    )
    missing = []
    if not username:
        missing.append(f"--username or {ENV_USERNAME}")
    if not secret:
        missing.append(f"--api-key / --password or {ENV_API_KEY} / {ENV_PASSWORD}")
    if missing:
        raise ConfigurationError(f"missing credentials: give {' and '.join(missing)}")
    auth = WXMAuth(username, secret)
    return WXMClient(auth=auth, base_url=base_url), auth


def _prepare(
    base_url: str, username: str | None, api_key: str | None, password: str | None
) -> tuple[WXMClient, WXMAuth]:
    try:
        return _client(base_url, username, api_key, password)
    except ConfigurationError as exc:
        _fail(exc)
        raise AssertionError("unreachable") from exc


# -- the group -----------------------------------------------------------------------


@click.group(epilog=_EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wxm-async", prog_name="wxm")
def cli() -> None:
    """Talk to Webex Experience Management (WXM) from the shell, or run the demo.

    Credentials come from the options or from the environment: WXM_USERNAME and
    WXM_API_KEY (or WXM_PASSWORD); WXM_BASE_URL sets the address. Data goes to stdout,
    messages to stderr.
    """


# -- demo ----------------------------------------------------------------------------


@cli.command(epilog=exit_codes_epilog(LOCAL_EXIT_CODES))
@click.option(
    "--calls",
    type=click.IntRange(min=1),
    default=_demo.DEFAULT_CALLS,
    show_default=True,
    help="How many calls to make.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=_demo.DEFAULT_CONCURRENCY,
    show_default=True,
    help="Calls in flight at once (the client's max_concurrency).",
)
@click.option(
    "--token-lifetime",
    type=click.IntRange(min=_demo.MIN_TOKEN_LIFETIME),
    default=_demo.DEFAULT_TOKEN_LIFETIME,
    show_default=True,
    help="Seconds the fake's tokens live.",
)
def demo(calls: int, concurrency: int, token_lifetime: int) -> None:
    """Run a batch of calls through WXMClient against a fake WXM on 127.0.0.1.

    The fake's tokens live TOKEN_LIFETIME seconds, so they expire several times during
    the run; halfway through, every token is revoked; a few calls meet a 503 or a 429.
    Then a table says what it took. Exits 0 only if every call succeeded.
    """
    stderr = Console(stderr=True)
    progress = Progress(
        TextColumn("[bold]calls"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    )
    task = progress.add_task("calls", total=calls)

    async def go() -> _demo.DemoResult:
        with progress:
            return await _demo.run_demo(
                calls=calls,
                concurrency=concurrency,
                token_lifetime=token_lifetime,
                on_call=lambda: progress.advance(task),
            )

    result = _run_async(go)
    Console().print(_demo_table(result, concurrency=concurrency, token_lifetime=token_lifetime))
    if result.failures:
        click.echo(
            f"wxm: error: {result.failures} of {result.calls} calls failed; the first: "
            f"{result.first_failure}",
            err=True,
        )
        sys.exit(ExitCode.FAILURE)


def _demo_table(result: _demo.DemoResult, *, concurrency: int, token_lifetime: int) -> Table:
    table = Table(title="wxm demo: WXMClient against the fake WXM on 127.0.0.1")
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_column("what it means")
    p50 = _demo.percentile(result.latencies, 0.50) * 1000
    p99 = _demo.percentile(result.latencies, 0.99) * 1000
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
            f"after {_demo.FAULTS_503} injected 503s and {_demo.FAULTS_429} 429s",
        ),
        (
            "quota 429s",
            f"{result.rate_limited:,}",
            f"the fake allows {_demo.QUOTA:,} requests/s; the client paces itself at {_demo.PACE:,}",
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


# -- fake: its own module -----------------------------------------------------------

cli.add_command(fake)


# -- login, api-key ------------------------------------------------------------------


@cli.command(epilog=_EXIT_CODES)
@_connection_options
@click.option("--show-token", is_flag=True, help="Print the access token (a secret).")
def login(
    base_url: str,
    username: str | None,
    api_key: str | None,
    password: str | None,
    show_token: bool,
) -> None:
    """Log in and show the account, role, station and expiry.

    The token is redacted unless --show-token.
    """
    client, auth = _prepare(base_url, username, api_key, password)

    async def go() -> None:
        async with client:
            await client.account.profile()  # the first call logs in

    _run_async(go)
    cached = auth.store.current()
    if cached is None:  # pragma: no cover - a successful call leaves a token
        _fail(WXMError("the login left no token"))
        return
    token = cached.token
    expires = token.expires.isoformat() if token.expires else f"in {token.expires_in} s"
    for name, value in [
        ("account", token.user_name or auth.username),
        ("email", token.email or ""),
        ("role", token.primary_role or ""),
        ("station", token.station or ""),
        ("expires", expires),
        ("token", token.access_token if show_token else "<redacted: --show-token shows it>"),
    ]:
        click.echo(f"{name}: {value}")


@cli.group("api-key")
def api_key_group() -> None:
    """Read or replace the account's API key (a secret: it is printed to stdout)."""


@api_key_group.command("get", epilog=_EXIT_CODES)
@_connection_options
def api_key_get(
    base_url: str, username: str | None, api_key: str | None, password: str | None
) -> None:
    """Print the account's API key."""
    client, _ = _prepare(base_url, username, api_key, password)

    async def go() -> str:
        async with client:
            return await client.account.api_key()

    click.echo(_run_async(go))


@api_key_group.command("generate", epilog=_EXIT_CODES)
@_connection_options
def api_key_generate(
    base_url: str, username: str | None, api_key: str | None, password: str | None
) -> None:
    """Make a new API key and print it; log in with the new key from now on."""
    client, _ = _prepare(base_url, username, api_key, password)

    async def go() -> str:
        async with client:
            return await client.account.generate_api_key()

    click.echo(_run_async(go))


# -- get, post -----------------------------------------------------------------------


def _raw_call(
    method: str,
    path: str,
    body: object,
    connection: tuple[str, str | None, str | None, str | None],
) -> None:
    """Send one call through ``WXMClient.request_raw()``: its retries and 401 recovery."""
    client, _ = _prepare(*connection)

    async def go() -> httpx.Response:
        async with client:
            try:
                return await client.request_raw(method, path, json=body)
            except ConfigurationError as exc:  # the path leaves the base URL: refused unsent
                raise click.BadParameter(str(exc), param_hint="PATH") from None

    response = _run_async(go)
    _print_body(response)


def _print_body(response: httpx.Response) -> None:
    if not response.content:
        return
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        click.echo(response.text)
        return
    indent = 2 if sys.stdout.isatty() else None
    click.echo(json.dumps(data, indent=indent, ensure_ascii=False))


@cli.command(epilog=_EXIT_CODES)
@click.argument("path")
@_connection_options
def get(
    path: str, base_url: str, username: str | None, api_key: str | None, password: str | None
) -> None:
    """GET PATH, such as /api/Questions/Active, and print the JSON answer to stdout."""
    _raw_call("GET", path, None, (base_url, username, api_key, password))


@cli.command(epilog=_EXIT_CODES)
@click.argument("path")
@click.option(
    "--json",
    "body",
    required=True,
    metavar="BODY",
    help="The JSON body: the text itself, @FILE to read a file, or - for stdin.",
)
@_connection_options
def post(
    path: str,
    body: str,
    base_url: str,
    username: str | None,
    api_key: str | None,
    password: str | None,
) -> None:
    """POST the JSON BODY to PATH and print the JSON answer to stdout."""
    _raw_call("POST", path, _parse_json(body), (base_url, username, api_key, password))


def _parse_json(body: str) -> object:
    if body == "-":
        text = sys.stdin.read()
    elif body.startswith("@"):
        try:
            with open(body[1:], encoding="utf-8") as file:
                text = file.read()
        except OSError as exc:
            raise click.BadParameter(
                f"cannot read {body[1:]}: {exc.strerror}", param_hint="--json"
            ) from None
    else:
        text = body
    try:
        return json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--json") from None


# -- responses export ----------------------------------------------------------------


def _iso_datetime(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """Parse an ISO 8601 date or date and time; one without an offset is taken as UTC."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date, such as 2026-11-01T09:30:00Z"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@cli.group()
def responses() -> None:
    """Survey responses."""


@responses.command("export", epilog=_EXIT_CODES)
@click.option(
    "--after",
    callback=_iso_datetime,
    metavar="DATETIME",
    help="Only responses after this moment (ISO 8601; no offset means UTC).",
)
@click.option(
    "--before",
    callback=_iso_datetime,
    metavar="DATETIME",
    help="Only responses before this moment (ISO 8601; no offset means UTC).",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(sorted(FORMATS)),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object per response, as WXM sends it. csv: one row per answer, "
    f"with the columns {', '.join(CSV_COLUMNS)}.",
)
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8", lazy=True),
    default="-",
    help="Where to write; default stdout.",
)
@click.option(
    "--page-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Responses per page asked of WXM.",
)
@_connection_options
def export(
    after: datetime | None,
    before: datetime | None,
    format_: str,
    output: IO[str],
    page_size: int,
    base_url: str,
    username: str | None,
    api_key: str | None,
    password: str | None,
) -> None:
    """Write every matching response to stdout or --output, page after page.

    A progress bar shows on stderr. jsonl writes one JSON object per response; csv one
    row per answer (a response without answers gets one row with the answer columns
    empty).
    """
    if after is not None and before is not None and after >= before:
        raise click.BadParameter("--after must be earlier than --before", param_hint="--after")
    client, _ = _prepare(base_url, username, api_key, password)
    filter = ResponseFilter(after=after, before=before)
    stderr = Console(stderr=True)
    progress = Progress(
        TextColumn("[bold]responses"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    )

    async def go() -> int:
        written = 0
        async with client:
            total = await client.responses.count(filter)
            task = progress.add_task("responses", total=total)
            writer = FORMATS[format_](output)
            with progress:
                async for response in client.responses.iterate(filter, page_size=page_size):
                    writer.write(response)
                    written += 1
                    progress.advance(task)
        return written

    written = _run_async(go)
    output.flush()
    click.echo(f"wxm: exported {written:,} responses", err=True)
