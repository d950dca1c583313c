"""How ``wxm responses export`` writes responses: JSON Lines or CSV, pure logic."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Protocol

from wxm_async import SurveyResponse, to_wire

from ._safe_text import json_text, spreadsheet_cell, writable

__all__ = ["CSV_COLUMNS", "FORMATS", "CsvWriter", "JsonLinesWriter", "ResponseWriter", "csv_rows"]

CSV_COLUMNS = (
    "response_id",
    "response_date_time",
    "questionnaire",
    "channel",
    "question_id",
    "text",
    "number",
)
"""The CSV header: one row per answer, the response's columns repeated on each."""


class _TextOut(Protocol):
    def write(self, text: str, /) -> object: ...


class ResponseWriter(Protocol):
    """Writes responses, one at a time, to a text stream."""

    def write(self, response: SurveyResponse) -> None:
        """Write one response."""


class JsonLinesWriter:
    """One JSON object per line, per response, as WXM sends it: ``to_wire``'s form.

    WXM's own keys (camelCase), every field written, unset ones as ``null``; each line
    reads back with ``from_wire(json.loads(line), SurveyResponse)``.
    """

    def __init__(self, out: _TextOut) -> None:
        self._out = out

    def write(self, response: SurveyResponse) -> None:
        """Write ``response`` as one line of JSON."""
        self._out.write(json_text(to_wire(response)) + "\n")


class CsvWriter:
    """One row per answer, after a header of ``CSV_COLUMNS``."""

    def __init__(self, out: _TextOut) -> None:
        self._csv = csv.writer(out, lineterminator="\n")
        self._csv.writerow(CSV_COLUMNS)

    def write(self, response: SurveyResponse) -> None:
        """Write a row for each of ``response``'s answers.

        Lone surrogates become U+FFFD, and a text cell a spreadsheet would run as a
        formula gets a leading ``'`` (``spreadsheet_cell``); the number stays a number.
        """
        self._csv.writerows(
            (*map(spreadsheet_cell, row[:-1]), writable(row[-1])) for row in csv_rows(response)
        )


def csv_rows(response: SurveyResponse) -> Iterator[tuple[str, ...]]:
    """The CSV rows of one response: one per answer, or one with empty answer columns.

    A response without answers still gets its row, so that no response is lost.
    Dates are ISO 8601 with their offset; missing values are empty.
    """
    head = (
        response.id,
        response.response_date_time.isoformat() if response.response_date_time else "",
        response.questionnaire or "",
        response.channel or "",
    )
    if not response.answers:
        yield (*head, "", "", "")
    for answer in response.answers:
        number = "" if answer.number is None else str(answer.number)
        yield (*head, answer.question_id, answer.text or "", number)


FORMATS: dict[str, Callable[[_TextOut], ResponseWriter]] = {
    "jsonl": JsonLinesWriter,
    "csv": CsvWriter,
}
"""The export formats, by the name ``--format`` takes."""
