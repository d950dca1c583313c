"""OpenTelemetry for ``WXMClient``: a span per call, a child span per login, and metrics.

Needs the ``otel`` extra (``pip install -e '.[otel]'`` in a checkout), which brings
``opentelemetry-api``; bring the SDK and an exporter of your choice. Nothing else in
wxm_async imports OpenTelemetry.

``instrument(client)`` turns the client's events (``wxm_async.events``) into:

- a span per call (``GET /api/Questions/Active``, kind ``CLIENT``) that covers its
  retries and waits, with OpenTelemetry's HTTP client attributes
  (``http.request.method``, ``url.template``, ``server.address``, ``server.port``,
  ``http.response.status_code``, ``error.type``), ``wxm.attempts``, and a span event
  for each retry, replay and rate-limit wait;
- a child span (``WXM login``) for each login made on a call's behalf, with
  ``wxm.login.refresh`` set when it replaces a token before expiry;
- metrics: ``wxm.client.logins``, ``wxm.client.login.failures``,
  ``wxm.client.replays``, ``wxm.client.retries`` (counters, of what happened on the
  client's calls' behalf: a login for another client on the same auth is that
  client's) and
  ``wxm.client.call.duration`` (a histogram, in seconds).

No span or metric holds a secret, an id of a path (paths are templates) or a query.
The call's span is the current span while the call runs, so spans made beneath it (an
httpx instrumentation's) nest under it.
"""

from ._otel import instrument
from ._public import publish as _publish

__all__ = ["instrument"]

_publish(__name__, globals())
