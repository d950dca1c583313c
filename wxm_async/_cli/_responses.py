"""``wxm responses export``: every matching response, page after page, as JSONL or CSV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO

import click

from wxm_async import ResponseFilter, WXMClient

from ._connection import Connection, connection_options
from ._exit import exit_codes_epilog
from ._export import CSV_COLUMNS, FORMATS, ResponseWriter
from ._output import output_option, progress_bar

__all__ = ["responses"]


@click.group()
def responses() -> None:
    """Survey responses."""


def _iso_datetime(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """Parse an ISO 8601 date or date and time; one without an offset is taken as UTC."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date, such as 2026-11-01T09:30:00Z"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@responses.command("export", epilog=exit_codes_epilog())
@click.option(
    "--after",
    callback=_iso_datetime,
    metavar="DATETIME",
    help="Only responses after this moment (ISO 8601; no offset means UTC).",
)
@click.option(
    "--before",
    callback=_iso_datetime,
    metavar="DATETIME",
    help="Only responses before this moment (ISO 8601; no offset means UTC).",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(sorted(FORMATS)),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object per response, as WXM sends it. csv: one row per answer, "
    f"with the columns {', '.join(CSV_COLUMNS)}.",
)
@output_option
@click.option(
    "--page-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Responses per page asked of WXM.",
)
@connection_options
def export(
    after: datetime | None,
    before: datetime | None,
    format_: str,
    output: IO[str],
    page_size: int,
    connection: Connection,
) -> None:
    """Write every matching response to stdout or --output, page after page.

    A progress bar shows on stderr. jsonl writes one JSON object per response; csv one
    row per answer (a response without answers gets one row with the answer columns
    empty).
    """
    if after is not None and before is not None and after >= before:
        raise click.BadParameter("--after must be earlier than --before", param_hint="--after")
    filter = ResponseFilter(after=after, before=before)
    written = connection.run(
        lambda client: _write_all(client, filter, page_size, lambda: FORMATS[format_](output))
    )
    output.flush()
    click.echo(f"wxm: exported {written:,} responses", err=True)


async def _write_all(
    client: WXMClient,
    filter: ResponseFilter,
    page_size: int,
    open_writer: Callable[[], ResponseWriter],
) -> int:
    """Count the matching responses for the progress bar, then write them; return how many.

    The writer is opened after the count, so that a failed login writes nothing.
    """
    progress = progress_bar("responses")
    task = progress.add_task("responses", total=await client.responses.count(filter))
    writer = open_writer()
    written = 0
    with progress:
        async for response in client.responses.iterate(filter, page_size=page_size):
            writer.write(response)
            written += 1
            progress.advance(task)
    return written
