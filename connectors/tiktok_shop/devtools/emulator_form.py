"""The TikTok Shop credential form that points this connector at a local emulator.

It knows the connector's form (the fields of `schemas/credentials.schema.json`), not TikTok's API, so it lives
with the connector; the emulator itself knows nothing of the connector.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class EmulatorAddresses(Protocol):
    """What the form needs of an emulator: a running `TikTokShopEmulator`, or its description."""

    @property
    def api_base_url(self) -> str: ...
    @property
    def auth_base_url(self) -> str: ...
    @property
    def consent_base_url(self) -> str: ...
    @property
    def credentials(self) -> Mapping[str, str]: ...


def emulator_form(emulator: EmulatorAddresses, **overrides: Any) -> dict[str, Any]:
    """Credential-form values that point the connector at `emulator` (keyword overrides win)."""
    return {
        "environment": "production",
        "region": "non_us",
        **emulator.credentials,
        "base_url": emulator.api_base_url,
        "auth_base_url": emulator.auth_base_url,
        "authorize_url": emulator.consent_base_url + "/open/authorize",
        **overrides,
    }
