"""The otel tests' in-memory telemetry, made only where a test asks for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._telemetry import Telemetry


@pytest.fixture
def telemetry() -> Iterator[Telemetry]:
    from ._telemetry import Telemetry  # the tests extra: imported by the tests that need it

    telemetry = Telemetry()
    yield telemetry
    telemetry.shutdown()
