"""The installed version of wxm_async, read from the package's metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("wxm-async")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
