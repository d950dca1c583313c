"""Where WXM is and who logs in: the options every command that calls WXM takes.

``@connection_options`` gives a command ``--base-url``, ``--username``, ``--api-key``
and ``--password``, and hands it one ``Connection`` in their place. The command then
calls WXM with ``connection.run(...)``: it builds the ``WXMClient``, runs the call under
anyio and ends the command with ``fail`` on an expected failure.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
from attrs import field, frozen

from wxm_async import (
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_PASSWORD,
    ENV_USERNAME,
    ConfigurationError,
    WXMAuth,
    WXMClient,
)
from wxm_async.defaults import DEFAULT_BASE_URL

from ._outcome import fail, run_async
from ._url import base_url_option

__all__ = ["Connection", "connection_options"]

T = TypeVar("T")


@frozen(kw_only=True)
class Connection:
    """The four connection options as given; the environment fills in the rest on use.

    Attributes:
        base_url: WXM's address, already checked by ``base_url_option``.
        username: ``--username``, if given.
        api_key: ``--api-key``, if given (a secret: not in the repr).
        password: ``--password``, if given (a secret: not in the repr).
    """

    base_url: str
    username: str | None
    api_key: str | None = field(repr=False)
    password: str | None = field(repr=False)

    def auth(self) -> WXMAuth:
        """Return a ``WXMAuth`` from the options, then the environment; else ``fail``.

        Missing credentials end the command with ``ExitCode.CONFIGURATION``.
        """
        username = self.username or os.environ.get(ENV_USERNAME, "")
        secret = (
            self.api_key
            or self.password
            or os.environ.get(ENV_API_KEY, "")
            or os.environ.get(ENV_PASSWORD, "")
        )
        missing = []
        if not username:
            missing.append(f"--username or {ENV_USERNAME}")
        if not secret:
            missing.append(f"--api-key / --password or {ENV_API_KEY} / {ENV_PASSWORD}")
        if missing:
            fail(ConfigurationError(f"missing credentials: give {' and '.join(missing)}"))
        try:
            return WXMAuth(username, secret)
        except ConfigurationError as exc:  # not UTF-8 (bytes of another locale)
            fail(exc)

    def run(self, call: Callable[[WXMClient], Awaitable[T]], *, auth: WXMAuth | None = None) -> T:
        """Open a ``WXMClient``, await ``call(client)``, close it; return what it returned.

        Args:
            call: What to do with the client.
            auth: The login to use; default a new one from ``auth()``. Pass your own to
                read its token afterwards.

        Returns:
            What ``call`` returned. An expected failure ends the command (``fail``).
        """
        auth = auth if auth is not None else self.auth()

        async def go() -> T:
            async with WXMClient(auth=auth, base_url=self.base_url) as client:
                return await call(client)

        return run_async(go)


_OPTIONS = (
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
)


def connection_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the four connection options to ``command``; it gets them as ``connection=``."""

    @functools.wraps(command)
    def with_connection(
        *,
        base_url: str,
        username: str | None,
        api_key: str | None,
        password: str | None,
        **options: Any,
    ) -> None:
        connection = Connection(
            base_url=base_url, username=username, api_key=api_key, password=password
        )
        command(connection=connection, **options)

    for option in reversed(_OPTIONS):
        with_connection = option(with_connection)
    return with_connection
