"""The vault: Fernet encryption of secrets at rest, keys from the environment or a private key file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from connector_core.vault import KEY_ENV, Vault, VaultError


def test_a_secret_round_trips_and_is_not_stored_in_clear() -> None:
    vault = Vault([Fernet.generate_key()])

    sealed = vault.encrypt("Vault-Secret-UNIQUE-3310")

    assert b"Vault-Secret-UNIQUE-3310" not in sealed
    assert vault.decrypt(sealed) == "Vault-Secret-UNIQUE-3310"
    assert vault.encrypt("x") != vault.encrypt("x")  # a fresh IV each time


def test_no_key_is_an_error() -> None:
    with pytest.raises(VaultError, match="no encryption key"):
        Vault([])


def test_an_invalid_key_says_how_to_make_one() -> None:
    with pytest.raises(VaultError, match=r"Fernet\.generate_key"):
        Vault([b"not-a-key"])


def test_the_wrong_key_cannot_decrypt_and_says_what_to_do() -> None:
    sealed = Vault([Fernet.generate_key()]).encrypt("s")

    with pytest.raises(VaultError, match=f"Add the old key after the new one in {KEY_ENV}"):
        Vault([Fernet.generate_key()]).decrypt(sealed)


def test_rotation_decrypts_with_any_key_and_encrypts_with_the_first() -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    sealed_with_old = Vault([old]).encrypt("s")

    rotating = Vault([new, old])

    assert rotating.decrypt(sealed_with_old) == "s"
    assert Vault([new]).decrypt(rotating.encrypt("t")) == "t"


def test_the_environment_key_wins_over_the_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key()
    monkeypatch.setenv(KEY_ENV, f" {key.decode()} , ")

    vault = Vault.from_environment(tmp_path / "store.key")

    assert not (tmp_path / "store.key").exists()
    assert Vault([key]).decrypt(vault.encrypt("s")) == "s"


def test_a_key_file_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    key_file = tmp_path / "nested" / "store.key"

    first = Vault.from_environment(key_file)
    second = Vault.from_environment(key_file)

    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert second.decrypt(first.encrypt("s")) == "s"
    assert [p.name for p in key_file.parent.iterdir()] == ["store.key"]  # no temp file left behind


def test_threads_creating_the_key_file_at_once_all_get_the_one_key(tmp_path: Path) -> None:
    import threading

    key_file = tmp_path / "new-home" / "store.key"
    barrier = threading.Barrier(8)
    made: list[bytes] = []
    errors: list[BaseException] = []

    def open_vault() -> None:
        try:
            barrier.wait(timeout=30)
            vault = Vault.from_environment(key_file)
            made.append(vault.encrypt("probe"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_vault) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    one = Vault.from_environment(key_file)
    assert [one.decrypt(token) for token in made] == ["probe"] * 8
    assert sorted(p.name for p in key_file.parent.iterdir()) == ["store.key"]  # no temp file left behind
    assert stat.S_IMODE(os.stat(key_file.parent).st_mode) == 0o700
