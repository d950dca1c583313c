"""``wxm survey-tokens qr`` and ``wxm survey-tokens export``: survey tokens from the shell."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

import click

from wxm_async import SurveyToken, WXMClient, to_wire

from ._connection import Connection, connection_options
from ._exit import exit_codes_epilog
from ._output import output_option
from ._safe_text import json_text

__all__ = ["survey_tokens"]


@click.group("survey-tokens")
def survey_tokens() -> None:
    """Survey tokens: the links that open a survey for one customer."""


@survey_tokens.command("qr", epilog=exit_codes_epilog())
@click.argument("token_id")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path),
    required=True,
    help="The PNG file to write; '-' for stdout (not a terminal).",
)
@connection_options
def qr(token_id: str, output: Path, connection: Connection) -> None:
    """Write the QR code of survey token TOKEN_ID as a PNG image."""
    stdout = sys.stdout.buffer
    if str(output) == "-" and stdout.isatty():
        raise click.BadParameter(
            "a PNG image would garble the terminal; give a file or redirect stdout",
            param_hint="'--output'",
        )

    async def png(client: WXMClient) -> bytes:
        return await client.survey_tokens.qr(token_id)

    image = connection.run(png)  # no file is made unless WXM sent the image
    if str(output) == "-":
        stdout.write(image)
        stdout.flush()
    else:
        output.write_bytes(image)


@survey_tokens.command("export", epilog=exit_codes_epilog())
@output_option
@connection_options
def export(output: IO[str], connection: Connection) -> None:
    """Write every survey token of the account as JSON Lines, as WXM sends them.

    Each line reads back with ``from_wire(json.loads(line), SurveyToken)``.
    """

    async def every(client: WXMClient) -> list[SurveyToken]:
        return await client.survey_tokens.list()

    for token in connection.run(every):
        output.write(json_text(to_wire(token)) + "\n")
