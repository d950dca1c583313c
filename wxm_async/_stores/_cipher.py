"""Encryption of a shared store's record at rest: a Fernet key, never in a message.

Optional (the ``encryption`` extra): ``cryptography`` is imported only when a key is
given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._config import ENV_TOKEN_KEY
from .._exceptions import ConfigurationError, DecodeError

__all__ = ["cipher", "decrypt"]

if TYPE_CHECKING:
    from cryptography.fernet import Fernet


def cipher(key: str | bytes) -> Fernet:
    """A Fernet for ``key``.

    Raises:
        ConfigurationError: ``cryptography`` is missing, or ``key`` is no Fernet key.
    """
    try:
        from cryptography.fernet import Fernet
    except ImportError:
        raise ConfigurationError(
            "encrypting the token at rest needs cryptography: pip install 'wxm-async[encryption]'"
        ) from None
    try:
        return Fernet(key)
    except (ValueError, TypeError):
        # Never the key itself in the message.
        raise ConfigurationError(
            f"the token encryption key (encryption_key or {ENV_TOKEN_KEY}) is not a Fernet "
            "key: 32 url-safe base64-encoded bytes, as Fernet.generate_key() makes"
        ) from None


def decrypt(cipher: Fernet, data: bytes, *, what: str) -> bytes:
    """Decrypt a stored record.

    Raises:
        DecodeError: It was encrypted with another key, or not at all.
    """
    from cryptography.fernet import InvalidToken

    try:
        return cipher.decrypt(data)
    except InvalidToken:
        raise DecodeError(
            f"could not decrypt {what}: it was encrypted with another key, or not encrypted"
        ) from None
