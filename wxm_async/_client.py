"""``WXMClient``: the typed async client over WXM's API, one namespace per area."""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Self

import anyio
import httpx

from ._api import Account, Analytics, Delivery, Questions, Responses, SurveyTokens
from ._auth import WXMAuth
from ._config import base_url_from_env
from ._exceptions import ConfigurationError
from ._http import Sender
from ._rate import RequestRate, TokenBucket
from ._retry import RetryPolicy

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_FIRST_PAGE",
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "WXMClient",
]

DEFAULT_BASE_URL = "https://api.getcloudcherry.com"
"""WXM's API; accounts on other stations use it too (WXM routes them)."""
DEFAULT_TIMEOUT = httpx.Timeout(360.0, connect=10.0)
"""360 s to read an answer, as WXM's own .NET client allows (unpaged responses, summaries
and counts over a large account are slow); 10 s to connect, so a dead host fails fast."""
DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=20)
"""20 connections: WXM's rate limit is low (its docs say 15 requests per some unit)."""
DEFAULT_FIRST_PAGE = 0
"""The number of the first page of responses (WXM's own .NET client starts at 0)."""

try:
    _USER_AGENT = f"wxm-async/{version('wxm-async')}"
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    _USER_AGENT = "wxm-async"


class WXMClient:
    """The typed async client for WXM: ``async with WXMClient(...) as client: ...``.

    It owns one ``httpx.AsyncClient`` (or uses yours), bounds the requests in flight,
    retries what is safe to retry, and turns every error status into an error you can
    branch on. Every area of the API has its namespace: ``questions``, ``responses``,
    ``survey_tokens``, ``delivery``, ``account`` and ``analytics``.

    Example:
        ```python
        async with WXMClient(auth=WXMAuth.from_env()) as client:
            questions = await client.questions.active()
            async for response in client.responses.iterate():
                ...
        ```

    Args:
        auth: How to authenticate: a ``WXMAuth`` (or any ``httpx.Auth``). Required
            unless ``http_client`` is given; see also ``from_env()``.
        base_url: WXM's address. Default ``https://api.getcloudcherry.com``.
        timeout: httpx's timeouts. Default: 360 s to read (as WXM's own client), 10 s
            to connect. The slow queries (``responses.list()``, ``count()``,
            ``analytics.summary()``, ``nps()``) also take a ``timeout`` for one call.
        limits: The connection pool's size. Default: 20 connections.
        transport: An httpx transport, e.g. ``FakeWXM().transport()`` in tests.
        retries: What to retry and how long to wait. Default: ``RetryPolicy()``.
        max_concurrency: The most requests in flight at once; the others wait in the
            client, not in httpx's pool. Default: the pool's ``max_connections``.
        http_client: An ``httpx.AsyncClient`` you own and configured (base URL and auth
            included), instead of the one the client would make. It is not closed by
            ``aclose()``; ``auth``, ``base_url``, ``timeout``, ``limits`` and
            ``transport`` must then be left out.
        first_page: The number of the first page of responses
            (``/api/answers/page/{page}/{rows}``); WXM does not document it, and its
            own .NET client starts at 0 (see "What WXM leaves unsaid" in the docs).
            Sub-user pages start at 1, as in that client.
        rate_limit: Pace the requests to stay under WXM's quota, e.g.
            ``RequestRate(requests=950, per=60)``; every attempt, retries included,
            waits for its turn. Default: no pacing (429s are retried instead).

    Raises:
        ConfigurationError: No ``auth`` (and no ``http_client``), or ``http_client``
            together with options it already has, or a ``max_concurrency`` below 1.

    Attributes:
        questions: The account's questions and questionnaires.
        responses: Survey responses: filtered, paged, counted, annotated.
        survey_tokens: Survey links: create, list, read, delete.
        delivery: Delivery plans, dispatches, templates and events.
        account: Settings, profile, sub-users, the API key and user data.
        analytics: Summaries and the Net Promoter Score.
    """

    def __init__(
        self,
        *,
        auth: httpx.Auth | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: httpx.Timeout | float | None = None,
        limits: httpx.Limits | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: RetryPolicy | None = None,
        max_concurrency: int | None = None,
        http_client: httpx.AsyncClient | None = None,
        first_page: int = DEFAULT_FIRST_PAGE,
        rate_limit: RequestRate | None = None,
    ) -> None:
        if http_client is not None:
            given = [
                name
                for name, value in [
                    ("auth", auth),
                    ("base_url", base_url),
                    ("timeout", timeout),
                    ("limits", limits),
                    ("transport", transport),
                ]
                if value is not None
            ]
            if given:
                raise ConfigurationError(
                    f"pass {', '.join(given)} to your http_client, not to WXMClient"
                )
            self._http = http_client
            self._owns_http = False
        else:
            if auth is None:
                raise ConfigurationError(
                    "WXMClient needs auth=WXMAuth(...), or use WXMClient.from_env()"
                )
            self._http = httpx.AsyncClient(
                base_url=base_url if base_url is not None else DEFAULT_BASE_URL,
                auth=auth,
                timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
                limits=limits if limits is not None else DEFAULT_LIMITS,
                transport=transport,
                headers={"Accept": "application/json", "User-Agent": _USER_AGENT},
            )
            self._owns_http = True
        if max_concurrency is None:
            max_concurrency = (limits or DEFAULT_LIMITS).max_connections or 100
        if rate_limit is not None and not isinstance(rate_limit, RequestRate):
            raise ConfigurationError(
                f"rate_limit must be a RequestRate, e.g. RequestRate(requests=950, per=60), "
                f"not {type(rate_limit).__name__}"
            )
        if max_concurrency < 1:
            raise ConfigurationError(f"max_concurrency must be 1 or more, not {max_concurrency}")
        self._sender = Sender(
            self._http,
            anyio.CapacityLimiter(max_concurrency),
            retries if retries is not None else RetryPolicy(),
            rate=TokenBucket(rate_limit) if rate_limit is not None else None,
        )
        self.questions = Questions(self._sender)
        self.responses = Responses(self._sender, first_page)
        self.survey_tokens = SurveyTokens(self._sender)
        self.delivery = Delivery(self._sender)
        self.account = Account(self._sender)
        self.analytics = Analytics(self._sender)

    @classmethod
    def from_env(
        cls,
        *,
        environ: Mapping[str, str] | None = None,
        retries: RetryPolicy | None = None,
        max_concurrency: int | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> Self:
        """Build a client from ``WXM_USERNAME``, ``WXM_API_KEY`` (or ``WXM_PASSWORD``) and ``WXM_BASE_URL``.

        Args:
            environ: Where to read the variables; default ``os.environ``.
            retries: As for the constructor.
            max_concurrency: As for the constructor.
            transport: As for the constructor.

        Raises:
            ConfigurationError: A variable is missing; the message names it.
        """
        environ = os.environ if environ is None else environ
        return cls(
            auth=WXMAuth.from_env(environ=environ),
            base_url=base_url_from_env(environ) or DEFAULT_BASE_URL,
            retries=retries,
            max_concurrency=max_concurrency,
            transport=transport,
        )

    @property
    def http(self) -> httpx.AsyncClient:
        """The ``httpx.AsyncClient`` the calls go through."""
        return self._http

    def __repr__(self) -> str:
        return f"WXMClient(base_url={str(self._http.base_url)!r})"

    async def aclose(self) -> None:
        """Close the connections, unless the ``httpx.AsyncClient`` was yours."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        if self._owns_http:
            await self._http.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
