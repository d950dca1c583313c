"""Where a command's output goes: ``-o FILE`` (default stdout), and a progress bar.

The bar goes to stderr, and only to a terminal: piped or redirected output stays
exactly what the command writes.
"""

from __future__ import annotations

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

__all__ = ["output_option", "progress_bar"]

output_option = click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8", lazy=True),
    default="-",
    help="Where to write; default stdout.",
)
"""``--output``/``-o``: a text file, opened only when first written (``-`` for stdout)."""


def progress_bar(label: str, *, percent: bool = False) -> Progress:
    """A bar on stderr counting ``label`` done of a total, hidden when stderr is no terminal.

    Args:
        label: What is counted (``"calls"``, ``"responses"``).
        percent: Show the share done, too.
    """
    stderr = Console(stderr=True)
    columns: list[ProgressColumn] = [
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
    ]
    if percent:
        columns.append(TaskProgressColumn())
    columns.append(TimeElapsedColumn())
    return Progress(*columns, console=stderr, transient=True, disable=not stderr.is_terminal)
