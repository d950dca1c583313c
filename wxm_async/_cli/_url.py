"""What the ``wxm`` command accepts as ``--base-url``, and the one-line error otherwise.

httpx parses more than WXM can be reached at: ``http://127.0.0.1:99999`` parses, then
fails deep in the socket layer with an ``OverflowError``; ``ftp://...`` parses, then fails
as if the network were down. Checked here first, each is one line naming what is wrong.
"""

from __future__ import annotations

import re

import click
import httpx
from click.core import ParameterSource

from ._exit import ExitCode

__all__ = ["BadBaseURL", "base_url_option", "check_base_url"]

_HOST = re.compile(r"[A-Za-z0-9.-]+")  # after IDNA: letters, digits, dots and hyphens
_MAX_PORT = 65_535
# A user name and password before the host ("https://user:secret@host", "user:secret@host"):
# never shown, whatever else is wrong with the URL.
_USERINFO = re.compile(r"^((?:[^:/?#]*:)?//)?[^/?#]*@")


def _shown(value: str) -> str:
    """``value`` quoted for a message, its user name and password (if any) masked."""
    return repr(_USERINFO.sub(lambda match: f"{match.group(1) or ''}***@", value, count=1))


def check_base_url(value: str) -> httpx.URL:
    """Return ``value`` parsed, if WXM could answer there.

    Args:
        value: The ``--base-url`` (or ``WXM_BASE_URL``) as given.

    Returns:
        The URL: http or https, a host, a port from 1 to 65535 if any, no user
        name or password, no query and no fragment.

    Raises:
        ValueError: Why it cannot be WXM's address, in a few words.
    """
    shown = _shown(value)
    if "://" not in value:  # httpx would read "localhost:8000" as the scheme "localhost"
        raise ValueError(f"{shown}: give the whole URL, such as https://api.getcloudcherry.com")
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL as exc:
        raise ValueError(f"{shown} is not a URL: {exc}") from None
    if url.scheme not in {"http", "https"}:
        given = f"not {url.scheme}://" if url.scheme else "and it has none"
        raise ValueError(f"{shown}: the scheme must be http:// or https://, {given}")
    if not url.host:
        raise ValueError(f"{shown} has no host")
    if ":" not in url.host and not _HOST.fullmatch(url.host):  # ":": an IPv6 address
        raise ValueError(f"{shown}: {url.host!r} is not a host name")
    if url.port is not None and not 1 <= url.port <= _MAX_PORT:
        raise ValueError(f"{shown}: the port must be from 1 to {_MAX_PORT}, not {url.port}")
    if url.userinfo:
        # It would show in messages; and WXM logs in with a form, not with these.
        raise ValueError("the URL holds a user name or password: give them as --username etc.")
    if url.query or url.fragment:
        raise ValueError(f"{shown}: a base URL has no query (?...) or fragment (#...)")
    return url


class BadBaseURL(click.ClickException):
    """A ``--base-url`` WXM cannot be at: one line on stderr, a usage error's exit code.

    Args:
        message: Why, in a few words.
        source: Where the URL came from: ``--base-url`` or the environment variable.
    """

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, *, source: str) -> None:
        super().__init__(message)
        self.source = source

    def show(self, file: object = None) -> None:
        """Print ``wxm: error: --base-url ...`` on stderr."""
        click.echo(f"wxm: error: {self.source} {self.format_message()}", err=True)


def base_url_option(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Check ``--base-url`` as click parses it (a callback), before anything else runs.

    Raises:
        BadBaseURL: ``check_base_url`` refused it.
    """
    try:
        check_base_url(value)
    except ValueError as exc:
        from_env = ctx.get_parameter_source(param.name or "") is ParameterSource.ENVIRONMENT
        source = param.envvar if from_env and isinstance(param.envvar, str) else "--base-url"
        raise BadBaseURL(str(exc), source=source) from None
    return value
