"""``WXMClient``: the typed async client over WXM's API, one namespace per area."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import anyio
import httpx

from ._api import Account, Analytics, Delivery, Questions, Responses, Surveys, SurveyTokens
from ._auth import WXMAuth
from ._body import DEFAULT_MAX_ANSWER_BYTES, json_body
from ._config import (
    base_url_from_env,
    check_client_options,
    check_kind,
    check_number,
    check_timeout,
)
from ._emit import Emitter
from ._exceptions import ConfigurationError
from ._http import Sender
from ._paths import QueryParams, caller_path
from ._rate import Pacer, RequestRate
from ._redact import redacted
from ._retry import RetryPolicy
from ._version import __version__
from ._watch import watch
from .events import EventCallback

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

_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

_USER_AGENT = f"wxm-async/{__version__}"


class WXMClient:
    """The typed async client for WXM: ``async with WXMClient(...) as client: ...``.

    It owns one ``httpx.AsyncClient`` (or uses yours), bounds the requests in flight,
    retries what is safe to retry, and turns every error status into an error you can
    branch on. Each area of the API is a namespace (see Attributes).

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
        max_answer_bytes: The largest answer (or error body) read, in bytes once
            decoded; a larger one raises ``ResponseTooLargeError``. Default 64 MiB,
            about 90,000 survey responses in one answer.
        rate_limit: Pace the requests to stay under WXM's quota, e.g.
            ``RequestRate(requests=950, per=60)``; every attempt, retries included,
            waits for its turn. Default: no pacing (429s are retried instead).
        on_event: A function called with the events (``wxm_async.events``) of each call
            and of its ``WXMAuth``'s logins. It runs inline: keep it cheap. If it
            raises, the call goes on and the error is logged once.

    Raises:
        ConfigurationError: No ``auth`` (and no ``http_client``), or ``http_client``
            together with options it already has, or a number that is NaN, infinite
            or out of range (``max_concurrency`` below 1, a negative timeout, ...),
            ``retries`` or ``rate_limit`` of the wrong type, or ``on_event`` is not
            callable.

    Attributes:
        questions: The account's questions and questionnaires.
        responses: Survey responses: filtered, paged, counted, annotated.
        survey_tokens: Survey links: create, find, update, delete, QR codes, CSV import.
        delivery: Delivery plans, dispatches, templates, events and invitations.
        account: Settings, profile, sub-users, the API key, user data and logout.
        analytics: Summaries and the Net Promoter Score.
        surveys: Show, answer and save surveys by token, without credentials.
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
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        rate_limit: RequestRate | None = None,
        on_event: EventCallback | None = None,
    ) -> None:
        check_client_options(timeout, limits, first_page, max_answer_bytes)
        self._events = Emitter(on_event)  # first: it refuses an on_event not callable
        self._owns_http = http_client is None
        self._http = _http_client(
            http_client, auth=auth, base_url=base_url, timeout=timeout, limits=limits,
            transport=transport,
        )  # fmt: skip
        if max_concurrency is None:
            max_concurrency = (limits or DEFAULT_LIMITS).max_connections or 100
        check_kind("rate_limit", rate_limit, RequestRate, "RequestRate(requests=950, per=60)")
        check_kind("retries", retries, RetryPolicy, "RetryPolicy(attempts=3)")
        check_number("max_concurrency", max_concurrency, at_least=1, whole=True)
        self._first_page = first_page
        if on_event is not None:
            watch(self._events, self._http, on_event)
        self._attach(
            Sender(
                self._http,
                anyio.CapacityLimiter(max_concurrency),
                retries if retries is not None else RetryPolicy(),
                max_answer_bytes=max_answer_bytes,
                rate=Pacer(rate_limit) if rate_limit is not None else None,
                events=self._events,
            )
        )

    def _attach(self, sender: Sender) -> None:
        """Send every call through ``sender``: the namespaces over it."""
        self._sender = sender
        self.questions = Questions(sender)
        self.responses = Responses(sender, self._first_page)
        self.survey_tokens = SurveyTokens(sender)
        self.delivery = Delivery(sender)
        self.account = Account(sender)
        self.analytics = Analytics(sender)
        self.surveys = Surveys(sender)

    @classmethod
    def from_env(
        cls,
        *,
        environ: Mapping[str, str] | None = None,
        retries: RetryPolicy | None = None,
        max_concurrency: int | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        on_event: EventCallback | None = None,
    ) -> Self:
        """Build a client from ``WXM_USERNAME``, ``WXM_API_KEY`` (or ``WXM_PASSWORD``) and ``WXM_BASE_URL``.

        Args:
            environ: Where to read the variables; default ``os.environ``.
            retries: As for the constructor.
            max_concurrency: As for the constructor.
            transport: As for the constructor.
            max_answer_bytes: As for the constructor.
            on_event: As for the constructor.

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
            max_answer_bytes=max_answer_bytes,
            on_event=on_event,
        )

    def with_options(
        self,
        *,
        timeout: httpx.Timeout | float | None = None,
        retries: RetryPolicy | None = None,
        max_concurrency: int | None = None,
    ) -> Self:
        """Return a client for one slow call or one batch, with other options.

        It shares this client's connection pool and auth (so its token and login), and
        its bound on requests in flight unless ``max_concurrency`` is given. It does
        not own them: closing it, or dropping it, closes nothing; this client still
        does, and the other one stops working once this one is closed.

        Example:
            ```python
            slow = client.with_options(timeout=300, retries=RetryPolicy.off())
            report = await slow.analytics.summary()
            ```

        Args:
            timeout: httpx's timeouts for its calls (and a login they wait on), in
                seconds or as an ``httpx.Timeout``. Default: this client's.
            retries: Its retry policy. Default: this client's.
            max_concurrency: The most of *its* requests in flight at once, counted
                apart from this client's. Default: it shares this client's bound.

        Returns:
            A new ``WXMClient``; this one is unchanged.

        Raises:
            ConfigurationError: ``timeout`` is not a positive finite number (or
                ``httpx.Timeout`` of them), ``retries`` is not a ``RetryPolicy``, or
                ``max_concurrency`` is below 1.
        """
        check_timeout("timeout", timeout)
        check_kind("retries", retries, RetryPolicy, "RetryPolicy(attempts=3)")
        if max_concurrency is not None:
            check_number("max_concurrency", max_concurrency, at_least=1, whole=True)
        derived = copy.copy(self)
        derived._owns_http = False  # the pool and the auth stay this client's
        derived._attach(self._sender.derived(timeout, retries, max_concurrency))
        return derived

    @property
    def http(self) -> httpx.AsyncClient:
        """The ``httpx.AsyncClient`` the calls go through."""
        return self._http

    def __repr__(self) -> str:
        url = self._http.base_url
        shown = url.copy_with(userinfo=b"") if url.userinfo else url  # user:password@
        return f"WXMClient(base_url={str(shown)!r})"

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params: QueryParams | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Call any WXM endpoint, with the client's retries, errors and 401 recovery.

        For endpoints the namespaces do not cover yet. The answer is not decoded into a
        model: you get WXM's JSON as Python values.

        Example:
            ```python
            plans = await client.request("GET", "/api/DeliveryPlans", params={"page": 1})
            ```

        Args:
            method: The HTTP method, e.g. ``"GET"`` or ``"POST"``.
            path: A path below the base URL, e.g. ``/api/Questions/Active``; its query
                string is kept. Not a full URL: the token must not go elsewhere.
            json: The JSON body (dicts, lists, strings, numbers, ``True``/``False``; a
                model is sent in WXM's wire format), or ``None`` to send no body.
            params: Query parameters to add, e.g. ``{"page": 1, "tag": ["a", "b"]}``.
            idempotent: Whether the call may safely be sent twice after a connection
                failure or an error status such as 503. Default: true for ``GET``,
                ``HEAD``, ``OPTIONS``, ``PUT`` and ``DELETE``. (A 429 is always retried:
                WXM did not act on it.)

        Returns:
            The parsed JSON answer (a ``dict``, ``list``, ``str``, number, ``bool``),
            or ``None`` when the answer has no body.

        Raises:
            ConfigurationError: ``path`` is a full URL, or climbs out of the base URL
                with ``..``.
            APIStatusError: WXM answered with an error status (the subclass for it).
            APIConnectionError: No answer, after the retries.
            DecodeError: The answer has a body that is not JSON (see ``request_raw()``).
        """
        response = await self.request_raw(
            method, path, json=json, params=params, idempotent=idempotent
        )
        if not response.content:
            return None
        request = redacted(response.request)
        return json_body(response, what=f"the answer to {request.method} {path}", request=request)

    async def request_raw(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params: QueryParams | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Like ``request()``, but return WXM's successful answer as an ``httpx.Response``.

        For the headers, the status, or a body that is not JSON. The response is read
        (``.content``, ``.text``, ``.json()``); error statuses still raise.

        Args:
            method: As for ``request()``.
            path: As for ``request()``.
            json: As for ``request()``.
            params: As for ``request()``.
            idempotent: As for ``request()``.

        Returns:
            The successful (2xx) response, read.

        Raises:
            ConfigurationError: As for ``request()``.
            APIStatusError: As for ``request()``.
            APIConnectionError: As for ``request()``.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in _IDEMPOTENT
        return await self._sender.send(
            method, caller_path(path, params), body=json, idempotent=idempotent
        )

    async def aclose(self) -> None:
        """Close the connections, unless the ``httpx.AsyncClient`` was yours."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        if self._owns_http:
            await self._sender.open()  # once: a ConfigurationError, not httpx's RuntimeError
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _http_client(
    given: httpx.AsyncClient | None,
    *,
    auth: httpx.Auth | None,
    base_url: str | httpx.URL | None,
    timeout: httpx.Timeout | float | None,
    limits: httpx.Limits | None,
    transport: httpx.AsyncBaseTransport | None,
) -> httpx.AsyncClient:
    """The caller's ``http_client`` (with none of the options it already has), or ours.

    Raises:
        ConfigurationError: ``http_client`` together with an option it already has, or
            neither ``http_client`` nor ``auth``.
    """
    if given is not None:
        options: dict[str, object] = {"auth": auth, "base_url": base_url, "timeout": timeout}
        options |= {"limits": limits, "transport": transport}
        named = [name for name, value in options.items() if value is not None]
        if named:
            raise ConfigurationError(
                f"pass {', '.join(named)} to your http_client, not to WXMClient"
            )
        return given
    if auth is None:
        raise ConfigurationError("WXMClient needs auth=WXMAuth(...), or use WXMClient.from_env()")
    return httpx.AsyncClient(
        base_url=base_url if base_url is not None else DEFAULT_BASE_URL,
        auth=auth,
        timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
        limits=limits if limits is not None else DEFAULT_LIMITS,
        transport=transport,
        headers={"Accept": "application/json", "User-Agent": _USER_AGENT},
    )
