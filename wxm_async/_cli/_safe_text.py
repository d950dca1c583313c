r"""Text from a careless caller or a hostile server, read and written without a traceback.

A body given to ``wxm post`` may not be UTF-8, or may be nested past Python's recursion
limit. A server's JSON may be nested so too, or hold lone surrogates (``"\ud800"``:
valid JSON, not valid Unicode), which the library passes on as they are and which no
UTF-8 stream can write. Pure logic.
"""

from __future__ import annotations

import json
import re

__all__ = ["inert", "json_text", "parse_json", "spreadsheet_cell", "writable"]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # a str holds pairs as one code point
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # C0, DEL and C1: newlines, escapes, bells


def parse_json(data: str | bytes) -> object:
    """Decode JSON text, or UTF-8 bytes of it.

    Raises:
        ValueError: Not UTF-8, not JSON, or nested too deep; the message says which.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("not JSON this command can read: nested too deep") from None
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from None


def json_text(data: object, *, indent: int | None = None) -> str:
    r"""``data`` as JSON text that UTF-8 can write.

    Non-ASCII characters stay as they are, unless ``data`` holds a lone surrogate:
    then every non-ASCII character is escaped (``\ud800``), the same JSON.
    """
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    if _LONE_SURROGATE.search(text):
        return json.dumps(data, indent=indent)
    return text


def writable(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, for formats that cannot escape."""
    return _LONE_SURROGATE.sub("\ufffd", text)


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """``text`` for a CSV cell: writable, and never run as a formula by a spreadsheet.

    A survey's text comes from whoever answers it: ``=HYPERLINK(...)`` or ``+cmd|...``
    would run when an analyst opens the export. Such a cell gets a leading ``'``, which
    spreadsheets show as text and do not display (OWASP's advice); JSON Lines keep
    every value as WXM sent it.
    """
    text = writable(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def inert(text: str) -> str:
    r"""``text`` on one line that cannot drive a terminal: control characters as ``\x1b``.

    A server's error message reaches stderr; an escape sequence in it could retitle the
    terminal or write to the clipboard, and a newline could forge a line of output.
    """
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)
