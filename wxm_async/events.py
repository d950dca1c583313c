"""What ``WXMAuth`` and ``WXMClient`` tell a callback: logins, replays, retries and calls.

Pass ``on_event=callback`` to ``WXMAuth`` or ``WXMClient``; the callback is called with
one of the frozen event objects below each time something worth watching happens. A
``WXMClient`` passes the events of its ``WXMAuth`` on too, so one callback on the
client sees the logins made on its calls' behalf.

The callback runs inline, in the task making the call, before the call goes on: keep it
cheap (count, log, put on a queue), never block in it, and never ``await`` (it is a
plain function). If it raises, the call goes on regardless and the failure is logged
once on the ``wxm_async.events`` logger (the first time, with its traceback).

No event carries a secret: never the password, the API key, a two-factor code, a token
or a query string. Paths are templates: the ids in them are replaced by ``{name}``
(``/api/SurveyToken/Id/{token_id}``); in a path of your own (``client.request()``), any
segment that is not a word of WXM's API shows as ``{id}``. So an event may be logged or
exported as it is.

    Event
    ├── LoginStarted        a login is sent to WXM
    ├── LoginSucceeded      it gave a token (how long it took, how long the token lives)
    ├── LoginFailed         it failed (the error's type, WXM's status)
    ├── LoginSkipped        no login was sent: a failure already known (the failure window)
    ├── TokenRefreshing     the login is a refresh before the token expires
    ├── RequestReplayed     WXM answered 401 and the request is sent again
    ├── RetryScheduled      a call's attempt failed; another follows after a wait
    ├── RateLimitWait       a call waits for its turn under ``rate_limit=``
    ├── CallStarted         a client call begins
    └── CallFinished        a client call ended, after all its attempts

``wxm_async.otel.instrument()`` turns these events into OpenTelemetry spans and metrics.
"""

from collections.abc import Callable as _Callable

from attrs import frozen as _frozen

__all__ = [
    "CallFinished",
    "CallStarted",
    "Event",
    "EventCallback",
    "LoginFailed",
    "LoginSkipped",
    "LoginStarted",
    "LoginSucceeded",
    "RateLimitWait",
    "RequestReplayed",
    "RetryScheduled",
    "TokenRefreshing",
]


@_frozen(kw_only=True)
class Event:
    """The base of every event: ``isinstance(event, Event)`` matches them all."""


EventCallback = _Callable[[Event], object]
"""What ``on_event=`` takes: a plain function called with each event; its result is ignored."""


@_frozen(kw_only=True)
class LoginStarted(Event):
    """``WXMAuth`` sends a login (``POST /api/LoginToken``) to WXM.

    Attributes:
        username: Who logs in, without a two-factor code.
        url: Where the login goes, without a query.
    """

    username: str
    url: str


@_frozen(kw_only=True)
class LoginSucceeded(Event):
    """A login gave a token.

    Attributes:
        username: Who logged in, without a two-factor code.
        duration: Seconds from sending the login to reading its answer.
        expires_in: Seconds the new token lives, as WXM said.
    """

    username: str
    duration: float
    expires_in: float


@_frozen(kw_only=True)
class LoginFailed(Event):
    """A login gave no token.

    Attributes:
        username: Who tried to log in, without a two-factor code.
        duration: Seconds from sending the login to its failure.
        error_type: The error's class name (``"AuthenticationError"``,
            ``"ServerError"``, ``"DecodeError"``...), or ``"abandoned"`` when the login
            was cancelled or got no answer (the transport failed).
        status_code: WXM's status, if it answered with an error status.
    """

    username: str
    duration: float
    error_type: str
    status_code: int | None


@_frozen(kw_only=True)
class LoginSkipped(Event):
    """A request needed a token, and no login was sent: the failure is already known.

    The token store raised a login failure without asking WXM: a login rejected
    within the failure window (so a wrong key cannot lock the account), or the login
    this request waited on failed.

    Attributes:
        username: Who would have logged in, without a two-factor code.
        error_type: The class name of the error the request raises.
        status_code: WXM's status in that error, if any.
    """

    username: str
    error_type: str
    status_code: int | None


@_frozen(kw_only=True)
class TokenRefreshing(Event):
    """The login about to start replaces a token before it expires (a proactive refresh).

    Attributes:
        username: Who logs in, without a two-factor code.
        expires_in: Seconds the current token still lives.
    """

    username: str
    expires_in: float


@_frozen(kw_only=True)
class RequestReplayed(Event):
    """WXM answered 401 to a request, and ``WXMAuth`` sends it again with another token.

    Attributes:
        method: The request's HTTP method.
        url_template: Its path, ids replaced by ``{name}``.
        sends: How many times it was sent before this replay (1 for the first replay).
    """

    method: str
    url_template: str
    sends: int


@_frozen(kw_only=True)
class RetryScheduled(Event):
    """An attempt of a client call failed, and the retry policy tries it again.

    Attributes:
        method: The call's HTTP method.
        url_template: Its path, ids replaced by ``{name}``.
        attempt: The attempt that failed; the first is 1.
        wait: Seconds before the next attempt (``Retry-After`` or the backoff).
        reason: Why: ``"status 503"``, ``"status 429"``, ``"login status 503"`` (the
            login before the call failed), or a transport error's class name
            (``"ConnectError"``, ``"ReadTimeout"``).
        status_code: The status that failed, if WXM answered.
    """

    method: str
    url_template: str
    attempt: int
    wait: float
    reason: str
    status_code: int | None


@_frozen(kw_only=True)
class RateLimitWait(Event):
    """A client call waits for its turn under the client's ``rate_limit=``.

    Attributes:
        method: The call's HTTP method.
        url_template: Its path, ids replaced by ``{name}``.
        wait: Seconds it waited.
    """

    method: str
    url_template: str
    wait: float


@_frozen(kw_only=True)
class CallStarted(Event):
    """A ``WXMClient`` call begins (a namespace method, ``request()``...).

    Attributes:
        method: The HTTP method.
        url_template: The path, ids replaced by ``{name}``.
        server_address: The host of WXM's address (the client's base URL).
        server_port: Its port: the base URL's, else its scheme's default (443 for
            ``https``).
    """

    method: str
    url_template: str
    server_address: str
    server_port: int | None


@_frozen(kw_only=True)
class CallFinished(Event):
    """A ``WXMClient`` call ended: with an answer, an error, or cancelled.

    Attributes:
        method: The HTTP method.
        url_template: The path, ids replaced by ``{name}``.
        server_address: The host of WXM's address.
        server_port: Its port: the base URL's, else its scheme's default (443 for
            ``https``).
        status_code: The last status WXM answered, or ``None`` if none did.
        attempts: How many times the call was tried (1 without retries).
        duration: Seconds from its start to its end, waits included.
        error_type: ``None`` for a success; else the error's class name
            (``"NotFoundError"``, ``"APIConnectionError"``...), or ``"cancelled"``.
    """

    method: str
    url_template: str
    server_address: str
    server_port: int | None
    status_code: int | None
    attempts: int
    duration: float
    error_type: str | None
