"""Credentials: a read-only mapping whose secrets are SecretStr and whose repr lists names only."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from connector_core import Credentials
from connector_core.redaction import scrub

SECRET = "Cred-Secret-UNIQUE-5120"


@pytest.fixture
def creds() -> Credentials:
    return Credentials(
        {"app_key": " key1 ", "region": "us", "blank": "  "}, {"app_secret": SECRET, "empty": ""}
    )


def test_the_repr_names_fields_but_shows_no_secret(creds: Credentials) -> None:
    assert repr(creds) == "Credentials(app_key, region, blank, app_secret=***, empty=***)"
    assert SECRET not in str(creds)


def test_a_secret_reads_as_secretstr_unless_asked_for_explicitly(creds: Credentials) -> None:
    assert isinstance(creds["app_secret"], SecretStr)
    assert creds.secret("app_secret") == SECRET
    assert creds.secret("empty") is None
    assert creds.secret("missing") is None


def test_plain_fields_read_as_they_are_or_as_stripped_text(creds: Credentials) -> None:
    assert creds["app_key"] == " key1 "
    assert creds.text("app_key") == "key1"
    assert creds.text("blank", "default") == "default"
    assert creds.text("missing") is None


def test_it_is_a_mapping_of_every_field(creds: Credentials) -> None:
    assert list(creds) == ["app_key", "region", "blank", "app_secret", "empty"]
    assert len(creds) == 5
    assert "region" in creds
    with pytest.raises(KeyError):
        creds["nope"]


def test_public_and_secret_parts(creds: Credentials) -> None:
    assert creds.public == {"app_key": " key1 ", "region": "us", "blank": "  "}
    assert creds.secret_names == frozenset({"app_secret", "empty"})
    assert creds.plain_secrets() == {"app_secret": SECRET, "empty": ""}


def test_secretstr_values_are_accepted_as_they_are() -> None:
    creds = Credentials({}, {"token": SecretStr("already-secret-123")})

    assert creds.secret("token") == "already-secret-123"


def test_secret_values_are_registered_for_log_scrubbing(creds: Credentials) -> None:
    assert scrub(f"oops, logged {SECRET}!") == "oops, logged ***!"
