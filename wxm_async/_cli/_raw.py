"""``wxm get`` and ``wxm post``: one call to any path, its JSON answer on stdout.

They go through ``WXMClient.request_raw()``, so a raw call has the client's login,
retries and 401 recovery, and refuses a path that leaves the base URL.
"""

from __future__ import annotations

import json
import sys

import click
import httpx

from wxm_async import ConfigurationError, WXMClient

from ._connection import Connection, connection_options
from ._exit import exit_codes_epilog

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
    if not response.content:
        return
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        click.echo(response.text)
        return
    indent = 2 if sys.stdout.isatty() else None
    click.echo(json.dumps(data, indent=indent, ensure_ascii=False))


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
