"""Survey tokens as files: a token's QR code, and tokens made in bulk from a CSV file.

Both answers are bytes, not JSON. A QR code is a small PNG (200 x 200 pixels in the
vendor's client), so its answer gets a far smaller cap than JSON answers. The bulk
import is a multipart upload (WXM's dashboard format, part ``files``) answered by a
quoted ``download/...`` path, which is fetched for the CSV with the tokens filled in.
"""

from __future__ import annotations

import re

import attrs
import httpx

from .._body import ACCEPT_ENCODING, json_body, read_capped
from .._exceptions import APIConnectionError, APITimeoutError, ConfigurationError, DecodeError
from .._http import Sender, status_error
from .._paths import number_segment, segment
from .._redact import redacted
from .._retry_after import retry_after_of

__all__ = ["MAX_CSV_BYTES", "MAX_QR_BYTES", "download_qr", "import_csv"]

MAX_QR_BYTES = 1024 * 1024
"""1 MiB: the most a QR code's PNG may weigh; WXM's 200 x 200 codes weigh about 1 KB."""

MAX_CSV_BYTES = 32 * 1024 * 1024
"""32 MiB: the largest CSV file ``import_csv`` uploads (about 300,000 rows of prefill)."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
"""The eight bytes every PNG file starts with."""

_DOWNLOAD = re.compile(r"/?(?:api/)?download/([^/\\?#]+)", re.IGNORECASE)
"""WXM's answer to a bulk import: ``download/{code}``, maybe with ``/`` or ``api/`` before."""


async def download_qr(sender: Sender, token_id: str) -> bytes:
    """``GET /api/SurveyByToken/QR/{token}``: the token's QR code, checked to be a PNG.

    Raises:
        ConfigurationError: ``token_id`` cannot be a path segment.
        DecodeError: The answer is not a PNG.
        ResponseTooLargeError: The answer is larger than ``MAX_QR_BYTES``.
    """
    path = f"/api/SurveyByToken/QR/{segment(token_id, 'token_id')}"
    small = attrs.evolve(sender, max_answer_bytes=min(sender.max_answer_bytes, MAX_QR_BYTES))
    response = await small.send("GET", path, idempotent=True)
    if not response.content.startswith(PNG_SIGNATURE):
        kind = response.headers.get("content-type", "no Content-Type")
        raise DecodeError(
            f"the answer to GET {path} is not a PNG image ({len(response.content)} bytes, "
            f"{kind[:100]})",
            request=redacted(response.request),
        )
    return response.content


async def import_csv(
    sender: Sender,
    csv: bytes,
    *,
    questionnaire: str,
    valid_days: int,
    valid_uses: int,
    delivery_plan_id: str | None,
) -> bytes:
    """Upload ``csv`` to ``POST /api/SurveyByToken/Import/...``, then download the result.

    Raises:
        ConfigurationError: A bad argument (see ``SurveyTokens.import_csv``).
        DecodeError: WXM's answer is not a quoted ``download/...`` path.
    """
    if not isinstance(csv, bytes | bytearray):
        raise ConfigurationError(f"csv must be bytes, not {type(csv).__name__}")
    if not csv.strip():
        raise ConfigurationError("csv is empty: it needs a header row and a row per token")
    if len(csv) > MAX_CSV_BYTES:
        raise ConfigurationError(
            f"csv is {len(csv)} bytes, more than the {MAX_CSV_BYTES} one upload takes: "
            "split it into several files"
        )
    path = (
        f"/api/SurveyByToken/Import/{number_segment(valid_days, 'valid_days', at_least=1)}"
        f"/{number_segment(valid_uses, 'valid_uses', at_least=1)}"
        f"/{segment(questionnaire, 'questionnaire')}"
    )
    if delivery_plan_id is not None:
        path += f"/{segment(delivery_plan_id, 'delivery_plan_id')}"
    answer, request = await _upload(sender, path, bytes(csv))
    code = _download_code(answer, path, request=request)
    response = await sender.send("GET", f"/api/Download/{code}", idempotent=True)
    return response.content


def _download_code(answer: object, path: str, *, request: httpx.Request) -> str:
    """The ``{code}`` of WXM's ``"download/{code}"`` answer, quoted as a path segment.

    Anything else is garbage, and so is a code no id could be (control characters,
    too long): the server's fault, not the caller's.
    """
    if isinstance(answer, str):
        match = _DOWNLOAD.fullmatch(answer.strip())
        if match is not None:
            try:
                return segment(match.group(1), "code")
            except ConfigurationError:
                pass
    raise DecodeError(
        f"the answer to POST {path} is not the path of a file to download "
        f'("download/..."), but {type(answer).__name__} {str(answer)[:80]!r}',
        request=request,
    )


async def _upload(sender: Sender, path: str, csv: bytes) -> tuple[object, httpx.Request]:
    """POST ``csv`` as WXM's dashboard does (multipart, part ``files``): its JSON answer.

    Not retried: WXM might make the tokens twice. The body is read into bytes first, so
    that the auth can replay it after a 401 as any other request.
    """
    request = sender.http.build_request(
        "POST",
        path,
        files={"files": ("csvtokens.csv", csv, "text/csv")},
        headers={"Accept-Encoding": ACCEPT_ENCODING},
        timeout=sender.timeout if sender.timeout is not None else httpx.USE_CLIENT_DEFAULT,
    )
    request.read()
    what = f"the answer to POST {path}"
    try:
        async with sender.limiter:
            if sender.rate is not None:
                await sender.rate.acquire()
            response = await sender.http.send(request, stream=True)
            await read_capped(
                response,
                sender.max_answer_bytes,
                what=what,
                limit_name="max_answer_bytes",
                request=redacted(request),
            )
    except httpx.TransportError as exc:
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        raise cls(
            f"POST {path}: no answer from WXM ({type(exc).__name__})", request=redacted(request)
        ) from exc
    if not response.is_success:  # a 429's Retry-After is the caller's to honour
        raise status_error(response, retry_after=retry_after_of(response))
    sent = redacted(response.request)
    return json_body(response, what=what, request=sent), sent
