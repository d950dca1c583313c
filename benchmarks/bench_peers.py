"""Benchmark wxm_async against the libraries users would pick instead, side by side.

Run from the repository root::

    python benchmarks/bench_peers.py [--requests N] [--loopback-requests N]
        [--workers W] [--seconds S] [--rounds R] [--round-size S]
        [--backend asyncio|trio] [--write-docs]

The contenders (``_peers.py`` has their exact code): raw httpx with a static bearer
header (the floor), wxm_async's ``WXMAuth``, Authlib's ``AsyncOAuth2Client`` with the
password grant, and httpx-auth's ``OAuth2ResourceOwnerPasswordCredentials``.

Each meets four scenarios against the fake WXM, in process and over loopback:

1. Cold start: N concurrent requests from a contender that has no token yet.
2. Revoked token: a warm contender; the fake revokes every token; N concurrent requests.
3. Short-lived tokens: W workers send requests one after another for S seconds, while
   the fake's tokens expire every second.
4. Wrong password: N concurrent requests from a contender given a wrong password.

For each: logins tried, failed requests, requests sent without credentials, wall time,
the longest stall of the event loop (a ticker task's longest gap between wakeups), and
the peak of Python allocations (tracemalloc, in a second run of the same scenario, so
that tracing does not slow the timed run). Then the per-request cost of each contender
against the floor, in interleaved rounds as in ``bench_auth.py``.

The script reports; it asserts nothing. Counts and ratios from the same run are what
compare the contenders; absolute times depend on the machine.
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from _common import (
    DOCS,
    MICRO,
    Run,
    at_least,
    environment,
    failures_text,
    markdown_table,
    package_version,
    progress,
    run_timed,
    write_docs,
)
from _scenarios import (
    FLOOR,
    SCENARIOS,
    Cell,
    Overhead,
    Sizes,
    all_scenarios,
    make_target,
    overhead_on,
)

with warnings.catch_warnings(record=True) as _import_warnings:
    # Authlib warns, on import, that it prefers httpx2 to httpx; the report quotes it.
    warnings.simplefilter("always")
    import _peers
IMPORT_WARNINGS = sorted({f"{w.category.__name__}: {w.message}" for w in _import_warnings})

DOCS_PAGE = DOCS / "peers.md"
TITLE = "Against other libraries"


@dataclass(frozen=True)
class Options:
    """The command line."""

    sizes: Sizes
    backend: str
    write_docs: bool

    @classmethod
    def parse(cls, argv: Sequence[str] | None = None) -> Options:
        """Parse ``argv`` (default: ``sys.argv[1:]``)."""
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
        add = parser.add_argument
        add("--requests", type=at_least(1), default=1_000, help="storm size in process")
        add("--loopback-requests", type=at_least(1), default=500, help="storm size over loopback")
        add("--workers", type=at_least(1), default=20, help="workers with short-lived tokens")
        add("--seconds", type=float, default=4.0, help="how long the short-lived tokens run")
        add("--rounds", type=at_least(2), default=40, help="per-request cost: rounds")
        add("--round-size", type=at_least(1), default=300, help="requests per contender and round")
        add("--backend", choices=["asyncio", "trio"], default="asyncio")
        add("--write-docs", action="store_true", help="write the results into docs/peers.md")
        a = parser.parse_args(argv)
        sizes = Sizes(a.requests, a.loopback_requests, a.workers, a.seconds, a.rounds, a.round_size)
        return cls(sizes, a.backend, a.write_docs)


async def measure(sizes: Sizes) -> tuple[list[Cell], list[Overhead]]:
    cells = await all_scenarios(sizes)
    return cells, [
        await overhead_on("MockTransport", sizes),
        await overhead_on("fake WXM, in process", sizes),
    ]


# -- the report ---------------------------------------------------------------------------


def scenario_table(cells: list[Cell]) -> list[str]:
    header = [
        "Contender",
        "Transport",
        "Requests",
        "Logins tried (succeeded)",
        "Failed",
        "Sent without credentials",
        "Answered 401",
        "Wall time",
        "Longest loop stall",
        "Peak Python allocations",
    ]
    rows = [
        [
            c.contender,
            c.transport,
            f"{c.requests:,}",
            f"{c.counts.login_attempts} ({c.counts.logins})",
            failures_text(c.failures),
            f"{c.counts.unauthenticated:,}",
            f"{c.counts.denied:,}",
            f"{c.seconds:.2f} s",
            f"{c.longest_gap * 1e3:.1f} ms",
            f"{c.peak_bytes / 2**20:.1f} MiB",
        ]
        for c in cells
    ]
    return markdown_table(header, "llrrrrrrrr", rows)


def overhead_table(results: list[Overhead]) -> list[str]:
    header = [
        "Transport",
        "Contender",
        f"{MICRO}s/request",
        "Ratio to the floor (goal ≤ 1.03)",
        "Rounds' ratios, quartiles",
        "Answers not 200",
    ]
    rows = []
    for r in results:
        for name, times in r.times.items():
            ratios = r.ratios(name)
            q1, _, q3 = statistics.quantiles(ratios, n=4)
            ratio = "1 (the floor)" if name == FLOOR else f"{statistics.median(ratios):.3f}"
            spread = "" if name == FLOOR else f"{q1:.3f} to {q3:.3f}"
            median = f"{statistics.median(times) * 1e6:.1f}"
            rows.append([r.transport, name, median, ratio, spread, f"{r.not_ok[name]:,}"])
    return markdown_table(header, "llrrrr", rows)


@dataclass(frozen=True)
class Report:
    """Everything one run measured, and where."""

    sizes: Sizes
    run: Run
    cells: list[Cell]
    overheads: list[Overhead]


def versions() -> list[str]:
    contenders = ", ".join(
        f"{name}: {package_version(package)}" for name, package in _peers.PACKAGES.items()
    )
    return [f"- Contenders: {contenders}", *(f"- On import: {w}" for w in IMPORT_WARNINGS)]


def render(report: Report) -> str:
    o = report.sizes
    lines = [f"### {report.run.backend}", "", *environment(report.run), *versions()]
    sizes = {
        "cold": f"{o.requests:,} concurrent requests in process, {o.loopback_requests:,} over loopback",
        "revoked": f"{o.requests:,} concurrent requests in process, {o.loopback_requests:,} over loopback",
        "short": f"{o.workers} workers for {o.seconds:g} s; tokens state `expires_in: 1`",
        "wrong": f"{o.requests:,} concurrent requests in process, {o.loopback_requests:,} over loopback",
    }
    for scenario in SCENARIOS:
        cells = [c for c in report.cells if c.scenario == scenario.key]
        lines += ["", f"#### {scenario.title}: {sizes[scenario.key]}", "", *scenario_table(cells)]
    lines += [
        "",
        f"#### Per-request cost: {o.rounds} rounds of {o.round_size:,} sequential requests per contender",
        "",
        *overhead_table(report.overheads),
    ]
    return "\n".join(lines)


def render_code() -> str:
    """The contenders' source, and where their requests go, as measured."""
    quoted: list[tuple[str, Callable[..., Any]]] = [
        *((f"**{name}**", contender) for name, contender in _peers.CONTENDERS.items()),
        ("Every contender's client options (`Target.options`)", _peers.Target.options),
        ("The targets (`benchmarks/_scenarios.py`)", make_target),
    ]
    blocks: list[str] = []
    for title, function in quoted:
        source = textwrap.dedent(inspect.getsource(inspect.unwrap(function)))
        blocks += [title, "", "```python", source.rstrip(), "```", ""]
    return "\n".join(blocks).rstrip()


def main() -> None:
    options = Options.parse()
    (cells, overheads), run = run_timed(measure, options.sizes, backend=options.backend)
    block = render(Report(options.sizes, run, cells, overheads))
    print(block)
    if options.write_docs:
        write_docs(DOCS_PAGE, options.backend, block, title=TITLE)
        write_docs(DOCS_PAGE, "code", render_code(), title=TITLE)
        progress(f"written to {DOCS_PAGE}")


if __name__ == "__main__":
    main()
