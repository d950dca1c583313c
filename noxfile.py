"""Run the tests, the linters, the type checker and the docs build in fresh virtualenvs.

``nox`` runs the default sessions; ``nox -s tests-3.12 -- -k replay`` passes arguments on
to pytest. See ``docs/contributing.md``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typing", "docs"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_external_run = True
nox.options.default_venv_backend = "venv"

_PYPROJECT = tomllib.loads((Path(__file__).parent / "pyproject.toml").read_text(encoding="utf-8"))
#: Every Python the project supports, as its trove classifiers list them ("3.11", ...).
ALL_SUPPORTED = [
    classifier.rsplit(" ", 1)[-1]
    for classifier in _PYPROJECT["project"]["classifiers"]
    if classifier.startswith("Programming Language :: Python :: 3.")
]


@nox.session(python=ALL_SUPPORTED)
def tests(session: nox.Session) -> None:
    session.install(".[tests]")

    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install(".[lint]")

    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    # nox too, so that this file is checked against nox's own type hints: without them
    # mypy --strict rejects its decorators as untyped.
    session.install(".[typing]", "nox")

    # Which files are checked, and how strictly, is configured in pyproject.toml.
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    session.install(".[docs]")

    # --strict turns every warning (a broken link, a bad docstring) into a failure; the
    # check catches what it lets through (duplicate ids, unformatted signatures).
    session.run("mkdocs", "build", "--strict", env={"NO_MKDOCS_2_WARNING": "1"})
    session.run("python", ".ci/check_site.py", "site")


@nox.session
def soak(session: nox.Session) -> None:
    """Not run by default: ``nox -s soak`` (5 minutes), ``nox -s soak -- --seconds 60``."""
    session.install(".[benchmarks]")

    session.run("python", "benchmarks/soak.py", *session.posargs)
