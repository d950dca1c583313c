"""The token at rest, encrypted with a Fernet key from an argument or WXM_TOKEN_KEY."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from wxm_async import ENV_TOKEN_KEY, ConfigurationError
from wxm_async.stores import FileTokenStore
from wxm_async.testing import FakeWXM

from ..conftest import store_client

pytestmark = pytest.mark.anyio


async def test_an_encrypted_file_holds_no_readable_token_and_is_shared(
    fake: FakeWXM, tmp_path: Path
) -> None:
    """With a key, the file is ciphertext; a store with the same key still adopts the token."""
    key = Fernet.generate_key()
    path = tmp_path / "token"
    first = FileTokenStore(path, encryption_key=key)
    async with store_client(fake, first) as http:
        await http.get("/api/Profile")
    token = first.current()
    assert token is not None
    data = path.read_bytes()
    assert token.token.access_token.encode() not in data
    assert b"access_token" not in data
    assert json.loads(Fernet(key).decrypt(data))["version"] == 1
    async with store_client(fake, FileTokenStore(path, encryption_key=key.decode())) as http:
        assert (await http.get("/api/Profile")).status_code == 200
    assert fake.logins == 1


async def test_a_store_with_another_key_ignores_the_file(
    fake: FakeWXM, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A record encrypted with another key is not decoded: a warning, and a login."""
    path = tmp_path / "token"
    async with store_client(
        fake, FileTokenStore(path, encryption_key=Fernet.generate_key())
    ) as http:
        await http.get("/api/Profile")
    async with store_client(
        fake, FileTokenStore(path, encryption_key=Fernet.generate_key())
    ) as http:
        assert (await http.get("/api/Profile")).status_code == 200
    assert fake.logins == 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("could not decrypt the token file" in w for w in warnings)


async def test_the_key_comes_from_wxm_token_key_when_not_given(
    fake: FakeWXM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WXM_TOKEN_KEY is the fallback for encryption_key."""
    key = Fernet.generate_key()
    monkeypatch.setenv(ENV_TOKEN_KEY, key.decode())
    path = tmp_path / "token"
    async with store_client(fake, FileTokenStore(path)) as http:
        await http.get("/api/Profile")
    assert json.loads(Fernet(key).decrypt(path.read_bytes()))["version"] == 1


def test_a_bad_key_is_refused_without_showing_it(tmp_path: Path) -> None:
    """A key that is not a Fernet key raises ConfigurationError that does not quote it."""
    with pytest.raises(ConfigurationError, match="not a Fernet key") as caught:
        FileTokenStore(tmp_path / "token", encryption_key="not-a-real-key-but-secret")
    assert "not-a-real-key-but-secret" not in str(caught.value)


def test_without_cryptography_encryption_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asking for encryption without cryptography names the extra to install."""
    monkeypatch.setitem(sys.modules, "cryptography.fernet", None)
    with pytest.raises(ConfigurationError, match=r"pip install 'wxm-async\[encryption\]'"):
        FileTokenStore(tmp_path / "token", encryption_key=Fernet.generate_key())
