"""``wxm api-key get`` and ``wxm api-key generate``: the account's API key, a secret."""

from __future__ import annotations

import click

from wxm_async import WXMClient

from ._connection import Connection, connection_options
from ._exit import exit_codes_epilog

__all__ = ["api_key"]


@click.group("api-key")
def api_key() -> None:
    """Read or replace the account's API key (a secret: it is printed to stdout)."""


async def _current(client: WXMClient) -> str:
    return await client.account.api_key()


async def _generated(client: WXMClient) -> str:
    return await client.account.generate_api_key()


@api_key.command("get", epilog=exit_codes_epilog())
@connection_options
def get(connection: Connection) -> None:
    """Print the account's API key."""
    click.echo(connection.run(_current))


@api_key.command("generate", epilog=exit_codes_epilog())
@connection_options
def generate(connection: Connection) -> None:
    """Make a new API key and print it; log in with the new key from now on."""
    click.echo(connection.run(_generated))
