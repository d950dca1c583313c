"""A client's life: opened once, used in one event loop, not after it is closed.

httpx raises a bare ``RuntimeError`` for each of these mistakes (or, for a second
event loop, something deep inside anyio or httpcore does); the library says what
happened with a ``ConfigurationError`` instead, before anything is sent.
"""

from __future__ import annotations

import anyio.lowlevel
import httpx
from attrs import define

from ._exceptions import ConfigurationError

__all__ = ["LoopBinding", "open_once"]


@define
class LoopBinding:
    """The event loop a client belongs to: the first that sends through it.

    Its connections and its limits are that loop's; another loop (a second
    ``asyncio.run``, trio after asyncio) would meet them broken.
    """

    token: anyio.lowlevel.EventLoopToken | None = None

    def check(self, http: httpx.AsyncClient) -> None:
        """Refuse a call on a closed client, or from a loop other than the bound one.

        Raises:
            ConfigurationError: ``http`` is closed, or another event loop used it first.
        """
        if http.is_closed:
            raise ConfigurationError(
                "the WXMClient is closed (by aclose() or the end of its `async with`); "
                "make a new one"
            )
        current = anyio.lowlevel.current_token()
        if self.token is None:
            self.token = current
        elif current != self.token:
            raise ConfigurationError(
                "this WXMClient was first used in another event loop; its connections "
                "and limits belong to that loop: make one client per event loop"
            )


async def open_once(http: httpx.AsyncClient) -> None:
    """Open ``http`` for ``async with``.

    Raises:
        ConfigurationError: It was opened or closed before.
    """
    try:
        await http.__aenter__()
    except RuntimeError:  # httpx: "Cannot open a client instance more than once."
        raise ConfigurationError(
            "a WXMClient is opened once (one `async with`), and not after aclose(); make a new one"
        ) from None
