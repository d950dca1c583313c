"""``wxm login``: log in, and show who WXM took us for and until when."""

from __future__ import annotations

import click

from wxm_async import WXMClient, WXMError

from ._connection import Connection, connection_options
from ._exit import exit_codes_epilog
from ._outcome import fail
from ._safe_text import inert

__all__ = ["login"]


async def _first_call(client: WXMClient) -> None:
    await client.account.profile()  # the first call logs in


@click.command(epilog=exit_codes_epilog())
@connection_options
@click.option("--show-token", is_flag=True, help="Print the access token (a secret).")
def login(connection: Connection, show_token: bool) -> None:
    """Log in and show the account, role, station and expiry.

    The token is redacted unless --show-token.
    """
    auth = connection.auth()
    connection.run(_first_call, auth=auth)
    cached = auth.store.current()
    if cached is None:  # pragma: no cover - a successful call leaves a token
        fail(WXMError("the login left no token"))
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
        click.echo(f"{name}: {inert(value)}")  # WXM's words: no escape reaches the terminal
