"""A client without credentials, for the survey calls that take none."""

from __future__ import annotations

from collections.abc import Generator

import httpx

from ._exceptions import ConfigurationError
from ._redact import redacted

__all__ = ["AnonymousAuth"]


class AnonymousAuth(httpx.Auth):
    """No credentials: for a survey front end that only shows and submits surveys.

    ``WXMClient(auth=AnonymousAuth())`` makes a client whose ``client.surveys`` calls
    work (they never send credentials, whatever the client holds), and whose other
    calls, which need the account, raise ``ConfigurationError`` before anything is sent.

    Example:
        ```python
        async with WXMClient(auth=AnonymousAuth()) as survey_client:
            survey = await survey_client.surveys.get("DM-10001")
        ```
    """

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Refuse the request: it needs the account's credentials.

        Raises:
            ConfigurationError: Always; only ``client.surveys`` works without credentials.
        """
        raise ConfigurationError(
            f"{request.method} {request.url.path} needs the account's credentials, and this "
            "client was built with AnonymousAuth(): only client.surveys works without them; "
            "use auth=WXMAuth(...) for the rest",
            request=redacted(request),  # the client's cookies stay behind
        )

    def __repr__(self) -> str:
        return "AnonymousAuth()"
