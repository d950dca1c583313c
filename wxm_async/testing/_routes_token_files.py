"""Survey tokens as files: a token's QR code, and tokens made in bulk from a CSV file.

The QR route comes before the anonymous survey routes, whose
``/api/SurveyByToken/{token}/{deviceId}`` would take ``QR/DM-10001`` for a token and
a device. The fake's PNG is a 200 x 200 pattern drawn from the token, not a QR code a
phone can read.

WXM's bulk import takes the dashboard's sample file, whose columns the public sources
do not show. The fake's format: the first row names question ids, one per column;
every other row is one token's prefill (text answers). The file to download is the
same rows with a first column, ``Token``, holding each new token's id. WXM answers the
upload with a quoted ``download/{code}``, as the vendor's client reads it.
"""

from __future__ import annotations

import csv
import email.parser
import email.policy
import hashlib
import io
import struct
import zlib
from functools import partial
from typing import Any

from ._catalog import DAY_MS
from ._routes_survey_tokens import new_token
from ._wire import Invalid, NotFound, Reply, Request, Route, integer, now_ms, ok
from ._world import World

MAX_ROWS = 100_000
"""The most rows the fake's bulk import takes in one file."""

QR_SIZE = 200
"""The side of the fake's QR image, in pixels, as WXM's (the vendor's client says 200x200)."""


def routes(world: World) -> list[Route]:
    """The routes of survey tokens as files."""
    return [
        Route("GET", "/api/SurveyByToken/QR/{token_id}", partial(_qr, world)),
        Route(
            "POST",
            "/api/SurveyByToken/Import/{days}/{uses}/{location}",
            partial(_import, world),
        ),
        Route(
            "POST",
            "/api/SurveyByToken/Import/{days}/{uses}/{location}/{plan_id}",
            partial(_import, world),
        ),
        Route("GET", "/api/Download/{code}", partial(_download, world)),
    ]


def _qr(world: World, request: Request, token_id: str) -> Reply:
    if token_id.lower() not in world.tokens:
        raise NotFound(f"No survey token has the id '{token_id}'.")
    return Reply(200, raw=png_of(token_id), content_type="image/png")


def png_of(text: str) -> bytes:
    """A 200 x 200 grey PNG whose 25 x 25 black and white squares are drawn from ``text``."""
    bits = int.from_bytes(hashlib.sha512(text.encode()).digest() * 2, "big")
    cell = QR_SIZE // 25
    rows = []
    for y in range(QR_SIZE):
        line = bytes(
            0 if bits >> ((y // cell) * 25 + x // cell) & 1 else 255 for x in range(QR_SIZE)
        )
        rows.append(b"\x00" + line)  # filter type 0 for each scanline
    header = struct.pack(">IIBBBBB", QR_SIZE, QR_SIZE, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _import(
    world: World,
    request: Request,
    days: str,
    uses: str,
    location: str,
    plan_id: str | None = None,
) -> Reply:
    valid_days, valid_uses = integer(days, "days"), integer(uses, "uses")
    if valid_days < 1 or valid_uses < 1:
        raise Invalid("'days' and 'uses' must be at least 1.")
    if plan_id is not None and not any(p["id"] == plan_id for p in world.delivery_plans):
        raise Invalid(f"No delivery plan has the id '{plan_id}'.")
    header, rows = _rows(_csv_part(request))
    known = {q["id"] for q in world.questions}
    if not set(header) <= known:
        raise Invalid("The file's first row must name questions of the account.")
    till = now_ms() + valid_days * DAY_MS
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Token", *header])
    for row in rows:
        prefill = [
            {"questionId": q, "questionText": None, "textInput": value, "numberInput": 0}
            for q, value in zip(header, row, strict=False)
            if value
        ]
        token = new_token(
            world,
            location=location,
            valid_till=till,
            valid_uses=valid_uses,
            prefill=prefill,
            note=None,
            language=None,
        )
        writer.writerow([token["id"], *row])
    code = f"{len(world.downloads) + 1:08x}"
    world.downloads[code] = out.getvalue().encode()
    return ok(f"download/{code}")


def _csv_part(request: Request) -> bytes:
    """The body's multipart part named ``files`` (WXM's name), as bytes."""
    kind = request.headers.get("content-type", "")
    if not kind.lower().startswith("multipart/form-data"):
        raise Invalid("The body must be multipart/form-data with a part 'files'.")
    message: Any = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + kind.encode("latin-1") + b"\r\n\r\n" + request.body
    )
    for part in message.iter_parts() if message.is_multipart() else ():
        name = str(part.get_param("name", header="content-disposition") or "").strip('"')
        if name.lower() == "files":
            payload: bytes | None = part.get_payload(decode=True)
            return payload or b""
    raise Invalid("The body has no part named 'files'.")


def _rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The file is not UTF-8 text.") from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    except csv.Error:
        raise Invalid("The file is not CSV.") from None
    if len(rows) < 2:
        raise Invalid("The file needs a row of question ids and a row per token.")
    if len(rows) > MAX_ROWS + 1:
        raise Invalid(f"The file has more than {MAX_ROWS} rows.")
    header = [c.strip() for c in rows[0]]
    return header, rows[1:]


def _download(world: World, request: Request, code: str) -> Reply:
    data = world.downloads.get(code)
    if data is None:
        raise NotFound(f"No file has the code '{code}'.")
    return Reply(200, raw=data, content_type="text/csv")
