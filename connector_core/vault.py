"""Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) with key rotation.

The key comes from `CHANNEL_CONNECTORS_KEY` (one or more comma-separated Fernet keys: the first encrypts,
all decrypt, so a key can be rotated without re-encrypting first) or from a key file beside the database,
created once with mode 0600.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from .errors import ConnectorError

KEY_ENV = "CHANNEL_CONNECTORS_KEY"


class VaultError(ConnectorError):
    pass


class Vault:
    """Encrypts and decrypts short secret strings."""

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise VaultError("no encryption key given")
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except ValueError:
            raise VaultError(
                f"{KEY_ENV} or the key file holds an invalid key: "
                "generate one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`"
            ) from None

    @classmethod
    def from_environment(cls, key_file: Path) -> Vault:
        """The key from the environment if set, else from `key_file`, creating it on first use."""
        configured = os.environ.get(KEY_ENV, "").strip()
        if configured:
            return cls([k.strip().encode() for k in configured.split(",") if k.strip()])
        return cls([_read_or_create_key(key_file)])

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            raise VaultError(
                "a stored secret cannot be decrypted with the configured key: "
                f"was {KEY_ENV} or the key file changed? Add the old key after the new one in {KEY_ENV}"
            ) from None


def _read_or_create_key(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Write to a private temp file, then link: two processes (or two threads of one: hence the random
    # part of the name) starting at once end up with one key.
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, Fernet.generate_key())
    finally:
        os.close(fd)
    try:
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        temp.unlink(missing_ok=True)
    return path.read_bytes().strip()
