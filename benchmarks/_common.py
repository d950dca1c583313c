"""What the benchmark scripts share: the fake's account, the route, the floor, the report plumbing.

Not a benchmark itself; every ``bench_*.py`` and ``soak.py`` import it (they run as
scripts from the repository root, so their own folder is on ``sys.path``).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

import anyio
import httpx

from wxm_async.testing import FAKE_PASSWORD, FAKE_USERNAME

T = TypeVar("T")
R = TypeVar("R")

PATH = "/api/Questions/Active"
#: How ``FakeWXM.requests`` counts the benchmarked route.
ROUTE = f"GET {PATH}"
BASE_URL = "https://wxm.test"
USERNAME = FAKE_USERNAME  # the fake's default account
PASSWORD = FAKE_PASSWORD
LOOPBACK_LIMITS = httpx.Limits(max_connections=100)
#: Every request of a loopback storm queues in the pool at once. The default 5 s pool
#: timeout would fail the last ones whatever the auth does, so only I/O times out.
LOOPBACK_TIMEOUT = httpx.Timeout(30.0, pool=None)
#: The trivial transport's answer to every request.
FIXED_ANSWER = b'[{"id": "q1", "text": "How likely are you to recommend us?"}]'
DOCS = Path(__file__).resolve().parents[1] / "docs"
MICRO = "\N{MICRO SIGN}"


class StaticAuth(httpx.Auth):
    """The baseline: set a fixed ``Authorization`` header, and nothing else."""

    def __init__(self, authorization: str) -> None:
        self._authorization = authorization

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Set the header and send the request once."""
        request.headers["Authorization"] = self._authorization
        yield request


def fixed_answer(request: httpx.Request) -> httpx.Response:
    """Answer every request with the same 200 JSON: ``httpx.MockTransport``'s handler."""
    return httpx.Response(200, content=FIXED_ANSWER, headers={"Content-Type": "application/json"})


def at_least(minimum: int) -> Callable[[str], int]:
    """Return an argparse type: an integer of ``minimum`` or more."""

    def convert(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, not {value}")
        return value

    return convert


def progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def benchmark_parser(doc: str | None, page: Path) -> argparse.ArgumentParser:
    """A command line with the options every benchmark has: ``--backend``, ``--write-docs``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--backend", choices=["asyncio", "trio"], default="asyncio")
    parser.add_argument(
        "--write-docs", action="store_true", help=f"write the results into docs/{page.name}"
    )
    return parser


def report(block: str, *, write: bool, page: Path, key: str, title: str) -> None:
    """Print ``block``; with ``write``, also put it into ``page`` under ``key``."""
    print(block)
    if write:
        write_docs(page, key, block, title=title)
        progress(f"written to {page}")


def write_docs(path: Path, key: str, block: str, *, title: str) -> None:
    """Put ``block`` between the markers for ``key`` in ``path``, keeping everything else."""
    begin, end = f"<!-- results:{key} -->", f"<!-- /results:{key} -->"
    section = f"{begin}\n{block}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# {title}\n"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = f"{text.rstrip()}\n\n{section}\n"
    path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Run:
    """When and how a benchmark ran: the head of its report."""

    command: str
    backend: str
    started: datetime
    seconds: float


def run_timed(measure: Callable[[T], Awaitable[R]], options: T, *, backend: str) -> tuple[R, Run]:
    """Run ``measure(options)`` on ``backend``; return its result and how the run went."""
    started = datetime.now(UTC)
    start = time.perf_counter()
    result = anyio.run(measure, options, backend=backend)
    command = shlex.join(["python", *sys.argv])
    return result, Run(command, backend, started, time.perf_counter() - start)


def environment(run: Run) -> list[str]:
    """The report's list of where, when and with what it ran."""
    packages = ", ".join(
        f"{name} {package_version(name)}"
        for name in ("httpx", "httpcore", "anyio", "trio", "uvicorn")
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- Date: {run.started:%Y-%m-%d %H:%M} UTC",
        f"- Command: `{run.command}`",
        f"- Backend: {run.backend}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}); {packages}",
        f"- Machine: {platform.system()} {platform.machine()}, os.cpu_count() = {os.cpu_count()}; "
        f"load average (1, 5, 15 min) at the end: {load}",
        f"- Whole run: {run.seconds:.0f} s",
    ]


def markdown_table(header: Sequence[str], align: str, rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table's lines: ``align`` has one letter per column, ``l`` or ``r``."""
    marks = {"l": "---", "r": "--:"}
    lines = [f"| {' | '.join(header)} |", f"|{'|'.join(marks[a] for a in align)}|"]
    return lines + [f"| {' | '.join(row)} |" for row in rows]


async def rotating_rounds(
    rounds: int, contenders: Mapping[str, Callable[[], Awaitable[float]]]
) -> dict[str, list[float]]:
    """Run each contender once a round, in ``rounds + 1`` rounds; each one's results.

    A contender runs one round's calls and returns its mean seconds per call. Which
    goes first rotates from round to round, so that the machine's load and drift fall
    on all alike; round 0 warms up (and logs in) and is not kept.
    """
    names = list(contenders)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds + 1):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            seconds = await contenders[name]()
            if round_:
                times[name].append(seconds)
        if round_ and round_ % 10 == 0:
            progress(f"{round_} rounds of {rounds}")
    return times


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """The first quartile, the median and the third quartile of ``values``."""
    q1, median, q3 = statistics.quantiles(values, n=4)
    return q1, median, q3


def failures_text(failures: Counter[str]) -> str:
    """``"0"``, or the number of failures followed by their kinds, most common first."""
    if not failures:
        return "0"
    kinds = ", ".join(f"{kind}: {count:,}" for kind, count in failures.most_common())
    return f"{sum(failures.values()):,} ({kinds})"
