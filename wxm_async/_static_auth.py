"""The two other ways to authenticate: HTTP Basic (development only) and a held token."""

from __future__ import annotations

import warnings
from collections.abc import Generator, Iterator
from contextlib import contextmanager

import httpx

from ._config import two_factor_parts
from ._exceptions import ConfigurationError
from ._models import AccessToken

__all__ = ["BasicAuthWarning", "WXMBasicAuth", "WXMBearerAuth"]


class BasicAuthWarning(UserWarning):
    """HTTP Basic sends the password with every request; WXM accepts it for development only."""


class WXMBasicAuth(httpx.BasicAuth):
    """HTTP Basic with the user name and password (or API key), for development only.

    WXM accepts Basic on its normal endpoints, but it sends the secret with every
    request; use ``WXMAuth`` in production. Constructing one warns with
    ``BasicAuthWarning`` (once per calling line, under Python's default warning filters).

    Args:
        username: The WXM user name.
        password: The password or API key.

    Raises:
        ConfigurationError: ``username`` or ``password`` is empty.
    """

    def __init__(self, username: str, password: str) -> None:
        if not username or not password:
            raise ConfigurationError("WXMBasicAuth needs a user name and a password or API key")
        warnings.warn(
            "HTTP Basic sends the WXM password with every request and is for development "
            "only: use WXMAuth in production",
            BasicAuthWarning,
            stacklevel=2,
        )
        super().__init__(username, password)
        self._username = two_factor_parts(username)[0]  # "user#123456": the code is a secret

    def __repr__(self) -> str:
        return f"WXMBasicAuth(username={self._username!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Set the ``Authorization`` header; take it off again if the send fails."""
        with _forgotten_on_failure(request):
            yield from super().auth_flow(request)


class WXMBearerAuth(httpx.Auth):
    """Send a bearer token the caller already holds, as it is.

    Nothing is refreshed or replayed: when the token expires, WXM's 401 reaches the
    caller. For a token that renews itself, use ``WXMAuth``.

    Args:
        token: The access token, as a string or as the ``AccessToken`` of a login.

    Raises:
        ConfigurationError: The token is empty.
    """

    def __init__(self, token: str | AccessToken) -> None:
        value = token.access_token if isinstance(token, AccessToken) else token
        if not value:
            raise ConfigurationError("WXMBearerAuth needs a token")
        self._authorization = f"Bearer {value}"

    def __repr__(self) -> str:
        return "WXMBearerAuth(token=<hidden>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Set the ``Authorization`` header and send the request."""
        with _forgotten_on_failure(request):
            request.headers["Authorization"] = self._authorization
            yield request


@contextmanager
def _forgotten_on_failure(request: httpx.Request) -> Iterator[None]:
    """Take the credentials off ``request`` if sending it fails or is abandoned.

    httpx's transport errors carry the request, and the client's own errors chain
    them: the request keeps no secret for them to carry (as ``WXMAuth``'s does).
    """
    try:
        yield
    except BaseException:
        request.headers.pop("Authorization", None)
        raise
