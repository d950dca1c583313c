"""``wxm fake``: serve the fake WXM on 127.0.0.1 until Ctrl-C (or SIGTERM).

For trying ``wxm``, curl or an app in another language against something that answers
like WXM, without an account. It prints the address and the credentials as ``export``
lines on stdout, and a few words on stderr; then it serves until it is stopped.
"""

from __future__ import annotations

import shlex
import signal
import sys

import anyio
import click

from wxm_async import ENV_API_KEY, ENV_BASE_URL, ENV_PASSWORD, ENV_USERNAME
from wxm_async.testing import FAKE_PASSWORD, FAKE_USERNAME, FakeWXM, RateLimit, serve

from ._exit import LOCAL_EXIT_CODES, ExitCode, exit_codes_epilog

__all__ = ["fake"]

HOST = "127.0.0.1"
"""Only loopback: the fake has no TLS and well-known passwords."""
DEFAULT_TOKEN_LIFETIME = 43_200
"""WXM's own: twelve hours."""


@click.command(epilog=exit_codes_epilog(LOCAL_EXIT_CODES))
@click.option(
    "--port",
    type=click.IntRange(0, 65_535),
    default=0,
    show_default=True,
    help="The port on 127.0.0.1; 0 picks a free one.",
)
@click.option(
    "--token-lifetime",
    type=click.IntRange(min=2),
    default=DEFAULT_TOKEN_LIFETIME,
    show_default=True,
    help="Seconds the tokens it issues live (WXM's: 43200).",
)
@click.option(
    "--username",
    default=FAKE_USERNAME,
    show_default=True,
    help="The account's user name.",
)
@click.option(
    "--password",
    default=FAKE_PASSWORD,
    show_default=True,
    help="The account's password.",
)
@click.option(
    "--responses",
    type=click.IntRange(0, 1_000_000),
    default=120,
    show_default=True,
    help="How many survey responses the account has.",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=1),
    metavar="N",
    help="Answer 429 past N requests a second per user, as WXM does. Default: no limit.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seeds the generated data.")
def fake(
    port: int,
    token_lifetime: int,
    username: str,
    password: str,
    responses: int,
    rate_limit: int | None,
    seed: int,
) -> None:
    """Serve a fake WXM on 127.0.0.1 until Ctrl-C, for wxm, curl or any app.

    It answers like WXM: its login, the API's routes with generated data, WXM's errors.
    Its address and credentials are printed as export lines on stdout (WXM_BASE_URL,
    WXM_USERNAME, WXM_PASSWORD, WXM_API_KEY), so that another shell can paste them.
    Its state lives in memory and ends with it.
    """
    if not username or not password:
        raise click.BadParameter("must not be empty", param_hint="--username / --password")
    wxm = FakeWXM(
        accounts={username: password},
        token_lifetime=token_lifetime,
        responses=responses,
        seed=seed,
        rate_limit=RateLimit(requests=rate_limit, per=1.0) if rate_limit else None,
    )

    try:
        anyio.run(_serve, wxm, port, username, password)
    except OSError as exc:
        click.echo(f"wxm: error: cannot listen on {HOST}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(ExitCode.FAILURE)


async def _serve(wxm: FakeWXM, port: int, username: str, password: str) -> None:
    """Serve ``wxm`` until SIGINT or SIGTERM; print its exports first, a summary after."""
    # The signals end the block below normally, so the server shuts down cleanly.
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async with serve(wxm, host=HOST, port=port) as url:
            for name, value in [
                (ENV_BASE_URL, str(url)),
                (ENV_USERNAME, username),
                (ENV_PASSWORD, password),
                (ENV_API_KEY, wxm.api_key(username)),
            ]:
                click.echo(f"export {name}={shlex.quote(value)}")
            click.echo(f"wxm fake: serving a fake WXM at {url}; Ctrl-C stops it", err=True)
            async for _ in signals:
                break
    logins, requests = wxm.logins, sum(wxm.requests.values())
    click.echo(
        f"wxm fake: stopped after {logins:,} login{'s' * (logins != 1)} and "
        f"{requests:,} request{'s' * (requests != 1)}",
        err=True,
    )
