"""Every error wxm_async raises on purpose.

The tree::

    WXMError                      the root: catch this to catch everything below
    ├── ConfigurationError        bad or missing configuration (arguments, environment)
    ├── DecodeError               an answer the library could not decode
    ├── ResponseTooLargeError     an answer larger, once decoded, than the library reads
    ├── PaginationError           a paged listing repeated a page instead of going on
    ├── LoginInterruptedError     the login a request waited on never completed
    ├── RequestNotReplayableError a 401 met a request whose body was a stream
    ├── TokenStoreError           a shared token store could not be read or written
    ├── APIConnectionError        WXMClient: no answer (connection refused, reset, ...)
    │   └── APITimeoutError       WXMClient: no answer in time
    └── APIStatusError            WXM answered with an error status
        ├── BadRequestError       400
        ├── AuthenticationError   a rejected login (400/401), or 401 after the replay
        │   └── TwoFactorRequiredError  the login needs a two-factor code
        ├── PermissionDeniedError 403
        ├── NotFoundError         404
        ├── ConflictError         409
        ├── UnprocessableEntityError  422
        ├── RateLimitedError      429, with ``retry_after``
        └── ServerError           5xx

Every error carries ``.request``: the request it concerns, or ``None`` where there is
none. That request is a copy without the ``Authorization`` header; errors about a login
carry a copy of the login request *without its body*, so that the password never
travels with an exception. Status errors also carry ``.response``, the read answer (its
``.request`` is that same copy), and ``.headers``, its headers. No message contains a password, an API key or an access
token.

Transport failures (connection refused, timeouts) of requests sent through a plain
``httpx.AsyncClient`` with ``WXMAuth`` stay httpx's own exceptions
(``httpx.TransportError``): httpx raises them outside the auth flow, where the flow
cannot see them. ``WXMClient`` turns them into ``APIConnectionError``.
"""

from __future__ import annotations

import copy

import httpx

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "DecodeError",
    "LoginInterruptedError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RequestNotReplayableError",
    "ResponseTooLargeError",
    "ServerError",
    "TokenStoreError",
    "TwoFactorRequiredError",
    "UnprocessableEntityError",
    "WXMError",
    "error_for_status",
    "login_rejected",
]


class WXMError(Exception):
    """The root of every error wxm_async raises on purpose.

    Attributes:
        request: The request this error concerns, or ``None``.
    """

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only constructors defeat BaseException's default: copy and pickle
        # rebuild the error from its attributes instead.
        return (_restore, (type(self), self.args, self.__dict__.copy()))


def _restore(cls: type[WXMError], args: tuple[object, ...], state: dict[str, object]) -> WXMError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigurationError(WXMError):
    """The library was set up wrongly: a missing environment variable, a bad argument."""


class DecodeError(WXMError):
    """WXM answered with a body the library could not decode.

    The message says what was expected and where, with cattrs' paths
    (``expected int @ $.expires_in``). It never quotes the body, which may hold secrets.
    """


class ResponseTooLargeError(WXMError):
    """An answer was larger, once decoded, than the library agrees to read.

    It guards against compression bombs (a few kilobytes that inflate to gigabytes) and
    against servers that never stop sending. The cap is ``WXMClient(max_answer_bytes=)``
    for the API's answers and their error bodies, and 64 KiB for a login answer. The
    body is not kept.

    Attributes:
        limit: The cap that was exceeded, in decoded bytes.
    """

    def __init__(self, message: str, *, request: httpx.Request | None, limit: int) -> None:
        super().__init__(message, request=request)
        self.limit = limit


class PaginationError(WXMError):
    """A paged listing sent the same page again instead of the next one.

    Raised by ``PageIterator`` when a page has the ``currentPage`` of the page before,
    or the same items: a server that ignores the page number would otherwise be asked
    for pages forever. The items yielded before it are all distinct.
    """


class LoginInterruptedError(WXMError):
    """The login this request waited on was abandoned, twice in a row.

    A login is abandoned when the request performing it is cancelled or fails in
    transport (connection refused, timeout). The requests waiting on it then try once
    more; if that second login is abandoned too, they fail with this error instead of
    queueing up one slow login after another.
    """


class RequestNotReplayableError(WXMError):
    """A 401 met a request whose body was a stream, so it cannot be replayed safely.

    Streams are iterators and multipart uploads (``files=``): a second read could send
    an empty or partial body.

    Build such requests from bytes, ``json=`` or ``data=``, or call ``request.read()``
    before sending, if they must survive a token that WXM revoked.
    """


class APIConnectionError(WXMError):
    """``WXMClient`` got no answer: the connection failed, was refused or was dropped.

    Raised after the client's retries, if the request was one it retries. The httpx
    exception is the ``__cause__``.
    """


class APITimeoutError(APIConnectionError):
    """``WXMClient`` got no answer in time (one of httpx's timeouts)."""


class TokenStoreError(WXMError):
    """A shared token store (a file, Redis) could not be read or written.

    The message names the store (the file's path, the Redis key) and the operating
    system's or Redis's reason; never the token.
    """


