"""Credentials as a connector sees them: plain fields readable, secret fields only on explicit request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import SecretStr

from .redaction import register_secret


class Credentials(Mapping[str, Any]):
    """An immutable mapping of a credential form's values; secret values are held as `SecretStr`.

    `creds["app_key"]` gives a plain value; a secret field gives its `SecretStr`, and
    `creds.secret("app_secret")` gives the string itself, for the one place that must send it.
    The repr lists field names only.
    """

    def __init__(self, public: Mapping[str, Any], secrets: Mapping[str, str | SecretStr]) -> None:
        self._public = dict(public)
        self._secrets: dict[str, SecretStr] = {}
        for name, value in secrets.items():
            secret = value if isinstance(value, SecretStr) else SecretStr(value)
            register_secret(secret.get_secret_value())
            self._secrets[name] = secret

    def __getitem__(self, name: str) -> Any:
        if name in self._secrets:
            return self._secrets[name]
        return self._public[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._public
        yield from self._secrets

    def __len__(self) -> int:
        return len(self._public) + len(self._secrets)

    def __repr__(self) -> str:
        fields = ", ".join([*self._public, *(f"{n}=***" for n in self._secrets)])
        return f"Credentials({fields})"

    def text(self, name: str, default: str | None = None) -> str | None:
        """A non-secret field as a stripped string, or `default` when it is absent or blank."""
        value = self._public.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        return str(value).strip()

    def secret(self, name: str) -> str | None:
        """The plain value of a secret field (None when not set). Never log what this returns."""
        value = self._secrets.get(name)
        if value is None:
            return None
        plain = value.get_secret_value()
        return plain or None

    @property
    def public(self) -> dict[str, Any]:
        return dict(self._public)

    @property
    def secret_names(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def plain_secrets(self) -> dict[str, str]:
        """Every secret field's plain value: only for encrypting into the store."""
        return {n: v.get_secret_value() for n, v in self._secrets.items()}
