"""``wxm get`` and ``wxm post``: one call to any path, its JSON answer on stdout.

They go through ``WXMClient.request_raw()``, so a raw call has the client's login,
retries and 401 recovery, and refuses a path that leaves the base URL.
"""

from __future__ import annotations

import sys

import click
import httpx

from wxm_async import ConfigurationError, WXMClient

from ._connection import Connection, connection_options
from ._exit import exit_codes_epilog
from ._safe_text import json_text, parse_json

__all__ = ["get", "post"]


@click.command(epilog=exit_codes_epilog())
@click.argument("path")
@connection_options
def get(path: str, connection: Connection) -> None:
    """GET PATH, such as /api/Questions/Active, and print the JSON answer to stdout."""
    _call(connection, "GET", path, None)


@click.command(epilog=exit_codes_epilog())
@click.argument("path")
@click.option(
    "--json",
    "body",
    required=True,
    metavar="BODY",
    help="The JSON body: the text itself, @FILE to read a file, or - for stdin.",
)
@connection_options
def post(path: str, body: str, connection: Connection) -> None:
    """POST the JSON BODY to PATH and print the JSON answer to stdout."""
    _call(connection, "POST", path, _parse_json(body))


def _call(connection: Connection, method: str, path: str, body: object) -> None:
    """Send one call and print its answer."""

    async def send(client: WXMClient) -> httpx.Response:
        try:
            return await client.request_raw(method, path, json=body)
        except ConfigurationError as exc:  # the path leaves the base URL: refused unsent
            raise click.BadParameter(str(exc), param_hint="PATH") from None

    _print_body(connection.run(send))


def _print_body(response: httpx.Response) -> None:
    """Print the answer: as JSON if it is JSON we can read, else as its text."""
    if not response.content:
        return
    try:
        data = parse_json(response.content)
    except ValueError:  # not JSON, or nested too deep to read
        click.echo(response.text)
        return
    click.echo(json_text(data, indent=2 if sys.stdout.isatty() else None))


def _parse_json(body: str) -> object:
    """Read ``--json``: the text itself, ``@FILE`` or ``-`` (stdin), as UTF-8 JSON."""
    data: str | bytes = body
    if body == "-":
        if sys.stdin is None:  # started with stdin closed (<&-)
            raise click.BadParameter("- reads stdin, which is closed", param_hint="--json")
        data = sys.stdin.buffer.read()
    elif body.startswith("@"):
        try:
            with open(body[1:], "rb") as file:
                data = file.read()
        except OSError as exc:
            raise click.BadParameter(
                f"cannot read {body[1:]}: {exc.strerror}", param_hint="--json"
            ) from None
    try:
        return parse_json(data)
    except ValueError as exc:
        where = f"{body[1:]} is " if body.startswith("@") else ""
        raise click.BadParameter(f"{where}{exc}", param_hint="--json") from None
