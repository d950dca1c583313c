"""Holding the fake's logins at the door, for tests of what happens meanwhile."""

from __future__ import annotations

import anyio
from attrs import define, field

__all__ = ["LoginPause"]


@define
class LoginPause:
    """Logins held at the door of the fake, for tests of what happens meanwhile.

    ``arrived`` is set when the first login reaches the pause; ``release()`` lets every
    held login through. Works in process (``FakeWXM.transport()``), where the fake runs
    in the test's own event loop.
    """

    arrived: anyio.Event = field(factory=anyio.Event)
    _released: anyio.Event = field(factory=anyio.Event)

    def release(self) -> None:
        """Let the held logins, and all later ones, through."""
        self._released.set()

    async def wait(self) -> None:
        """Wait, as a login, until ``release()``."""
        self.arrived.set()
        await self._released.wait()
