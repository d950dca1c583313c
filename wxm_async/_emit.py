"""The one place that calls the ``on_event=`` callbacks.

A callback that raises never breaks the call it watches: its error is caught here and
logged once, the first time, on the ``wxm_async.events`` logger. Code that emits checks
``emitter.listeners`` first, so that without a callback no event is even built.
"""

from __future__ import annotations

import inspect
import logging

from ._exceptions import ConfigurationError
from .events import Event, EventCallback

__all__ = ["Emitter"]

_log = logging.getLogger("wxm_async.events")


def _check(callback: object) -> None:
    if not callable(callback):
        raise ConfigurationError(
            f"on_event must be a function taking an event, not {type(callback).__name__}"
        )
    call = type(callback).__call__  # an object's own, or a function's
    if inspect.iscoroutinefunction(callback) or inspect.iscoroutinefunction(call):
        raise ConfigurationError(
            "on_event must be a plain function, not an async one: it is called inline and "
            "never awaited (put the event on a queue that a task of yours reads)"
        )


class Emitter:
    """Calls its callbacks with each event, in the order they were added.

    ``listeners`` is empty when nobody listens: check it before building an event.

    Raises:
        ConfigurationError: The first callback (``on_event``) is not callable, or is
            an async function (it would never be awaited).
    """

    __slots__ = ("_failed", "listeners")

    def __init__(self, callback: EventCallback | None = None) -> None:
        if callback is not None:
            _check(callback)
        self.listeners: tuple[EventCallback, ...] = () if callback is None else (callback,)
        self._failed: set[int] = set()  # ids of the callbacks whose failure was logged

    def __repr__(self) -> str:
        return f"<Emitter of {len(self.listeners)} callbacks>"

    def add(self, callback: EventCallback) -> None:
        """Call ``callback`` with every event from now on (once, however often added)."""
        if callback not in self.listeners:
            self.listeners += (callback,)

    def emit(self, event: Event) -> None:
        """Call every callback with ``event``; a callback that raises is logged once."""
        for callback in self.listeners:
            try:
                callback(event)
            except Exception:
                if id(callback) not in self._failed:
                    self._failed.add(id(callback))
                    _log.exception(
                        "an on_event callback (%r) raised on %s; the call goes on, and "
                        "further errors of this callback are not logged",
                        callback,
                        type(event).__name__,
                    )