class APIStatusError(WXMError):
    """WXM answered with an error status where the library needed a success.

    ``WXMClient`` raises it (or the subclass for the status) for every error status;
    ``WXMAuth`` alone raises it for the login only, and hands the statuses of the
    caller's own requests back as responses, as httpx does.

    Attributes:
        status_code: The HTTP status code.
        body: The decoded JSON body, the text of a body that is not JSON, or ``None``.
        response: WXM's answer, read, or ``None`` for an error built without one. Its
            ``.request`` is this error's ``request``: a copy without the
            ``Authorization`` header (and, for a login, without the password); it
            keeps no ``history`` and no ``next_request``, which would.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None,
        status_code: int,
        body: object = None,
        response: httpx.Response | None = None,
    ) -> None:
        if response is not None:
            # The error must never carry the request that went out (its Authorization
            # header, a login's password): its response points at the redacted copy.
            if request is None:
                request = httpx.Request(response.request.method, response.request.url)
            response = copy.copy(response)  # a read copy, detached from the connection
            response.request = request
            # httpx's history (the login, a 401 before a replay) and a redirect's next
            # request carry the requests as sent, with their Authorization header.
            response.history = []
            response.next_request = None
        super().__init__(message, request=request)
        self.status_code = status_code
        self.body = body
        self.response = response

    @property
    def headers(self) -> httpx.Headers:
        """The headers of WXM's answer (empty when the error has no ``response``)."""
        return self.response.headers if self.response is not None else httpx.Headers()


class AuthenticationError(APIStatusError):
    """WXM rejected the login (400 or 401 from ``/api/LoginToken``).

    Attributes:
        error: WXM's ``error`` code of a rejected login (``"invalid_grant"``,
            ``"two_factor"``, ...), or ``None``.
        error_description: WXM's explanation of a rejected login, or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None,
        status_code: int,
        body: object = None,
        response: httpx.Response | None = None,
        error: str | None = None,
        error_description: str | None = None,
    ) -> None:
        super().__init__(
            message, request=request, status_code=status_code, body=body, response=response
        )
        self.error = error
        self.error_description = error_description


class TwoFactorRequiredError(AuthenticationError):
    """The account needs a two-factor code (WXM's ``error`` is ``"two_factor"``).

    WXM sends the code by email or SMS; log in again with ``"<username>#<code>"`` as the
    username.
    """


class BadRequestError(APIStatusError):
    """WXM refused the request as invalid (400): a bad filter, a missing field."""


class PermissionDeniedError(APIStatusError):
    """WXM refused the request to this user (403): the role lacks the right."""


class NotFoundError(APIStatusError):
    """No such resource (404): an unknown response, token, plan or dispatch id."""


class ConflictError(APIStatusError):
    """The request conflicts with the resource's state (409)."""


class UnprocessableEntityError(APIStatusError):
    """WXM understood the request but could not process it (422)."""


class RateLimitedError(APIStatusError):
    """WXM answered 429: too many requests, after the client's retries.

    Attributes:
        retry_after: How long WXM asked to wait, in seconds (from ``Retry-After``), or
            ``None`` when it did not say.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None,
        status_code: int,
        body: object = None,
        response: httpx.Response | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message, request=request, status_code=status_code, body=body, response=response
        )
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """WXM answered with a 5xx status."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitedError,
}


def error_for_status(
    message: str,
    *,
    request: httpx.Request | None,
    status_code: int,
    body: object,
    response: httpx.Response | None = None,
    retry_after: float | None = None,
) -> APIStatusError:
    """Return the error that fits ``status_code``: the one place statuses map to errors.

    Args:
        message: What failed, for ``str()``.
        request: The request the status answers.
        status_code: The HTTP status code, 400 or more.
        body: The decoded body.
        response: The read answer, which the error keeps (pointing at ``request``).
        retry_after: For a 429, the wait WXM asked for, in seconds.

    Returns:
        An ``APIStatusError`` or the subclass for that status.
    """
    if status_code == 429:
        return RateLimitedError(
            message,
            request=request,
            status_code=status_code,
            body=body,
            response=response,
            retry_after=retry_after,
        )
    cls = _BY_STATUS.get(status_code, ServerError if status_code >= 500 else APIStatusError)
    return cls(message, request=request, status_code=status_code, body=body, response=response)


def login_rejected(
    message: str,
    *,
    request: httpx.Request | None,
    status_code: int,
    body: object,
    error: str | None,
    error_description: str | None,
    response: httpx.Response | None = None,
) -> AuthenticationError:
    """Return the error for a login WXM rejected: the one place its class is chosen.

    Args:
        message: What failed, for ``str()``.
        request: The login, without its body.
        status_code: WXM's status (400 or 401; 200 for a refusal in a success's body).
        body: The decoded body.
        error: WXM's ``error`` code, or ``None``.
        error_description: WXM's explanation, or ``None``.
        response: The read answer, if there is one (not for a rejection another
            process recorded).

    Returns:
        ``TwoFactorRequiredError`` when ``error`` is ``"two_factor"``, else
        ``AuthenticationError``.
    """
    cls = TwoFactorRequiredError if error == "two_factor" else AuthenticationError
    return cls(
        message,
        request=request,
        status_code=status_code,
        body=body,
        response=response,
        error=error,
        error_description=error_description,
    )
