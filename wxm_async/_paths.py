"""Paths below the base URL: an id as one path segment, a caller's path and query checked.

The token goes wherever a path leads, so every path the library sends is built here:
no id, page number or caller's path can change which resource (or host) is asked.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote

import httpx

from ._config import check_number
from ._exceptions import ConfigurationError

__all__ = ["MAX_ID_LENGTH", "QueryParams", "caller_path", "id_list", "number_segment", "segment"]

_Scalar = str | int | float | bool | None
QueryParams = Mapping[str, _Scalar | Sequence[_Scalar]] | httpx.QueryParams
"""Query parameters: a mapping of names to a value or a sequence of values."""


MAX_ID_LENGTH = 1_000
"""The longest id (in characters) put in a path; WXM's ids are far shorter."""


def segment(value: str, name: str = "an id") -> str:
    r"""Quote ``value`` as one path segment, so that an id can never change the path.

    Ids made only of dots are refused rather than quoted: httpx (and many servers)
    read ``.`` and ``..`` as "this" and "the parent" directory, even escaped. So are
    ids with such a part between ``/`` or ``\`` (``../x``, ``a\..``): IIS decodes
    ``%2F`` and ``%5C`` into separators before it removes dot segments.

    Args:
        value: The caller's id.
        name: What the id is, for the error (``"token_id"``).

    Raises:
        ConfigurationError: ``value`` is not a string, is empty, made only of dots
            (or holds a dots-only part between slashes or backslashes),
            longer than ``MAX_ID_LENGTH``, not valid Unicode, or holds a control
            character. The message never quotes the value.
    """
    problem = _id_problem(value)
    if problem is not None:
        raise ConfigurationError(f"{name} in a WXM path {problem}")
    return quote(value, safe="")


def id_list(values: Iterable[str], name: str) -> list[str]:
    """Read a caller's ids at once, each checked as an id in a path would be.

    Args:
        values: The ids: any iterable of strings (a generator is read once).
        name: What they are, for the error (``"token_ids"``).

    Raises:
        ConfigurationError: ``values`` is one string or bytes (which would be read as
            one id per character), is not iterable, or holds an id ``segment`` refuses.
    """
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        what = "one string" if isinstance(values, str | bytes) else type(values).__name__
        raise ConfigurationError(f"{name} must be a list of ids, not {what}")
    ids = list(values)
    for value in ids:
        segment(value, f"every one of {name}")
    return ids


def number_segment(value: int, name: str, *, at_least: int) -> str:
    """Put a whole number (a page, a page size) in a path, as one segment.

    Raises:
        ConfigurationError: ``value`` is not an ``int`` (a bool or a string is not one:
            ``"../x"`` would change the path), or is below ``at_least``.
    """
    check_number(name, value, at_least=at_least, whole=True)
    return str(value)


def _id_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {type(value).__name__}"
    if not value:
        return "must not be empty"
    if len(value) > MAX_ID_LENGTH:
        return f"must be at most {MAX_ID_LENGTH} characters, not {len(value)}"
    if value.strip(".") == "":
        return "must not be made only of dots (it would name another path)"
    # IIS (http.sys) decodes %2F and %5C back into separators, then removes dot segments.
    if any(part and not part.strip(".") for part in value.replace("\\", "/").split("/")):
        return (
            "must not hold a part made only of dots between slashes or backslashes "
            "(a server decoding them would read another path)"
        )
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs"):
            return f"must not contain the character U+{ord(char):04X}"
    return None


def caller_path(path: str, params: QueryParams | None = None) -> str:
    """Check a caller's ``path`` stays below the base URL; add ``params`` to its query.

    The token goes wherever the path leads, so a path may not name a scheme or a host
    (``https://elsewhere/``, ``//elsewhere/``) nor climb out of the base URL's path with
    ``..`` (also percent-encoded, or between backslashes, which .NET servers treat as
    slashes).

    Raises:
        ConfigurationError: ``path`` is not a string, is empty, not a URL, or leaves the
            base URL; or ``params`` are not valid text.
    """
    if not isinstance(path, str):
        raise ConfigurationError(f"the path must be a string, not {type(path).__name__}")
    try:
        url = httpx.URL(path)
    except (httpx.InvalidURL, UnicodeEncodeError):  # a lone surrogate is no URL
        raise ConfigurationError("the path is not a valid URL path") from None
    segments = url.path.replace("\\", "/").split("/")  # url.path is percent-decoded
    if not path or url.is_absolute_url or url.host or path.startswith("//"):
        raise ConfigurationError("give a path below the base URL, such as /api/Profile")
    if any(part in (".", "..") for part in segments):
        raise ConfigurationError("a path must not contain '.' or '..' segments")
    if params:
        try:
            url = url.copy_merge_params(httpx.QueryParams(params))
        except (UnicodeEncodeError, TypeError):  # not text, or not valid Unicode
            raise ConfigurationError("the query parameters are not valid text") from None
    return str(url.copy_with(fragment=None))
